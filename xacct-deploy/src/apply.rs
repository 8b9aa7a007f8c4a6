//! Carries out a plan: writes in dependency order, independent resources concurrently, each write
//! preceded by a re-read that stops the run if the resource changed since the plan.

use crate::aws::Aws;
use crate::error::DeployError;
use crate::kind::access_point::NewAccessPoint;
use crate::live::{home_region, read, region_of, Live};
use crate::plan::{merge, same_meaning, Change, Mode, Op, Plan};
use crate::record::RecordWrite;
use futures::stream::{self, StreamExt};
use policy_core::{AccessPointArn, Deployment, Document, DocumentKind, RawArn};
use std::time::Duration;

/// The order resources are written in when applying; destroy goes backwards. A requester's own
/// policy comes last, so it never points at a bridge role that is not ready.
fn phase(change: &Change, deployment: &Deployment) -> u8 {
    let is_requester = deployment
        .grants()
        .iter()
        .any(|g| g.requester == change.doc.target);
    match change.doc.kind {
        DocumentKind::Role => 0,
        DocumentKind::RoleTrustPolicy => 1,
        DocumentKind::RoleInlinePolicy if !is_requester => 2,
        DocumentKind::AccessPoint => 3,
        DocumentKind::AccessPointPolicy => 4,
        DocumentKind::BucketPolicy | DocumentKind::KeyPolicy => 5,
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => 6,
    }
}

/// One line per write, for the progress display.
pub fn describe(change: &Change) -> String {
    format!(
        "{} {} {} (account {})",
        change.op.verb(),
        change.doc.kind.as_str(),
        change.doc.target,
        change.doc.account
    )
}

/// Applies every change of the plan; `on_done` is called after each write. The record of what
/// the deployment owns is extended before anything is created and trimmed after everything is
/// removed, so an interrupted apply leaves nothing unrecorded and a rerun finishes it. Creations
/// and updates go first in dependency order, then removals in the reverse order.
pub async fn apply(
    aws: &Aws,
    deployment: &Deployment,
    plan: &Plan,
    concurrency: usize,
    on_done: &(dyn Fn(&Change) + Sync),
) -> Result<(), DeployError> {
    let region = home_region(deployment);
    write_record(aws, region, &plan.record.before, concurrency).await?;
    let removal = |c: &&Change| c.op == Op::Delete;
    let passes: [(Vec<u8>, bool); 2] =
        [((0..=6).collect(), false), ((0..=6).rev().collect(), true)];
    for (phases, removals) in passes {
        for p in phases {
            let work: Vec<&Change> = plan
                .changes
                .iter()
                .filter(|c| c.op != Op::NoOp && removal(c) == removals && phase(c, deployment) == p)
                .collect();
            let results: Vec<Result<(), DeployError>> =
                stream::iter(work.into_iter().map(|change| async move {
                    apply_one(aws, deployment, plan, change).await?;
                    on_done(change);
                    Ok(())
                }))
                .buffer_unordered(concurrency.max(1))
                .collect()
                .await;
            // Let every write of the phase finish, then report the first failure.
            results
                .into_iter()
                .collect::<Result<Vec<()>, DeployError>>()?;
        }
    }
    write_record(aws, region, &plan.record.after, concurrency).await
}

async fn write_record(
    aws: &Aws,
    region: &str,
    writes: &[RecordWrite],
    concurrency: usize,
) -> Result<(), DeployError> {
    let writes = writes.iter().map(|w| async move {
        match w {
            RecordWrite::Put {
                account,
                name,
                value,
            } => aws.put_parameter(account, region, name, value).await,
            RecordWrite::Delete { account, name } => {
                aws.delete_parameter(account, region, name).await
            }
        }
    });
    all_of(writes, concurrency).await
}

