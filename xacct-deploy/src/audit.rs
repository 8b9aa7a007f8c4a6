//! `audit`: who else changed the deployment's resources, and which grants nobody uses — the
//! guide's monitoring duty done on demand (ARCHITECTURE.md "Monitoring").
//!
//! - **Changes** come from CloudTrail's event history (`LookupEvents`: the last 90 days of
//!   management events of a region, one lookup attribute per call, 2 calls per second per
//!   account and region; "Viewing CloudTrail events with the AWS CLI", CloudTrail User Guide).
//!   The deployment's resources are looked up by name and by ARN; only writes (`ReadOnly`
//!   `false`) by an identity other than the deploying ones are kept. IAM's events are in the
//!   partition's home region, S3's and KMS's in the resource's.
//! - **Use** comes from IAM's last accessed information (`GenerateServiceLastAccessedDetails` with
//!   `ACTION_LEVEL`, then `GetServiceLastAccessedDetails` until the job completes; "Refining
//!   permissions in AWS using last accessed information", IAM User Guide), for the entity that
//!   exercises the grant: its bridge role, else its requester. S3 reports action-level activity
//!   for its management actions only ("IAM action last accessed information services and
//!   actions"): a grant's action that is tracked gives its own date; otherwise the date is the
//!   entity's last authenticated S3 request of any kind, and says so. IAM tracks 400 days.

use crate::error::{Context, DeployError};
use aws_smithy_types::DateTime;
use policy_core::{Deployment, Grant, PrincipalKind, RawArn};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// How far back CloudTrail's event history goes.
pub const HISTORY_DAYS: u64 = 90;

/// A change someone other than the deploying identities made to one of the resources.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub account: String,
    pub region: String,
    /// The resource looked up (name or ARN).
    pub resource: String,
    pub time: DateTime,
    /// The API call (`PutAccessPointPolicy`).
    pub event: String,
    /// Who made it: the ARN CloudTrail recorded (`userIdentity.arn`), else its user name.
    pub actor: String,
    pub event_id: String,
    /// What `verify` reports about the resource now, when it reports something.
    pub difference_now: Option<String>,
}

/// IAM's last accessed information of one entity for S3.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastAccess {
    /// Its last authenticated S3 request of any kind.
    pub service: Option<DateTime>,
    /// Its last use of each tracked S3 action (`GetBucketPolicy`, without the prefix).
    pub actions: BTreeMap<String, DateTime>,
}

/// When a grant was last used, and how that is known.
#[derive(Clone, Debug, PartialEq)]
pub struct GrantUse {
    pub grant: String,
    /// The role or user whose activity says it.
    pub entity: String,
    pub last_used: Option<DateTime>,
    /// "action s3:ListBucket", "any S3 request" or why it is unknown.
    pub evidence: String,
    /// False when the entity's account was not reachable or the entity cannot be asked.
    pub known: bool,
}

/// What `audit` is asked.
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// Identities besides the connected ones whose changes are the deployment's own (a CI role).
    pub deployers: Vec<String>,
    /// List the grants unused for this long.
    pub unused_for: Option<Duration>,
    /// Between checks of a last accessed report.
    pub poll: Duration,
}

/// Everything `audit` found.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    pub changes: Vec<Change>,
    pub uses: Vec<GrantUse>,
}

