policy_macros::grants! {
    pub static DEPLOYMENT = {
        grant upload_00 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-00",
            bucket: "intake-bucket-00",
            actions: [s3:PutObject],
        }

        grant upload_01 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-01",
            bucket: "intake-bucket-01",
            actions: [s3:PutObject],
        }

        grant upload_02 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-02",
            bucket: "intake-bucket-02",
            actions: [s3:PutObject],
        }

        grant upload_03 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-03",
            bucket: "intake-bucket-03",
            actions: [s3:PutObject],
        }

        grant upload_04 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-04",
            bucket: "intake-bucket-04",
            actions: [s3:PutObject],
        }

        grant upload_05 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-05",
            bucket: "intake-bucket-05",
            actions: [s3:PutObject],
        }

        grant upload_06 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-06",
            bucket: "intake-bucket-06",
            actions: [s3:PutObject],
        }

        grant upload_07 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-07",
            bucket: "intake-bucket-07",
            actions: [s3:PutObject],
        }

        grant upload_08 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-08",
            bucket: "intake-bucket-08",
            actions: [s3:PutObject],
        }

        grant upload_09 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-09",
            bucket: "intake-bucket-09",
            actions: [s3:PutObject],
        }

        grant upload_10 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-10",
            bucket: "intake-bucket-10",
            actions: [s3:PutObject],
        }

        grant upload_11 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-11",
            bucket: "intake-bucket-11",
            actions: [s3:PutObject],
        }

        grant upload_12 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-12",
            bucket: "intake-bucket-12",
            actions: [s3:PutObject],
        }

        grant upload_13 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-13",
            bucket: "intake-bucket-13",
            actions: [s3:PutObject],
        }

        grant upload_14 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-14",
            bucket: "intake-bucket-14",
            actions: [s3:PutObject],
        }

        grant upload_15 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-15",
            bucket: "intake-bucket-15",
            actions: [s3:PutObject],
        }

        grant upload_16 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-16",
            bucket: "intake-bucket-16",
            actions: [s3:PutObject],
        }

        grant upload_17 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-17",
            bucket: "intake-bucket-17",
            actions: [s3:PutObject],
        }

        grant upload_18 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-18",
            bucket: "intake-bucket-18",
            actions: [s3:PutObject],
        }

        grant upload_19 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-19",
            bucket: "intake-bucket-19",
            actions: [s3:PutObject],
        }

        grant upload_20 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-20",
            bucket: "intake-bucket-20",
            actions: [s3:PutObject],
        }

        grant upload_21 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-21",
            bucket: "intake-bucket-21",
            actions: [s3:PutObject],
        }

        grant upload_22 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-22",
            bucket: "intake-bucket-22",
            actions: [s3:PutObject],
        }

        grant upload_23 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-23",
            bucket: "intake-bucket-23",
            actions: [s3:PutObject],
        }

        grant upload_24 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-24",
            bucket: "intake-bucket-24",
            actions: [s3:PutObject],
        }

        grant upload_25 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-25",
            bucket: "intake-bucket-25",
            actions: [s3:PutObject],
        }

        grant upload_26 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-26",
            bucket: "intake-bucket-26",
            actions: [s3:PutObject],
        }

        grant upload_27 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-27",
            bucket: "intake-bucket-27",
            actions: [s3:PutObject],
        }

        grant upload_28 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-28",
            bucket: "intake-bucket-28",
            actions: [s3:PutObject],
        }

        grant upload_29 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-29",
            bucket: "intake-bucket-29",
            actions: [s3:PutObject],
        }

        grant upload_30 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-30",
            bucket: "intake-bucket-30",
            actions: [s3:PutObject],
        }

        grant upload_31 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-31",
            bucket: "intake-bucket-31",
            actions: [s3:PutObject],
        }

        grant upload_32 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-32",
            bucket: "intake-bucket-32",
            actions: [s3:PutObject],
        }

        grant upload_33 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-33",
            bucket: "intake-bucket-33",
            actions: [s3:PutObject],
        }

        grant upload_34 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-34",
            bucket: "intake-bucket-34",
            actions: [s3:PutObject],
        }

        grant upload_35 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-35",
            bucket: "intake-bucket-35",
            actions: [s3:PutObject],
        }

        grant upload_36 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-36",
            bucket: "intake-bucket-36",
            actions: [s3:PutObject],
        }

        grant upload_37 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-37",
            bucket: "intake-bucket-37",
            actions: [s3:PutObject],
        }

        grant upload_38 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-38",
            bucket: "intake-bucket-38",
            actions: [s3:PutObject],
        }

        grant upload_39 {
            requester: "arn:aws:iam::111111111111:user/uploader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/intake-39",
            bucket: "intake-bucket-39",
            actions: [s3:PutObject],
        }
    };
}

fn main() {}
