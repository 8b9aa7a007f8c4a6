//! Live state against declared documents: what to create, change or destroy, per resource.
//!
//! Documents are compared by meaning (keys, order of list entries and one-element lists do not
//! matter), since IAM URL-encodes and S3 may reformat what it stores. Bucket and access point
//! policies are merged by statement id: statements whose id does not carry this deployment's
//! prefix are never touched.

use crate::aws::{Aws, LiveAccessPoint, LiveRole, OWNER_TAG};
use crate::error::DeployError;
use futures::stream::{self, StreamExt, TryStreamExt};
use policy_core::render::{policy_size, size_limit};
use policy_core::{Deployment, Document, DocumentKind};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Destroy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
    NoOp,
}

/// What was read for one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Live {
    Role(Option<LiveRole>),
    /// Inline, access point and bucket policies (decoded text).
    Policy(Option<String>),
    AccessPoint(Option<LiveAccessPoint>),
}

#[derive(Clone, Debug)]
pub struct Change {
    pub doc: Document,
    pub op: Op,
    pub live: Live,
    /// The document as it is and as it will be, pretty JSON (or a description for roles and
    /// access points), for the diff.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The text to write, when `op` writes a document.
    pub write: Option<String>,
}

#[derive(Debug)]
pub struct Plan {
    pub mode: Mode,
    pub changes: Vec<Change>,
    /// What destroy leaves in place, and why.
    pub kept: Vec<String>,
}

impl Plan {
    pub fn count(&self, op: Op) -> usize {
        self.changes.iter().filter(|c| c.op == op).count()
    }

    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.op != Op::NoOp)
    }

    pub fn summary(&self) -> String {
        format!(
            "{} to create, {} to change, {} to destroy",
            self.count(Op::Create),
            self.count(Op::Update),
            self.count(Op::Delete)
        )
    }
}

/// A policy in a form where equal meaning is equal value.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), normalize(v)))
                    .collect(),
            )
        }
        Value::Array(items) if items.len() == 1 => normalize(&items[0]),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalize).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        other => other.clone(),
    }
}

pub fn same_meaning(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => normalize(&a) == normalize(&b),
        _ => a == b,
    }
}

fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_owned())
}

