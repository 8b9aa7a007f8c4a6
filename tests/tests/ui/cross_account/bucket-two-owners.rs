policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant first {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant second {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/other-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            bucket_account: "333333333333",
        }
    };
}

fn main() {}
