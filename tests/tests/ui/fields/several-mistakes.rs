policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant reads {
            requester: "arn:aws:iam::1111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "Bad_Bucket",
            actions: [s3:GetObjects, s3:CreateBucket],
        }
    };
}

fn main() {}