/// The statements of a policy, whatever shape `Statement` has.
fn statements(policy: &Value) -> Vec<Value> {
    match &policy["Statement"] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

fn owned(statement: &Value, sid_prefix: &str) -> bool {
    statement["Sid"].as_str().is_some_and(|sid| {
        sid.starts_with(sid_prefix)
            && sid[sid_prefix.len()..].starts_with(|c: char| c.is_ascii_uppercase())
    })
}

/// `live` with this deployment's statements replaced by `ours` (none, to destroy). `None` when
/// nothing would be left.
fn merge(
    live: Option<&str>,
    ours: Option<&str>,
    sid_prefix: &str,
    target: &str,
) -> Result<Option<Value>, String> {
    let live: Value = match live {
        Some(text) => serde_json::from_str(text).map_err(|e| {
            format!("the live policy of {target} is not JSON ({e}); fix it by hand first")
        })?,
        None => Value::Null,
    };
    let ours: Value = ours
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let mut merged: Vec<Value> = statements(&live)
        .into_iter()
        .filter(|s| !owned(s, sid_prefix))
        .collect();
    merged.extend(statements(&ours));
    if merged.is_empty() {
        return Ok(None);
    }
    let version = live
        .get("Version")
        .cloned()
        .unwrap_or_else(|| json!(policy_core::render::POLICY_VERSION));
    Ok(Some(json!({ "Version": version, "Statement": merged })))
}

/// The region S3 and S3 Control calls for a document go to: its access point's region (a bucket
/// is in the same region as every access point in front of it).
pub fn region_of(doc: &Document, deployment: &Deployment) -> String {
    let access_point = match doc.kind {
        DocumentKind::BucketPolicy => deployment
            .grants()
            .iter()
            .find(|g| Some(g.bucket.as_ref()) == doc.name.as_deref())
            .map(|g| g.access_point.to_string()),
        _ => Some(doc.target.to_string()),
    };
    access_point
        .and_then(|arn| arn.split(':').nth(3).map(str::to_owned))
        .unwrap_or_else(|| "us-east-1".to_owned())
}

fn is_user(doc: &Document) -> bool {
    doc.kind == DocumentKind::UserInlinePolicy
}

/// Reads what a document describes, as it is now.
pub async fn read(aws: &Aws, deployment: &Deployment, doc: &Document) -> Result<Live, DeployError> {
    let (account, target, name) = (
        doc.account.as_ref(),
        doc.target.as_ref(),
        doc.name.as_deref().unwrap_or_default(),
    );
    let region = region_of(doc, deployment);
    Ok(match doc.kind {
        DocumentKind::Role | DocumentKind::RoleTrustPolicy => {
            Live::Role(aws.get_role(account, target).await?)
        }
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => Live::Policy(
            aws.get_inline_policy(account, is_user(doc), target, name)
                .await
                .or_else(|e| {
                    // The role or user itself is missing: no policy, and `principal_exists` reports it.
                    if e.code() == Some("NoSuchEntity") {
                        Ok(None)
                    } else {
                        Err(e)
                    }
                })?,
        ),
        DocumentKind::AccessPoint => {
            Live::AccessPoint(aws.get_access_point(account, &region, name, target).await?)
        }
        DocumentKind::AccessPointPolicy => Live::Policy(
            aws.get_access_point_policy(account, &region, name, target)
                .await?,
        ),
        DocumentKind::BucketPolicy => Live::Policy(
            aws.get_bucket_policy(account, &region, name, target)
                .await?,
        ),
    })
}

/// Reads every document as it is now, at most `concurrency` calls at once, in document order.
pub async fn read_all(
    aws: &Aws,
    deployment: &Deployment,
    concurrency: usize,
) -> Result<Vec<Live>, DeployError> {
    let docs = deployment.documents();
    // A trust policy comes with its role's read: one GetRole serves both documents.
    let reads = docs
        .iter()
        .filter(|d| d.kind != DocumentKind::RoleTrustPolicy);
    let read_live: Vec<Live> = stream::iter(reads.clone().map(|doc| read(aws, deployment, doc)))
        .buffered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(docs
        .iter()
        .map(|doc| {
            let source = if doc.kind == DocumentKind::RoleTrustPolicy {
                DocumentKind::Role
            } else {
                doc.kind
            };
            reads
                .clone()
                .zip(&read_live)
                .find(|(d, _)| d.kind == source && d.target == doc.target)
                .map_or(Live::Role(None), |(_, l)| l.clone())
        })
        .collect())
}

/// Reads every document concurrently (at most `concurrency` calls at once) and plans.
pub async fn plan(
    aws: &Aws,
    deployment: &Deployment,
    mode: Mode,
    adopt: bool,
    concurrency: usize,
) -> Result<Plan, DeployError> {
    let docs = deployment.documents();
    let live = read_all(aws, deployment, concurrency).await?;
    // Requesters the deployment does not create must exist: IAM refuses a trust or resource policy
    // naming a principal that does not.
    let created: Vec<&str> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Role)
        .map(|d| d.target.as_ref())
        .collect();
    let mut problems = Vec::new();
    let mut existence = Vec::new();
    for doc in docs.iter().filter(|d| {
        matches!(
            d.kind,
            DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy
        )
    }) {
        if !created.contains(&doc.target.as_ref()) && mode == Mode::Apply {
            existence.push(doc);
        }
    }
    let exists: Vec<bool> = stream::iter(existence.iter().map(|doc| async move {
        if is_user(doc) {
            aws.user_exists(&doc.account, &doc.target).await
        } else {
            aws.role_exists(&doc.account, &doc.target).await
        }
    }))
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    for (doc, exists) in existence.iter().zip(exists) {
        if !exists {
            problems.push(format!(
                "{} {} does not exist in account {}: create it first, or let the deployment create it with `requester_trust`",
                if is_user(doc) { "user" } else { "role" },
                doc.target,
                doc.account
            ));
        }
    }

    let sid_prefix = deployment.sid_prefix();
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for (doc, live) in docs.iter().zip(live) {
        let change = plan_one(
            deployment,
            doc,
            live,
            mode,
            adopt,
            &sid_prefix,
            &mut problems,
            &mut kept,
        );
        changes.push(change);
    }
    if mode == Mode::Destroy {
        settle_destroy(aws, deployment, &mut changes, &mut kept).await?;
    }
    if !problems.is_empty() {
        return Err(DeployError::Plan(problems));
    }
    Ok(Plan {
        mode,
        changes,
        kept,
    })
}

