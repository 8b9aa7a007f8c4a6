//! The data lake account (222222222222) shares its curated zone with every account of the
//! organization, and its raw zone with the analytics OU and the OUs below it. One statement
//! per grant, whatever the number of accounts: the access point and bucket policies name
//! everyone (`"AWS": "*"`) limited by `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths`, and fix the
//! access point's ARN, so S3 Block Public Access never reads them as public. Each member account
//! grants its own identities in its own policies; xacct writes nothing there.

xacct::grants! {
    /// The lake, shared across the organization.
    pub static ORG_LAKE = {
        /// Every account of the organization reads the curated zone.
        grant organization_reads_curated {
            requester: "o-a1b2c3d4e5",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/org-curated",
            bucket: "org-lake",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["curated/"],
        }
        /// The analytics OU (and the OUs below it) reads the raw zone until the migration ends.
        grant analytics_reads_raw {
            requester: "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/org-raw",
            bucket: "org-lake",
            actions: [s3:GetObject],
            prefixes: ["raw/"],
            expires: "2027-06-30T00:00:00Z",
        }
    };
}
