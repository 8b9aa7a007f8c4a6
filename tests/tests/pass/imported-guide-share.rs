//! What `import` prints for AWS's guide share (tests/deploy/tests/import.rs checks that the
//! printed block is this file's, byte for byte), compiled as a user's crate would compile it.

extern crate policy_macros as xacct;

xacct::grants! {
    /// Imported with `import` from the live documents.
    pub static GUIDE = {
        /// From statement `ConsumerReads` of the policy of arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap.
        /// From statement `ConsumerLists` of the policy of arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap.
        grant consumer_reads_guide_ap {
            requester: "arn:aws:iam::111111111111:role/consumer",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap",
            bucket: "guide-bucket",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["reports/"],
        }
        // Not imported: statement `NoDeletes` of the policy of arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap — a `Deny`: grants declare what is allowed; keep it where it is or add it to the code's documents by hand.
    };
}

fn main() {
    assert_eq!(GUIDE.grants().len(), 1);
}