impl crate::Session<'_> {
    /// Changes by others in the last 90 days, with what `verify` says of each resource now, and
    /// every grant's last use.
    pub async fn audit(&self, options: &AuditOptions) -> Result<Audit, DeployError> {
        let deployment = self.deployment;
        let home = crate::live::home_region(deployment);
        let mut deployers = options.deployers.clone();
        for id in self.aws.account_ids() {
            deployers.push(self.aws.account(&id)?.caller.clone());
        }
        // (account, region) → the names and ARNs to look up there.
        let mut lookups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for doc in deployment.documents() {
            let region = match doc.kind {
                policy_core::DocumentKind::Role
                | policy_core::DocumentKind::RoleTrustPolicy
                | policy_core::DocumentKind::RoleInlinePolicy
                | policy_core::DocumentKind::UserInlinePolicy => home.to_owned(),
                _ => crate::live::region_of(doc),
            };
            let names = lookups
                .entry((doc.account.to_string(), region))
                .or_default();
            let short = doc.target.rsplit(['/', ':']).next().unwrap_or_default();
            for name in [doc.target.as_ref(), short] {
                if !name.is_empty() && !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
        }
        let since = SystemTime::now() - Duration::from_secs(HISTORY_DAYS * 86_400);
        let mut found: Vec<Change> = Vec::new();
        for ((account, region), names) in &lookups {
            let cloudtrail = self.aws.account(account)?.cloudtrail(region);
            // LookupEvents answers 2 calls per second per account and region: one at a time.
            for name in names {
                for change in changes(&cloudtrail, account, region, name, since, &deployers).await?
                {
                    if !found.iter().any(|c| c.event_id == change.event_id) {
                        found.push(change);
                    }
                }
            }
        }
        found.sort_by_key(|c| std::cmp::Reverse(c.time.as_nanos()));
        if !found.is_empty() {
            let differences = self.verify_report(None).await?.differences;
            for change in &mut found {
                change.difference_now = differences
                    .iter()
                    .find(|d| d.contains(&change.resource))
                    .cloned();
            }
        }
        let mut access: BTreeMap<String, Option<LastAccess>> = BTreeMap::new();
        for grant in deployment.grants() {
            let Some(entity) = entity_of(grant) else {
                continue;
            };
            if access.contains_key(&entity) {
                continue;
            }
            let account = RawArn::split(&entity)
                .map(|a| a.account.to_owned())
                .unwrap_or_default();
            let read = if self.aws.has_account(&account) {
                let iam = self.aws.account(&account)?.iam();
                Some(last_access(&iam, &account, &entity, options.poll, 120).await?)
            } else {
                None
            };
            access.insert(entity, read);
        }
        Ok(Audit {
            changes: found,
            uses: grant_uses(deployment, &access),
        })
    }
}

/// The identity key a deploying identity is recognised by: account, kind and name, so that every
/// session of a deploying role counts as that role.
pub fn identity_key(arn: &str) -> Option<(String, String, String)> {
    let parsed = RawArn::split(arn).ok()?;
    let resource = parsed.resource;
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let role = rest.split('/').next()?;
        return Some((parsed.account.to_owned(), "role".into(), role.to_owned()));
    }
    for kind in ["role/", "user/"] {
        if let Some(rest) = resource.strip_prefix(kind) {
            let name = rest.rsplit('/').next()?;
            return Some((
                parsed.account.to_owned(),
                kind.trim_end_matches('/').into(),
                name.to_owned(),
            ));
        }
    }
    Some((
        parsed.account.to_owned(),
        resource.to_owned(),
        String::new(),
    ))
}

/// An answer AWS gave that the audit cannot use: what was asked, a code and why.
fn answer_error(
    context: Context,
    code: impl Into<String>,
    message: impl Into<String>,
) -> DeployError {
    DeployError::Aws {
        context,
        code: code.into(),
        message: message.into(),
    }
}

fn ctx(account: &str, resource: &str, operation: &'static str) -> Context {
    Context {
        account: account.to_owned(),
        resource: resource.to_owned(),
        operation,
    }
}

/// The writes to `resource` since `since` recorded by CloudTrail in this client's region, made by
/// anyone but `deployers` (ARNs of identities, sessions of a role count as the role).
pub async fn changes(
    cloudtrail: &aws_sdk_cloudtrail::Client,
    account: &str,
    region: &str,
    resource: &str,
    since: SystemTime,
    deployers: &[String],
) -> Result<Vec<Change>, DeployError> {
    use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
    let deploying: Vec<_> = deployers.iter().filter_map(|d| identity_key(d)).collect();
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::ResourceName)
        .attribute_value(resource)
        .build()
        .map_err(|e| DeployError::Internal(format!("a CloudTrail lookup of {resource}: {e}")))?;
    let mut pages = cloudtrail
        .lookup_events()
        .lookup_attributes(attribute)
        .start_time(DateTime::from(since))
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| DeployError::aws(ctx(account, resource, "cloudtrail:LookupEvents"), &e))?;
        for event in page.events() {
            if event.read_only() == Some("true") {
                continue;
            }
            let malformed = |what: &str| {
                answer_error(
                    ctx(account, resource, "cloudtrail:LookupEvents"),
                    "MalformedAnswer",
                    format!(
                        "event {} {what}; the answer cannot be trusted, run audit again",
                        event.event_id().unwrap_or("(without an id)")
                    ),
                )
            };
            let (Some(event_id), Some(name), Some(time)) =
                (event.event_id(), event.event_name(), event.event_time())
            else {
                return Err(malformed("lacks its id, name or time"));
            };
            let actor = match event.cloud_trail_event() {
                Some(text) => {
                    let record: Value = serde_json::from_str(text).map_err(|e| {
                        malformed(&format!("has a CloudTrailEvent that is not JSON ({e})"))
                    })?;
                    record["userIdentity"]["arn"]
                        .as_str()
                        .or(event.username())
                        .map(str::to_owned)
                }
                None => event.username().map(str::to_owned),
            };
            let Some(actor) = actor else {
                return Err(malformed("names no identity"));
            };
            if identity_key(&actor).is_some_and(|key| deploying.contains(&key)) {
                continue;
            }
            out.push(Change {
                account: account.to_owned(),
                region: region.to_owned(),
                resource: resource.to_owned(),
                time: *time,
                event: name.to_owned(),
                actor,
                event_id: event_id.to_owned(),
                difference_now: None,
            });
        }
    }
    Ok(out)
}

