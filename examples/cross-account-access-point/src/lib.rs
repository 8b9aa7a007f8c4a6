//! The archive account (333333333333) owns the bucket; the data account (222222222222) runs the
//! access point in front of it; analytics (111111111111) reads. The bucket's delegation goes to
//! the bucket owner, the access point and bridge role to the access point owner.

xacct::grants! {
    /// Analytics reads the archive through the data account's access point.
    pub static ARCHIVE = {
        /// Yearly archives for the analytics backfill.
        grant analytics_reads_archive {
            requester: "arn:aws:iam::111111111111:role/analytics-backfill",
            assume_role: "arn:aws:iam::222222222222:role/archive-reader",
            access_point: "arn:aws:s3:us-east-2:222222222222:accesspoint/archive-read",
            bucket: "company-archive-vault",
            bucket_account: "333333333333",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["2025/", "2026/"],
        }
    };
}
