policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant team_000 {
            requester: "arn:aws:iam::100000000000:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-000",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-000/dataset-00/", "team-000/dataset-01/", "team-000/dataset-02/", "team-000/dataset-03/", "team-000/dataset-04/", "team-000/dataset-05/", "team-000/dataset-06/", "team-000/dataset-07/"],
        }

        grant team_001 {
            requester: "arn:aws:iam::100000000001:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-001",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-001/dataset-00/", "team-001/dataset-01/", "team-001/dataset-02/", "team-001/dataset-03/", "team-001/dataset-04/", "team-001/dataset-05/", "team-001/dataset-06/", "team-001/dataset-07/"],
        }

        grant team_002 {
            requester: "arn:aws:iam::100000000002:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-002",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-002/dataset-00/", "team-002/dataset-01/", "team-002/dataset-02/", "team-002/dataset-03/", "team-002/dataset-04/", "team-002/dataset-05/", "team-002/dataset-06/", "team-002/dataset-07/"],
        }

        grant team_003 {
            requester: "arn:aws:iam::100000000003:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-003",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-003/dataset-00/", "team-003/dataset-01/", "team-003/dataset-02/", "team-003/dataset-03/", "team-003/dataset-04/", "team-003/dataset-05/", "team-003/dataset-06/", "team-003/dataset-07/"],
        }

        grant team_004 {
            requester: "arn:aws:iam::100000000004:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-004",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-004/dataset-00/", "team-004/dataset-01/", "team-004/dataset-02/", "team-004/dataset-03/", "team-004/dataset-04/", "team-004/dataset-05/", "team-004/dataset-06/", "team-004/dataset-07/"],
        }

        grant team_005 {
            requester: "arn:aws:iam::100000000005:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-005",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-005/dataset-00/", "team-005/dataset-01/", "team-005/dataset-02/", "team-005/dataset-03/", "team-005/dataset-04/", "team-005/dataset-05/", "team-005/dataset-06/", "team-005/dataset-07/"],
        }

        grant team_006 {
            requester: "arn:aws:iam::100000000006:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-006",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-006/dataset-00/", "team-006/dataset-01/", "team-006/dataset-02/", "team-006/dataset-03/", "team-006/dataset-04/", "team-006/dataset-05/", "team-006/dataset-06/", "team-006/dataset-07/"],
        }

        grant team_007 {
            requester: "arn:aws:iam::100000000007:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-007",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-007/dataset-00/", "team-007/dataset-01/", "team-007/dataset-02/", "team-007/dataset-03/", "team-007/dataset-04/", "team-007/dataset-05/", "team-007/dataset-06/", "team-007/dataset-07/"],
        }

        grant team_008 {
            requester: "arn:aws:iam::100000000008:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-008",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-008/dataset-00/", "team-008/dataset-01/", "team-008/dataset-02/", "team-008/dataset-03/", "team-008/dataset-04/", "team-008/dataset-05/", "team-008/dataset-06/", "team-008/dataset-07/"],
        }

        grant team_009 {
            requester: "arn:aws:iam::100000000009:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-009",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-009/dataset-00/", "team-009/dataset-01/", "team-009/dataset-02/", "team-009/dataset-03/", "team-009/dataset-04/", "team-009/dataset-05/", "team-009/dataset-06/", "team-009/dataset-07/"],
        }

        grant team_010 {
            requester: "arn:aws:iam::100000000010:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-010",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-010/dataset-00/", "team-010/dataset-01/", "team-010/dataset-02/", "team-010/dataset-03/", "team-010/dataset-04/", "team-010/dataset-05/", "team-010/dataset-06/", "team-010/dataset-07/"],
        }

        grant team_011 {
            requester: "arn:aws:iam::100000000011:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-011",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-011/dataset-00/", "team-011/dataset-01/", "team-011/dataset-02/", "team-011/dataset-03/", "team-011/dataset-04/", "team-011/dataset-05/", "team-011/dataset-06/", "team-011/dataset-07/"],
        }

        grant team_012 {
            requester: "arn:aws:iam::100000000012:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-012",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-012/dataset-00/", "team-012/dataset-01/", "team-012/dataset-02/", "team-012/dataset-03/", "team-012/dataset-04/", "team-012/dataset-05/", "team-012/dataset-06/", "team-012/dataset-07/"],
        }

        grant team_013 {
            requester: "arn:aws:iam::100000000013:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-013",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-013/dataset-00/", "team-013/dataset-01/", "team-013/dataset-02/", "team-013/dataset-03/", "team-013/dataset-04/", "team-013/dataset-05/", "team-013/dataset-06/", "team-013/dataset-07/"],
        }

        grant team_014 {
            requester: "arn:aws:iam::100000000014:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-014",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-014/dataset-00/", "team-014/dataset-01/", "team-014/dataset-02/", "team-014/dataset-03/", "team-014/dataset-04/", "team-014/dataset-05/", "team-014/dataset-06/", "team-014/dataset-07/"],
        }

        grant team_015 {
            requester: "arn:aws:iam::100000000015:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-015",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-015/dataset-00/", "team-015/dataset-01/", "team-015/dataset-02/", "team-015/dataset-03/", "team-015/dataset-04/", "team-015/dataset-05/", "team-015/dataset-06/", "team-015/dataset-07/"],
        }

        grant team_016 {
            requester: "arn:aws:iam::100000000016:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-016",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-016/dataset-00/", "team-016/dataset-01/", "team-016/dataset-02/", "team-016/dataset-03/", "team-016/dataset-04/", "team-016/dataset-05/", "team-016/dataset-06/", "team-016/dataset-07/"],
        }

        grant team_017 {
            requester: "arn:aws:iam::100000000017:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-017",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-017/dataset-00/", "team-017/dataset-01/", "team-017/dataset-02/", "team-017/dataset-03/", "team-017/dataset-04/", "team-017/dataset-05/", "team-017/dataset-06/", "team-017/dataset-07/"],
        }

        grant team_018 {
            requester: "arn:aws:iam::100000000018:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-018",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-018/dataset-00/", "team-018/dataset-01/", "team-018/dataset-02/", "team-018/dataset-03/", "team-018/dataset-04/", "team-018/dataset-05/", "team-018/dataset-06/", "team-018/dataset-07/"],
        }

        grant team_019 {
            requester: "arn:aws:iam::100000000019:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-019",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-019/dataset-00/", "team-019/dataset-01/", "team-019/dataset-02/", "team-019/dataset-03/", "team-019/dataset-04/", "team-019/dataset-05/", "team-019/dataset-06/", "team-019/dataset-07/"],
        }

        grant team_020 {
            requester: "arn:aws:iam::100000000020:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-020",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-020/dataset-00/", "team-020/dataset-01/", "team-020/dataset-02/", "team-020/dataset-03/", "team-020/dataset-04/", "team-020/dataset-05/", "team-020/dataset-06/", "team-020/dataset-07/"],
        }

        grant team_021 {
            requester: "arn:aws:iam::100000000021:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-021",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-021/dataset-00/", "team-021/dataset-01/", "team-021/dataset-02/", "team-021/dataset-03/", "team-021/dataset-04/", "team-021/dataset-05/", "team-021/dataset-06/", "team-021/dataset-07/"],
        }

        grant team_022 {
            requester: "arn:aws:iam::100000000022:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-022",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-022/dataset-00/", "team-022/dataset-01/", "team-022/dataset-02/", "team-022/dataset-03/", "team-022/dataset-04/", "team-022/dataset-05/", "team-022/dataset-06/", "team-022/dataset-07/"],
        }

        grant team_023 {
            requester: "arn:aws:iam::100000000023:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-023",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-023/dataset-00/", "team-023/dataset-01/", "team-023/dataset-02/", "team-023/dataset-03/", "team-023/dataset-04/", "team-023/dataset-05/", "team-023/dataset-06/", "team-023/dataset-07/"],
        }

        grant team_024 {
            requester: "arn:aws:iam::100000000024:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-024",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-024/dataset-00/", "team-024/dataset-01/", "team-024/dataset-02/", "team-024/dataset-03/", "team-024/dataset-04/", "team-024/dataset-05/", "team-024/dataset-06/", "team-024/dataset-07/"],
        }

        grant team_025 {
            requester: "arn:aws:iam::100000000025:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-025",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-025/dataset-00/", "team-025/dataset-01/", "team-025/dataset-02/", "team-025/dataset-03/", "team-025/dataset-04/", "team-025/dataset-05/", "team-025/dataset-06/", "team-025/dataset-07/"],
        }

        grant team_026 {
            requester: "arn:aws:iam::100000000026:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-026",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-026/dataset-00/", "team-026/dataset-01/", "team-026/dataset-02/", "team-026/dataset-03/", "team-026/dataset-04/", "team-026/dataset-05/", "team-026/dataset-06/", "team-026/dataset-07/"],
        }

        grant team_027 {
            requester: "arn:aws:iam::100000000027:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-027",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-027/dataset-00/", "team-027/dataset-01/", "team-027/dataset-02/", "team-027/dataset-03/", "team-027/dataset-04/", "team-027/dataset-05/", "team-027/dataset-06/", "team-027/dataset-07/"],
        }

        grant team_028 {
            requester: "arn:aws:iam::100000000028:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-028",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-028/dataset-00/", "team-028/dataset-01/", "team-028/dataset-02/", "team-028/dataset-03/", "team-028/dataset-04/", "team-028/dataset-05/", "team-028/dataset-06/", "team-028/dataset-07/"],
        }

        grant team_029 {
            requester: "arn:aws:iam::100000000029:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-029",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-029/dataset-00/", "team-029/dataset-01/", "team-029/dataset-02/", "team-029/dataset-03/", "team-029/dataset-04/", "team-029/dataset-05/", "team-029/dataset-06/", "team-029/dataset-07/"],
        }

        grant team_030 {
            requester: "arn:aws:iam::100000000030:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-030",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-030/dataset-00/", "team-030/dataset-01/", "team-030/dataset-02/", "team-030/dataset-03/", "team-030/dataset-04/", "team-030/dataset-05/", "team-030/dataset-06/", "team-030/dataset-07/"],
        }

        grant team_031 {
            requester: "arn:aws:iam::100000000031:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-031",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-031/dataset-00/", "team-031/dataset-01/", "team-031/dataset-02/", "team-031/dataset-03/", "team-031/dataset-04/", "team-031/dataset-05/", "team-031/dataset-06/", "team-031/dataset-07/"],
        }

        grant team_032 {
            requester: "arn:aws:iam::100000000032:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-032",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-032/dataset-00/", "team-032/dataset-01/", "team-032/dataset-02/", "team-032/dataset-03/", "team-032/dataset-04/", "team-032/dataset-05/", "team-032/dataset-06/", "team-032/dataset-07/"],
        }

        grant team_033 {
            requester: "arn:aws:iam::100000000033:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-033",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-033/dataset-00/", "team-033/dataset-01/", "team-033/dataset-02/", "team-033/dataset-03/", "team-033/dataset-04/", "team-033/dataset-05/", "team-033/dataset-06/", "team-033/dataset-07/"],
        }

        grant team_034 {
            requester: "arn:aws:iam::100000000034:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-034",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-034/dataset-00/", "team-034/dataset-01/", "team-034/dataset-02/", "team-034/dataset-03/", "team-034/dataset-04/", "team-034/dataset-05/", "team-034/dataset-06/", "team-034/dataset-07/"],
        }

        grant team_035 {
            requester: "arn:aws:iam::100000000035:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-035",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-035/dataset-00/", "team-035/dataset-01/", "team-035/dataset-02/", "team-035/dataset-03/", "team-035/dataset-04/", "team-035/dataset-05/", "team-035/dataset-06/", "team-035/dataset-07/"],
        }

        grant team_036 {
            requester: "arn:aws:iam::100000000036:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-036",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-036/dataset-00/", "team-036/dataset-01/", "team-036/dataset-02/", "team-036/dataset-03/", "team-036/dataset-04/", "team-036/dataset-05/", "team-036/dataset-06/", "team-036/dataset-07/"],
        }

        grant team_037 {
            requester: "arn:aws:iam::100000000037:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-037",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-037/dataset-00/", "team-037/dataset-01/", "team-037/dataset-02/", "team-037/dataset-03/", "team-037/dataset-04/", "team-037/dataset-05/", "team-037/dataset-06/", "team-037/dataset-07/"],
        }

        grant team_038 {
            requester: "arn:aws:iam::100000000038:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-038",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-038/dataset-00/", "team-038/dataset-01/", "team-038/dataset-02/", "team-038/dataset-03/", "team-038/dataset-04/", "team-038/dataset-05/", "team-038/dataset-06/", "team-038/dataset-07/"],
        }

        grant team_039 {
            requester: "arn:aws:iam::100000000039:role/reader",
            assume_role: "arn:aws:iam::222222222222:role/reader-039",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
            bucket: "marketing-customer-data",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-039/dataset-00/", "team-039/dataset-01/", "team-039/dataset-02/", "team-039/dataset-03/", "team-039/dataset-04/", "team-039/dataset-05/", "team-039/dataset-06/", "team-039/dataset-07/"],
        }
    };
}

fn main() {}