/// IAM's last accessed information of `entity` (a role or user ARN) for S3, waiting for the job
/// with `poll` between checks, at most `attempts` checks.
pub async fn last_access(
    iam: &aws_sdk_iam::Client,
    account: &str,
    entity: &str,
    poll: Duration,
    attempts: usize,
) -> Result<LastAccess, DeployError> {
    use aws_sdk_iam::types::{AccessAdvisorUsageGranularityType, JobStatusType};
    let job = iam
        .generate_service_last_accessed_details()
        .arn(entity)
        .granularity(AccessAdvisorUsageGranularityType::ActionLevel)
        .send()
        .await
        .map_err(|e| {
            DeployError::aws(
                ctx(account, entity, "iam:GenerateServiceLastAccessedDetails"),
                &e,
            )
        })?;
    let Some(job_id) = job.job_id() else {
        return Err(answer_error(
            ctx(account, entity, "iam:GenerateServiceLastAccessedDetails"),
            "MalformedAnswer",
            "the answer names no JobId",
        ));
    };
    let report = || ctx(account, entity, "iam:GetServiceLastAccessedDetails");
    let mut access = LastAccess::default();
    let mut marker: Option<String> = None;
    let mut checks = 0;
    loop {
        let page = iam
            .get_service_last_accessed_details()
            .job_id(job_id)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| DeployError::aws(report(), &e))?;
        match page.job_status() {
            // The SDK fills a missing required member with a default ("client error
            // correction"): a report without its completion date is a partial answer, and its
            // empty service list would read as "never used".
            JobStatusType::Completed if page.job_completion_date().secs() == 0 => {
                let why = format!("the report of job {job_id} says COMPLETED without a JobCompletionDate: a partial answer, run audit again");
                return Err(answer_error(report(), "MalformedAnswer", why));
            }
            JobStatusType::Completed => {}
            JobStatusType::InProgress => {
                checks += 1;
                if checks >= attempts {
                    let why = format!("the last accessed report of job {job_id} was not ready after {checks} checks");
                    return Err(answer_error(report(), "Timeout", why));
                }
                tokio::time::sleep(poll).await;
                continue;
            }
            other => {
                let why = page.error().map_or_else(
                    || {
                        format!(
                            "the last accessed report of job {job_id} ended {}",
                            other.as_str()
                        )
                    },
                    |e| format!("{}: {}", e.code(), e.message()),
                );
                return Err(answer_error(
                    report(),
                    format!("Job{}", other.as_str()),
                    why,
                ));
            }
        }
        record_s3(&mut access, page.services_last_accessed());
        if page.is_truncated() {
            marker = page.marker().map(str::to_owned);
            if marker.is_none() {
                return Err(answer_error(
                    ctx(account, entity, "iam:GetServiceLastAccessedDetails"),
                    "MalformedAnswer",
                    "the answer is truncated but gives no Marker to go on from",
                ));
            }
        } else {
            return Ok(access);
        }
    }
}

/// Adds a report page's S3 entry to `access`: the service's last authentication and each tracked
/// action's last use, the later where two pages or entries overlap.
fn record_s3(access: &mut LastAccess, services: &[aws_sdk_iam::types::ServiceLastAccessed]) {
    for service in services {
        if service.service_namespace() != "s3" {
            continue;
        }
        access.service = later(access.service, service.last_authenticated().copied());
        for action in service.tracked_actions_last_accessed() {
            if let (Some(name), Some(time)) = (action.action_name(), action.last_accessed_time()) {
                let name = name.trim_start_matches("s3:").to_owned();
                let known = access.actions.get(&name).copied();
                if let Some(time) = later(known, Some(*time)) {
                    access.actions.insert(name, time);
                }
            }
        }
    }
}

