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

        grant reader_012 {
            requester: "arn:aws:iam::111111111111:role/team-012/analytics-etl-long-name-012",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_013 {
            requester: "arn:aws:iam::111111111111:role/team-013/analytics-etl-long-name-013",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_014 {
            requester: "arn:aws:iam::111111111111:role/team-014/analytics-etl-long-name-014",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_015 {
            requester: "arn:aws:iam::111111111111:role/team-015/analytics-etl-long-name-015",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_016 {
            requester: "arn:aws:iam::111111111111:role/team-016/analytics-etl-long-name-016",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_017 {
            requester: "arn:aws:iam::111111111111:role/team-017/analytics-etl-long-name-017",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_018 {
            requester: "arn:aws:iam::111111111111:role/team-018/analytics-etl-long-name-018",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_019 {
            requester: "arn:aws:iam::111111111111:role/team-019/analytics-etl-long-name-019",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_020 {
            requester: "arn:aws:iam::111111111111:role/team-020/analytics-etl-long-name-020",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_021 {
            requester: "arn:aws:iam::111111111111:role/team-021/analytics-etl-long-name-021",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_022 {
            requester: "arn:aws:iam::111111111111:role/team-022/analytics-etl-long-name-022",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_023 {
            requester: "arn:aws:iam::111111111111:role/team-023/analytics-etl-long-name-023",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_024 {
            requester: "arn:aws:iam::111111111111:role/team-024/analytics-etl-long-name-024",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_025 {
            requester: "arn:aws:iam::111111111111:role/team-025/analytics-etl-long-name-025",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_026 {
            requester: "arn:aws:iam::111111111111:role/team-026/analytics-etl-long-name-026",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_027 {
            requester: "arn:aws:iam::111111111111:role/team-027/analytics-etl-long-name-027",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_028 {
            requester: "arn:aws:iam::111111111111:role/team-028/analytics-etl-long-name-028",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_029 {
            requester: "arn:aws:iam::111111111111:role/team-029/analytics-etl-long-name-029",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_030 {
            requester: "arn:aws:iam::111111111111:role/team-030/analytics-etl-long-name-030",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_031 {
            requester: "arn:aws:iam::111111111111:role/team-031/analytics-etl-long-name-031",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_032 {
            requester: "arn:aws:iam::111111111111:role/team-032/analytics-etl-long-name-032",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_033 {
            requester: "arn:aws:iam::111111111111:role/team-033/analytics-etl-long-name-033",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_034 {
            requester: "arn:aws:iam::111111111111:role/team-034/analytics-etl-long-name-034",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_035 {
            requester: "arn:aws:iam::111111111111:role/team-035/analytics-etl-long-name-035",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_036 {
            requester: "arn:aws:iam::111111111111:role/team-036/analytics-etl-long-name-036",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_037 {
            requester: "arn:aws:iam::111111111111:role/team-037/analytics-etl-long-name-037",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_038 {
            requester: "arn:aws:iam::111111111111:role/team-038/analytics-etl-long-name-038",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }

        grant reader_039 {
            requester: "arn:aws:iam::111111111111:role/team-039/analytics-etl-long-name-039",
            assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
        }
    };
}

fn main() {}
