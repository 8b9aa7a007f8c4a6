//! The finance bucket of 222222222222 is encrypted with a customer managed KMS key of the same
//! account. Without the key, every read through the access point fails with AccessDenied even when
//! every S3 policy is right; with `kms_key`, each grant also gets `kms:Decrypt` (and, to write,
//! `kms:GenerateDataKey`) in its identity policy and in the key policy, limited to requests S3
//! makes for it (`kms:ViaService`) on the objects it reaches (the S3 encryption context). The key
//! policy's other statements, its administrators' first, are kept.

xacct::grants! {
    /// Finance data on an SSE-KMS bucket.
    pub static ENCRYPTED_LAKE = {
        /// The reporting job reads the monthly closes.
        grant reporting_reads_closes {
            requester: "arn:aws:iam::111111111111:role/finance-reporting",
            assume_role: "arn:aws:iam::222222222222:role/finance-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/finance-closes",
            bucket: "finance-encrypted",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["closes/"],
            kms_key: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }
        /// The ledger exporter writes its daily files, directly through the access point.
        grant exporter_writes_ledgers {
            requester: "arn:aws:iam::333333333333:role/ledger-exporter",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/finance-closes",
            bucket: "finance-encrypted",
            actions: [s3:PutObject],
            prefixes: ["ledgers/"],
            kms_key: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }
    };
}
