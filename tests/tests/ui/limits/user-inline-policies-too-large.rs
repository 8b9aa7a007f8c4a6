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
    };
}

fn main() {}
