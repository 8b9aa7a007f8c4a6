//! A bucket's policy, shared: the deployment adds and removes only its own statements.

use crate::aws::Aws;
use crate::error::DeployError;
use crate::export::{pascal, policy_of, ExportError, Exporter, LiveBucketPolicies, Resource};
use crate::kind::Write;
use crate::live::{region_of, Live};
use crate::plan::{merge, same_meaning, Mode, Op};
use policy_core::ownership::sid_prefix;
use policy_core::Document;
use serde_json::{json, Value};

impl Aws {
    /// `Err` with code `NoSuchBucket` when the bucket does not exist.
    pub async fn get_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let call = self.account(account)?.s3(region).get_bucket_policy();
        let out = self
            .read_call(
                account,
                "s3:GetBucketPolicy",
                arn,
                &["NoSuchBucketPolicy"],
                call.bucket(bucket).expected_bucket_owner(account).send(),
            )
            .await?;
        Ok(out.and_then(|o| o.policy).filter(|p| !p.is_empty()))
    }

    pub async fn put_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let call = self.account(account)?.s3(region).put_bucket_policy();
        let ctx = Self::ctx(account, arn, "s3:PutBucketPolicy");
        self.write_call(
            ctx,
            &[],
            call.bucket(bucket)
                .expected_bucket_owner(account)
                .policy(policy)
                .send(),
        )
        .await
    }

    pub async fn delete_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let call = self.account(account)?.s3(region).delete_bucket_policy();
        let ctx = Self::ctx(account, arn, "s3:DeleteBucketPolicy");
        self.write_call(
            ctx,
            &["NoSuchBucketPolicy"],
            call.bucket(bucket).expected_bucket_owner(account).send(),
        )
        .await
    }
}

/// After the access points it delegates to (with key policies).
pub(crate) const PHASE: u8 = 5;

/// `Err` with code `NoSuchBucket` when the bucket does not exist.
pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    let name = doc.name.as_deref().unwrap_or_default();
    Ok(Live::Policy(
        aws.get_bucket_policy(&doc.account, &region_of(doc), name, &doc.target)
            .await?,
    ))
}

pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    let (account, target, name, region) = (w.account(), w.target(), w.name.as_str(), &w.region);
    match w.change.op {
        Op::Delete => {
            w.aws
                .delete_bucket_policy(account, region, name, target)
                .await
        }
        _ => {
            crate::apply::retry_new_principal(|| {
                w.aws
                    .put_bucket_policy(account, region, name, target, w.text)
            })
            .await?;
            settle_shared_write(w).await
        }
    }
}

/// S3 has no conditional write for a bucket policy: someone may write it between our re-read
/// and our write, or just after, from the version before ours. So the policy is read again after
/// the write; when it is not what was written, our statements are merged into what is there now
/// and written again, a few times, before giving up with a clear error.
async fn settle_shared_write(w: &Write<'_>) -> Result<(), DeployError> {
    let (aws, deployment, doc) = (w.aws, w.deployment, &w.change.doc);
    let (account, target, name, region) = (w.account(), w.target(), w.name.as_str(), &w.region);
    let ours = if w.plan.mode == Mode::Apply {
        doc.policy.as_deref()
    } else {
        None
    };
    let mut written = w.text.to_owned();
    for _ in 0..3 {
        let now = aws.get_bucket_policy(account, region, name, target).await?;
        if now
            .as_deref()
            .is_some_and(|now| same_meaning(now, &written))
        {
            return Ok(());
        }
        tracing::info!(%target, "the bucket policy changed while it was written; merging again");
        let merged = merge(
            now.as_deref(),
            ours,
            &deployment.sid_prefix(),
            false,
            target,
        )
        .map_err(|message| {
            DeployError::Plan(vec![crate::plan::PlanProblem {
                account: account.to_owned(),
                resource: target.to_owned(),
                message,
            }])
        })?;
        let Some(merged) = merged.map(|v| v.to_string()) else {
            return aws
                .delete_bucket_policy(account, region, name, target)
                .await;
        };
        aws.put_bucket_policy(account, region, name, target, &merged)
            .await?;
        written = merged;
    }
    Err(DeployError::Changed {
        account: account.to_owned(),
        resource: format!(
            "{} {target} (it kept changing while it was written)",
            doc.kind.describe()
        ),
    })
}

impl Exporter<'_> {
    /// A bucket policy: with the statements others wrote in it as read now (`live`), or this
    /// deployment's alone with a warning that CloudFormation would remove the others'.
    pub(crate) fn bucket_policy(
        &self,
        doc: &Document,
        live: Option<&LiveBucketPolicies>,
        notes: &mut Vec<String>,
    ) -> Result<Resource, ExportError> {
        let name = doc.name.as_deref().unwrap_or_default();
        let policy = match live.map(|l| l.get(doc.target.as_ref())) {
            Some(Some(stored)) => {
                let merged = crate::plan::merge(
                    stored.as_deref(),
                    doc.policy.as_deref(),
                    &sid_prefix(&self.deployment.name),
                    false,
                    &doc.target,
                )
                .map_err(ExportError::Live)?;
                let kept = merged
                    .as_ref()
                    .and_then(|m| m["Statement"].as_array())
                    .map_or(0, Vec::len)
                    .saturating_sub(policy_of(doc)?["Statement"].as_array().map_or(0, Vec::len));
                if kept > 0 {
                    notes.push(format!(
                        "the bucket policy of {} keeps the {kept} statement(s) others wrote in it, as read now; CloudFormation replaces the whole policy, so export again after they change",
                        doc.target
                    ));
                }
                merged.unwrap_or(Value::Null)
            }
            _ => {
                notes.push(format!(
                    "warning: the bucket policy of {} is exported with this deployment's statements only: CloudFormation replaces a bucket's whole policy, so statements others wrote in it would be removed; export with `--read-live` (and credentials for account {}) to keep them, or with `--bucket-policy leave-out`",
                    doc.target, doc.account
                ));
                policy_of(doc)?
            }
        };
        let body = json!({
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": name, "PolicyDocument": policy},
        });
        Ok(self.resource(
            doc,
            format!("BucketPolicy{}", pascal(name)),
            body,
            region_of(doc),
        ))
    }
}
