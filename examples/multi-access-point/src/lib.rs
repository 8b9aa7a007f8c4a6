//! One reporting role (111111111111) reads through two access points of the sales account
//! (222222222222), each in front of its own bucket, through one bridge role.

xacct::grants! {
    /// Reporting reads sales and inventory.
    pub static REPORTING = {
        /// Daily sales figures.
        grant reporting_reads_sales {
            requester: "arn:aws:iam::111111111111:role/reporting",
            assume_role: "arn:aws:iam::222222222222:role/reporting-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales-daily",
            bucket: "sales-daily-exports",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["daily/"],
        }

        /// Record snapshots.
        grant reporting_reads_inventory {
            requester: "arn:aws:iam::111111111111:role/reporting",
            assume_role: "arn:aws:iam::222222222222:role/reporting-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/inventory-snapshots",
            bucket: "inventory-snapshots",
            actions: [s3:GetObject, s3:GetObjectVersion, s3:ListBucket, s3:ListBucketVersions],
        }
    };
}
