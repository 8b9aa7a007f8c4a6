//! A crate with nothing but `policy-core` and `policy-macros` can declare and render grants.

policy_macros::grants! {
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

fn main() {
    assert!(SHARING.render_json().starts_with(r#"[{"account":"111111111111""#));
    assert_eq!(SHARING.documents().len(), 7);
}
