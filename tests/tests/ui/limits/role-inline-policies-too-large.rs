policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant share_000 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-000",
            bucket: "shared-bucket-000",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_001 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-001",
            bucket: "shared-bucket-001",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_002 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-002",
            bucket: "shared-bucket-002",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_003 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-003",
            bucket: "shared-bucket-003",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_004 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-004",
            bucket: "shared-bucket-004",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_005 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-005",
            bucket: "shared-bucket-005",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_006 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-006",
            bucket: "shared-bucket-006",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }

        grant share_007 {
            requester: "arn:aws:iam::111111111111:role/analytics-etl",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-007",
            bucket: "shared-bucket-007",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["dataset-00/partition/", "dataset-01/partition/", "dataset-02/partition/", "dataset-03/partition/", "dataset-04/partition/", "dataset-05/partition/", "dataset-06/partition/", "dataset-07/partition/", "dataset-08/partition/", "dataset-09/partition/", "dataset-10/partition/", "dataset-11/partition/", "dataset-12/partition/", "dataset-13/partition/", "dataset-14/partition/", "dataset-15/partition/"],
        }
    };
}

fn main() {}
