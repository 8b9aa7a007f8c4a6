policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant reads {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:ListBucket],
            kms_key: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }
    };
}

fn main() {}
