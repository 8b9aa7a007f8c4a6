//! The guide's scenario: marketing (222222222222) owns customer exports; the analytics ETL role in
//! 111111111111 reads them through marketing's access point by assuming a bridge role there.

xacct::grants! {
    /// Marketing shares customer exports with analytics.
    pub static SHARING = {
        /// The analytics ETL job reads customer exports.
        grant analytics_reads_customers {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["customers/"],
            require_mfa: false,
            external_id: "analytics-2026",
        }
    };
}