fn later(a: Option<DateTime>, b: Option<DateTime>) -> Option<DateTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.as_nanos() > a.as_nanos() { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The entity whose activity shows a grant's use: its bridge role, else its requester when that
/// is a role or user (an account, organization or service has no last accessed report).
pub fn entity_of(grant: &Grant) -> Option<String> {
    if let Some(role) = &grant.bridge_role {
        return Some(role.arn());
    }
    let principal = grant.requester.principal()?;
    (principal.kind != PrincipalKind::Root).then(|| principal.arn())
}

/// Each grant's last use, from the last accessed information of the entities read (`None`: the
/// entity's account was not reachable).
pub fn grant_uses(
    deployment: &Deployment,
    access: &BTreeMap<String, Option<LastAccess>>,
) -> Vec<GrantUse> {
    deployment
        .grants()
        .iter()
        .map(|grant| {
            let Some(entity) = entity_of(grant) else {
                return GrantUse {
                    grant: grant.name.to_string(),
                    entity: grant.requester.to_string(),
                    last_used: None,
                    evidence: "the requester is not a role or user: IAM keeps no last accessed information for it".into(),
                    known: false,
                };
            };
            let Some(Some(access)) = access.get(&entity) else {
                return GrantUse {
                    grant: grant.name.to_string(),
                    entity,
                    last_used: None,
                    evidence: "its account was not reachable (pass --account for it)".into(),
                    known: false,
                };
            };
            let tracked = grant
                .actions
                .iter()
                .filter_map(|a| {
                    access
                        .actions
                        .iter()
                        .find(|(tracked, _)| tracked.eq_ignore_ascii_case(a.name))
                        .map(|(_, time)| (a.full_name(), *time))
                })
                .max_by_key(|(_, time)| time.as_nanos());
            let (last_used, evidence) = match tracked {
                Some((action, time)) => (Some(time), format!("action {action}")),
                None => (
                    access.service,
                    "any S3 request (S3 tracks only its management actions one by one)".to_owned(),
                ),
            };
            GrantUse {
                grant: grant.name.to_string(),
                entity,
                last_used,
                evidence,
                known: true,
            }
        })
        .collect()
}

/// The grants not used since `cutoff` (never used within IAM's tracking period included); grants
/// whose use cannot be known are not listed as unused.
pub fn unused_since(uses: &[GrantUse], cutoff: SystemTime) -> Vec<&GrantUse> {
    let cutoff = DateTime::from(cutoff);
    uses.iter()
        .filter(|u| u.known && u.last_used.is_none_or(|t| t.as_nanos() < cutoff.as_nanos()))
        .collect()
}

/// `90d`, `12h`, `30m`, `45s` as a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a whole number"))?;
    let seconds = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => {
            return Err(format!(
                "`{text}` has no unit: write it like 90d, 12h, 30m or 45s"
            ))
        }
    };
    n.checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// The whole audit, as `--json` prints it.
pub fn to_json(changes: &[Change], uses: &[GrantUse], unused: Option<&[&GrantUse]>) -> Value {
    let time = |t: &DateTime| {
        t.fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap_or_default()
    };
    json!({
        "changes": changes.iter().map(|c| json!({
            "account": c.account, "region": c.region, "resource": c.resource,
            "time": time(&c.time), "event": c.event, "actor": c.actor, "event_id": c.event_id,
            "difference_now": c.difference_now,
        })).collect::<Vec<_>>(),
        "grants": uses.iter().map(|u| json!({
            "grant": u.grant, "entity": u.entity, "last_used": u.last_used.as_ref().map(time),
            "evidence": u.evidence, "known": u.known,
        })).collect::<Vec<_>>(),
        "unused": unused.map(|list| list.iter().map(|u| u.grant.clone()).collect::<Vec<_>>()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_of_a_deploying_role_are_that_role() {
        let role = identity_key("arn:aws:iam::111111111111:role/ci/xacct-deployer");
        assert_eq!(
            role,
            identity_key("arn:aws:sts::111111111111:assumed-role/xacct-deployer/build-42")
        );
        assert_ne!(
            role,
            identity_key("arn:aws:sts::222222222222:assumed-role/xacct-deployer/build-42")
        );
        assert_ne!(
            role,
            identity_key("arn:aws:iam::111111111111:user/xacct-deployer")
        );
    }

    #[test]
    fn durations_take_a_number_and_a_unit() {
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3_600)));
        assert!(parse_duration("90").unwrap_err().contains("no unit"));
        assert!(parse_duration("d").unwrap_err().contains("whole number"));
        assert!(parse_duration("99999999999999999999d").is_err());
    }
}
