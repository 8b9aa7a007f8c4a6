//! AWS's size limits on the documents a deployment writes, and how AWS counts their size
//! (IAM and S3 quotas: "IAM and AWS STS quotas", "Configuring IAM policies for use with access
//! points", "Bucket policy examples").

use crate::deployment::DocumentKind;
use crate::diagnostic::Problem;
use crate::json::iam_policy_size;

/// The AWS limit of a document and how AWS measures it.
pub fn size_limit(kind: DocumentKind) -> Option<(usize, &'static str)> {
    match kind {
        DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy => Some((20 * 1024, "bytes")),
        DocumentKind::RoleTrustPolicy => Some((2048, "characters (default quota)")),
        DocumentKind::RoleInlinePolicy => Some((
            10_240,
            "characters for all of a role's inline policies together",
        )),
        DocumentKind::UserInlinePolicy => Some((
            2048,
            "characters for all of a user's inline policies together",
        )),
        // "Resource quotas", AWS KMS Developer Guide: a key policy document is at most 32 KB.
        DocumentKind::KeyPolicy => Some((32 * 1024, "bytes")),
        DocumentKind::Role | DocumentKind::AccessPoint => None,
    }
}

/// The size AWS counts: bytes for S3 resource policies, non-white-space characters for IAM.
pub fn policy_size(kind: DocumentKind, text: &str) -> usize {
    match kind {
        DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy | DocumentKind::KeyPolicy => {
            text.len()
        }
        _ => iam_policy_size(text),
    }
}

/// The problem when `text`, the policy of `target`, is over its kind's limit.
pub fn over_limit(kind: DocumentKind, target: &str, text: &str) -> Option<Problem> {
    let (limit, unit) = size_limit(kind)?;
    let size = policy_size(kind, text);
    (size > limit).then(|| {
        Problem::new(format!(
            "the {} of `{target}` would be {size} {}, {} over AWS's limit of {limit} {unit}",
            kind.describe(),
            unit.split(' ').next().unwrap_or(unit),
            size - limit
        ))
    })
}