#[allow(clippy::too_many_arguments)]
fn plan_one(
    deployment: &Deployment,
    doc: &Document,
    live: Live,
    mode: Mode,
    adopt: bool,
    sid_prefix: &str,
    problems: &mut Vec<String>,
    kept: &mut Vec<String>,
) -> Change {
    let mut change = Change {
        doc: doc.clone(),
        op: Op::NoOp,
        live: live.clone(),
        before: None,
        after: None,
        write: None,
    };
    let declared = doc.policy.as_deref().unwrap_or_default();
    match (&live, doc.kind) {
        (Live::Role(role), DocumentKind::Role) => {
            let describe = |owner: Option<&String>| {
                format!(
                    "role {} (path {}, tag {OWNER_TAG}={})",
                    doc.target,
                    doc.path.as_deref().unwrap_or("/"),
                    owner.map_or("none", |o| o.as_str())
                )
            };
            match (role, mode) {
                (None, Mode::Apply) => {
                    change.op = Op::Create;
                    change.after = Some(describe(Some(&deployment.name.to_string())));
                }
                (Some(role), Mode::Apply) => {
                    let owner = role.tags.get(OWNER_TAG);
                    if owner.map(String::as_str) != Some(&deployment.name) {
                        if adopt {
                            change.op = Op::Update;
                            change.before = Some(describe(owner));
                            change.after = Some(describe(Some(&deployment.name.to_string())));
                        } else {
                            problems.push(format!(
                                "role {} exists in account {} but was not created by deployment {} (tag {OWNER_TAG}={}); pass --adopt to take it over",
                                doc.target, doc.account, deployment.name, owner.map_or("none", String::as_str)
                            ));
                        }
                    }
                }
                (Some(role), Mode::Destroy) => {
                    if role.tags.get(OWNER_TAG).map(String::as_str) == Some(&deployment.name) {
                        change.op = Op::Delete;
                        change.before = Some(describe(role.tags.get(OWNER_TAG)));
                    } else {
                        kept.push(format!(
                            "role {} in account {}: not created by this deployment",
                            doc.target, doc.account
                        ));
                    }
                }
                (None, Mode::Destroy) => {}
            }
        }
        (Live::Role(role), DocumentKind::RoleTrustPolicy) => {
            // The trust policy belongs to a role the deployment creates; it goes with the role.
            let live_trust = role.as_ref().map(|r| r.trust.as_str());
            if mode == Mode::Apply {
                match live_trust {
                    None => change.op = Op::Create,
                    Some(t) if same_meaning(t, declared) => {}
                    Some(t) => {
                        change.op = Op::Update;
                        change.before = Some(pretty(t));
                    }
                }
                if change.op != Op::NoOp {
                    change.after = Some(pretty(declared));
                    change.write = Some(declared.to_owned());
                }
            }
        }
        (Live::Policy(policy), DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy) => {
            change.before = policy.as_deref().map(pretty);
            match (policy, mode) {
                (None, Mode::Apply) => change.op = Op::Create,
                (Some(p), Mode::Apply) if !same_meaning(p, declared) => change.op = Op::Update,
                (Some(_), Mode::Destroy) => change.op = Op::Delete,
                _ => {}
            }
            if mode == Mode::Apply && change.op != Op::NoOp {
                change.after = Some(pretty(declared));
                change.write = Some(declared.to_owned());
            }
        }
        (Live::AccessPoint(ap), DocumentKind::AccessPoint) => {
            let bucket = doc.bucket.as_deref().unwrap_or_default();
            let bucket_account = doc.bucket_account.as_deref().unwrap_or_default();
            let describe = format!(
                "access point {} on bucket {bucket} (account {bucket_account})",
                doc.target
            );
            match (ap, mode) {
                (None, Mode::Apply) => {
                    change.op = Op::Create;
                    change.after = Some(describe);
                }
                (Some(live), _)
                    if live.bucket != bucket
                        || live
                            .bucket_account
                            .as_deref()
                            .is_some_and(|a| a != bucket_account) =>
                {
                    problems.push(format!(
                        "access point {} already exists in front of bucket {} (account {}), not {bucket} (account {bucket_account}); an access point cannot move to another bucket",
                        doc.target, live.bucket, live.bucket_account.as_deref().unwrap_or("unknown")
                    ));
                }
                (Some(_), Mode::Destroy) => {
                    change.op = Op::Delete;
                    change.before = Some(describe);
                }
                _ => {}
            }
        }
        (Live::Policy(policy), DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy) => {
            let ours = if mode == Mode::Apply {
                doc.policy.as_deref()
            } else {
                None
            };
            match merge(policy.as_deref(), ours, sid_prefix, &doc.target) {
                Err(problem) => problems.push(problem),
                Ok(merged) => {
                    let merged_text = merged.as_ref().map(Value::to_string);
                    if let (Some(text), Some((limit, unit))) = (&merged_text, size_limit(doc.kind))
                    {
                        let size = policy_size(doc.kind, text);
                        if size > limit {
                            problems.push(format!(
                                "the {} of {} would be {size} {} with the statements already there, over AWS's limit of {limit}",
                                doc.kind.describe(), doc.target, unit.split(' ').next().unwrap_or(unit)
                            ));
                        }
                    }
                    change.before = policy.as_deref().map(pretty);
                    change.after = merged_text.as_deref().map(pretty);
                    change.op = match (policy, &merged_text) {
                        (None, None) => Op::NoOp,
                        (None, Some(_)) => Op::Create,
                        (Some(_), None) => Op::Delete,
                        (Some(live), Some(new)) if same_meaning(live, new) => Op::NoOp,
                        (Some(_), Some(_)) => Op::Update,
                    };
                    change.write = merged_text;
                }
            }
        }
        _ => {}
    }
    if change.op == Op::NoOp {
        change.before = None;
        change.after = None;
    }
    change
}

