//! A partner's uploader user (111111111111) writes straight through the access point of the
//! receiving account (222222222222): the access point policy names the user, no bridge role.

xacct::grants! {
    /// Partner uploads land in the intake bucket.
    pub static PARTNER_UPLOADS = {
        /// The partner's uploader writes and checks its own drop folder, with MFA.
        grant partner_uploads {
            requester: "arn:aws:iam::111111111111:user/partners/acme-uploader",
            access_point: "arn:aws:s3:eu-central-1:222222222222:accesspoint/partner-intake",
            bucket: "partner-intake-prod",
            actions: [s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, s3:ListBucket],
            prefixes: ["acme/"],
            require_mfa: true,
        }
    };
}
