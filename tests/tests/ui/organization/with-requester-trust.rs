policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant reads {
            requester: "o-a1b2c3d4e5",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            requester_trust: account,
        }
    };
}

fn main() {}