/// Destroy removes roles and access points only when nothing else is left in them.
async fn settle_destroy(
    aws: &Aws,
    deployment: &Deployment,
    changes: &mut [Change],
    kept: &mut Vec<String>,
) -> Result<(), DeployError> {
    let own_policy = deployment.inline_policy_name();
    let policy_left: Vec<(String, bool)> = changes
        .iter()
        .filter(|c| c.doc.kind == DocumentKind::AccessPointPolicy)
        .map(|c| (c.doc.target.to_string(), c.write.is_some()))
        .collect();
    for change in changes.iter_mut() {
        match change.doc.kind {
            DocumentKind::Role if change.op == Op::Delete => {
                let others: Vec<String> = aws
                    .role_policies(&change.doc.account, &change.doc.target)
                    .await?
                    .into_iter()
                    .filter(|p| *p != own_policy)
                    .collect();
                if !others.is_empty() {
                    change.op = Op::NoOp;
                    kept.push(format!(
                        "role {} in account {}: it has policies this deployment did not write ({})",
                        change.doc.target,
                        change.doc.account,
                        others.join(", ")
                    ));
                }
            }
            DocumentKind::AccessPoint
                if change.op == Op::Delete
                    && policy_left
                        .iter()
                        .any(|(t, left)| *t == change.doc.target && *left) =>
            {
                change.op = Op::NoOp;
                kept.push(format!("access point {} in account {}: its policy has statements this deployment does not own", change.doc.target, change.doc.account));
            }
            _ => {}
        }
    }
    Ok(())
}
