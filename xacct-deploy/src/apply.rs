//! Carries out a plan: writes in dependency order, independent resources concurrently, each write
//! preceded by a re-read that stops the run if the resource changed since the plan.

use crate::aws::Aws;
use crate::error::DeployError;
use crate::kind;
use crate::live::home_region;
use crate::plan::{Change, Op, Plan};
use crate::record::RecordWrite;
use futures::stream::{self, StreamExt};
use policy_core::Deployment;
use std::time::Duration;

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

/// Where a change comes in the apply order ([`kind::phase`]).
fn phase(change: &Change, deployment: &Deployment) -> u8 {
    // A requester is a principal; a target that is not one is no grant's requester.
    let target = policy_core::Principal::parse(&change.doc.target).ok();
    let is_requester = target.is_some_and(|target| {
        deployment
            .grants()
            .iter()
            .any(|g| g.requester.principal() == Some(&target))
    });
    kind::phase(change.doc.kind, is_requester)
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
    let last = kind::last_phase();
    let passes: [(Vec<u8>, bool); 2] = [
        ((0..=last).collect(), false),
        ((0..=last).rev().collect(), true),
    ];
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
    if kind::written_by_another(plan, change) {
        return Ok(());
    }
    check_unchanged_since_plan(aws, plan, change).await?;
    kind::write(aws, deployment, plan, change).await
}

/// Each write is preceded by a re-read that stops the run if the resource changed since the
/// plan; the policy of an access point replaced in this run went with the old one.
async fn check_unchanged_since_plan(
    aws: &Aws,
    plan: &Plan,
    change: &Change,
) -> Result<(), DeployError> {
    let doc = &change.doc;
    if kind::recheck(plan, change)
        && !kind::unchanged(doc.kind, &kind::read(aws, doc).await?, &change.live)
    {
        return Err(DeployError::Changed {
            account: doc.account.to_string(),
            resource: format!("{} {}", doc.kind.describe(), doc.target),
        });
    }
    Ok(())
}

/// IAM resolves principals when a policy is written, and a role created a moment ago may not be
/// visible yet: retry "invalid principal" refusals for about a minute, then give up.
pub(crate) async fn retry_new_principal<F, Fut>(mut write: F) -> Result<(), DeployError>
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
