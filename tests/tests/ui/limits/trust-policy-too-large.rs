policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant reader_000 {
            requester: "arn:aws:iam::111111111111:role/team-000/analytics-etl-long-name-000",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_001 {
            requester: "arn:aws:iam::111111111111:role/team-001/analytics-etl-long-name-001",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_002 {
            requester: "arn:aws:iam::111111111111:role/team-002/analytics-etl-long-name-002",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_003 {
            requester: "arn:aws:iam::111111111111:role/team-003/analytics-etl-long-name-003",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_004 {
            requester: "arn:aws:iam::111111111111:role/team-004/analytics-etl-long-name-004",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_005 {
            requester: "arn:aws:iam::111111111111:role/team-005/analytics-etl-long-name-005",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_006 {
            requester: "arn:aws:iam::111111111111:role/team-006/analytics-etl-long-name-006",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_007 {
            requester: "arn:aws:iam::111111111111:role/team-007/analytics-etl-long-name-007",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_008 {
            requester: "arn:aws:iam::111111111111:role/team-008/analytics-etl-long-name-008",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_009 {
            requester: "arn:aws:iam::111111111111:role/team-009/analytics-etl-long-name-009",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_010 {
            requester: "arn:aws:iam::111111111111:role/team-010/analytics-etl-long-name-010",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_011 {
            requester: "arn:aws:iam::111111111111:role/team-011/analytics-etl-long-name-011",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }
    };
}

fn main() {}