/// Runs `writes`, at most `concurrency` at once, lets every one finish, then reports the first
/// failure.
async fn all_of<F>(writes: impl Iterator<Item = F>, concurrency: usize) -> Result<(), DeployError>
where
    F: std::future::Future<Output = Result<(), DeployError>>,
{
    let results: Vec<Result<(), DeployError>> = stream::iter(writes)
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

async fn apply_one(
    aws: &Aws,
    deployment: &Deployment,
    plan: &Plan,
    change: &Change,
) -> Result<(), DeployError> {
    if written_by_create_role(plan, change) {
        return Ok(());
    }
    check_unchanged_since_plan(aws, plan, change).await?;
    carry_out(aws, deployment, plan, change).await
}

/// A trust policy of a role created in this run was written by CreateRole already.
fn written_by_create_role(plan: &Plan, change: &Change) -> bool {
    let doc = &change.doc;
    doc.kind == DocumentKind::RoleTrustPolicy
        && plan.changes.iter().any(|c| {
            c.doc.kind == DocumentKind::Role && c.doc.target == doc.target && c.op == Op::Create
        })
}

/// Each write is preceded by a re-read that stops the run if the resource changed since the
/// plan; the policy of an access point replaced in this run went with the old one.
async fn check_unchanged_since_plan(
    aws: &Aws,
    plan: &Plan,
    change: &Change,
) -> Result<(), DeployError> {
    let doc = &change.doc;
    let access_point_replaced = plan.changes.iter().any(|c| {
        c.doc.kind == DocumentKind::AccessPoint && c.doc.target == doc.target && c.op == Op::Replace
    });
    let skip_check = doc.kind == DocumentKind::AccessPointPolicy && access_point_replaced;
    if !skip_check && !unchanged(doc.kind, &read(aws, doc).await?, &change.live) {
        return Err(DeployError::Changed {
            account: doc.account.to_string(),
            resource: format!("{} {}", doc.kind.describe(), doc.target),
        });
    }
    Ok(())
}

/// The one AWS write (or two, for a replaced access point) that carries out a change.
async fn carry_out(
    aws: &Aws,
    deployment: &Deployment,
    plan: &Plan,
    change: &Change,
) -> Result<(), DeployError> {
    let doc = &change.doc;
    let (account, target) = (doc.account.as_ref(), doc.target.as_ref());
    let name = &call_name(doc, deployment)?;
    let region = region_of(doc);
    let text = change.write.as_deref().unwrap_or_default();
    let user = doc.kind == DocumentKind::UserInlinePolicy;
    match (doc.kind, change.op) {
        (DocumentKind::Role, Op::Create) => {
            let trust = deployment
                .documents()
                .iter()
                .find(|d| d.kind == DocumentKind::RoleTrustPolicy && d.target == doc.target)
                .and_then(|d| d.policy.as_deref())
                .unwrap_or_default();
            aws.create_role(
                account,
                target,
                doc.path.as_deref().unwrap_or("/"),
                trust,
                &deployment.name,
            )
            .await
        }
        (DocumentKind::Role, Op::Update) => aws.tag_role(account, target, &deployment.name).await,
        (DocumentKind::Role, Op::Delete) => aws.delete_role(account, target).await,
        // Only access points are planned for replacement.
        (DocumentKind::Role, Op::NoOp | Op::Replace) => Ok(()),
        (DocumentKind::RoleTrustPolicy, _) => {
            retry_new_principal(|| aws.update_trust(account, target, text)).await
        }
        (DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy, Op::Delete) => {
            aws.delete_inline_policy(account, user, target, name).await
        }
        (DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy, _) => {
            aws.put_inline_policy(account, user, target, name, text)
                .await
        }
        // Adopting an access point writes only the record.
        (DocumentKind::AccessPoint, Op::Update) => Ok(()),
        (DocumentKind::AccessPoint, Op::Delete) => {
            aws.delete_access_point(account, &region, name, target)
                .await
        }
        (DocumentKind::AccessPoint, op) => {
            // What cannot change in place (the network origin) is deleted and created again;
            // its policy is written after it, in the next phase.
            if op == Op::Replace {
                aws.delete_access_point(account, &region, name, target)
                    .await?;
            }
            let bucket_account = doc.bucket_account.as_deref().unwrap_or(account);
            let ap = NewAccessPoint {
                name,
                bucket: doc.bucket.as_deref().unwrap_or_default(),
                bucket_account,
                vpc: doc.vpc.as_deref(),
            };
            aws.create_access_point(account, &region, target, ap).await
        }
        (DocumentKind::AccessPointPolicy, Op::Delete) => {
            aws.delete_access_point_policy(account, &region, name, target)
                .await
        }
        (DocumentKind::AccessPointPolicy, _) => {
            retry_new_principal(|| {
                aws.put_access_point_policy(account, &region, name, target, text)
            })
            .await
        }
        // A key always has a policy: the plan writes what is left instead of deleting it.
        (DocumentKind::KeyPolicy, _) => {
            retry_new_principal(|| aws.put_key_policy(account, &region, target, text)).await
        }
        (DocumentKind::BucketPolicy, Op::Delete) => {
            aws.delete_bucket_policy(account, &region, name, target)
                .await
        }
        (DocumentKind::BucketPolicy, _) => {
            retry_new_principal(|| aws.put_bucket_policy(account, &region, name, target, text))
                .await?;
            settle_shared_write(aws, deployment, plan, change, text).await
        }
    }
}

/// S3 has no conditional write for a bucket policy: someone may write it between our re-read
/// and our write, or just after, from the version before ours. So the policy is read again after
/// the write; when it is not what was written, our statements are merged into what is there now
/// and written again, a few times, before giving up with a clear error.
async fn settle_shared_write(
    aws: &Aws,
    deployment: &Deployment,
    plan: &Plan,
    change: &Change,
    written: &str,
) -> Result<(), DeployError> {
    let doc = &change.doc;
    let (account, name, target) = (
        doc.account.as_ref(),
        &call_name(doc, deployment)?,
        doc.target.as_ref(),
    );
    let region = region_of(doc);
    let ours = if plan.mode == Mode::Apply {
        doc.policy.as_deref()
    } else {
        None
    };
    let mut written = written.to_owned();
    for _ in 0..3 {
        let now = aws
            .get_bucket_policy(account, &region, name, target)
            .await?;
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
                .delete_bucket_policy(account, &region, name, target)
                .await;
        };
        aws.put_bucket_policy(account, &region, name, target, &merged)
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

/// The name the AWS calls for `doc` take: derived from its target (the access point or bucket
/// it names) or, for an inline policy, the deployment's own policy name — never from a second
/// field, which a record entry could make disagree with the target the plan showed.
fn call_name(doc: &Document, deployment: &Deployment) -> Result<String, DeployError> {
    let unreadable = |what: &str| {
        DeployError::Unreadable(policy_core::Problem::new(format!(
            "`{}` is not {what}",
            doc.target
        )))
    };
    Ok(match doc.kind {
        DocumentKind::AccessPoint | DocumentKind::AccessPointPolicy => {
            AccessPointArn::parse(&doc.target)
                .map_err(|_| unreadable("an access point ARN"))?
                .name
        }
        DocumentKind::BucketPolicy => RawArn::split(&doc.target)
            .ok()
            .filter(|arn| arn.service == "s3" && arn.account.is_empty())
            .map(|arn| arn.resource.to_owned())
            .ok_or_else(|| unreadable("a bucket ARN"))?,
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => {
            deployment.inline_policy_name()
        }
        // Roles and keys are called by their ARN.
        DocumentKind::Role | DocumentKind::RoleTrustPolicy | DocumentKind::KeyPolicy => {
            String::new()
        }
    })
}

/// Whether what a change is about is as the plan saw it. A trust policy shares its read with the
/// role, whose tags the same apply may just have written: only the trust counts for it.
fn unchanged(kind: DocumentKind, now: &Live, planned: &Live) -> bool {
    match (kind, now, planned) {
        (DocumentKind::RoleTrustPolicy, Live::Role(now), Live::Role(planned)) => {
            now.as_ref().map(|r| &r.trust) == planned.as_ref().map(|r| &r.trust)
        }
        _ => now == planned,
    }
}

/// IAM resolves principals when a policy is written, and a role created a moment ago may not be
/// visible yet: retry "invalid principal" refusals for about a minute, then give up.
async fn retry_new_principal<F, Fut>(mut write: F) -> Result<(), DeployError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), DeployError>>,
{
    let mut delay = Duration::from_millis(500);
    for _ in 0..7 {
        match write().await {
            Err(DeployError::Aws { code, message, .. }) if is_new_principal(&code, &message) => {
                tracing::info!(%code, %message, "principal not visible yet; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    write().await
}

fn is_new_principal(code: &str, message: &str) -> bool {
    matches!(
        code,
        "MalformedPolicyDocument"
            | "MalformedPolicy"
            | "InvalidPolicyDocument"
            | "MalformedPolicyDocumentException"
    ) && message.to_ascii_lowercase().contains("principal")
}
