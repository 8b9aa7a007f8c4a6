//! A centralized data lake: the platform account (222222222222) owns one bucket and gives each
//! consuming team its own access point, limited to the team's part of the lake.

xacct::grants! {
    /// The central data lake and its consumers.
    pub static DATA_LAKE = {
        /// Finance reads the curated ledger tables.
        grant finance_reads_ledger {
            requester: "arn:aws:iam::444444444444:role/finance-reporting",
            assume_role: "arn:aws:iam::222222222222:role/lake-finance",
            access_point: "arn:aws:s3:eu-west-1:222222222222:accesspoint/lake-finance",
            bucket: "central-data-lake",
            actions: [s3:GetObject, s3:GetObjectVersion, s3:ListBucket],
            prefixes: ["curated/ledger/"],
        }

        /// Machine learning reads raw events and writes features.
        grant ml_uses_features {
            requester: "arn:aws:iam::555555555555:role/ml-training",
            assume_role: "arn:aws:iam::222222222222:role/lake-ml",
            access_point: "arn:aws:s3:eu-west-1:222222222222:accesspoint/lake-ml",
            bucket: "central-data-lake",
            actions: [s3:GetObject, s3:PutObject, s3:ListBucket],
            prefixes: ["raw/events/", "features/"],
            external_id: "ml-platform",
        }

        /// Security audits everything, read-only, with MFA.
        grant security_audits_lake {
            requester: "arn:aws:iam::666666666666:role/security-audit",
            assume_role: "arn:aws:iam::222222222222:role/lake-audit",
            access_point: "arn:aws:s3:eu-west-1:222222222222:accesspoint/lake-audit",
            bucket: "central-data-lake",
            actions: [s3:Get*, s3:ListBucket],
            require_mfa: true,
        }
    };
}
