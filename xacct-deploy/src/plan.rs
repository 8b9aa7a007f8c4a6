//! Live state against declared documents: what to create, change or destroy, per resource. Pure:
//! everything it decides from is read beforehand by [`crate::live`], so it is tested on states
//! given as data.
//!
//! Documents are compared by meaning (keys, order of list entries and one-element lists do not
//! matter), since IAM URL-encodes and S3 may reformat what it stores. What the deployment created
//! (its roles, access points and inline policies) it owns whole; bucket policies and the policies
//! of access points it did not create are merged by statement id: statements whose id does not
//! carry this deployment's prefix are never touched. What the record lists but no grant declares
//! any more is removed (ARCHITECTURE.md "Ownership and revocation").

use crate::live::{Live, LiveState, Provenance};
use crate::record::{key_of, record_changes, Entry, Record, RecordChanges};
use policy_core::limits::over_limit;
use policy_core::ownership::owns_sid;
pub use policy_core::{normalize, same_meaning};
use policy_core::{Deployment, Document, DocumentKind, POLICY_VERSION};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Destroy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    /// Deleted and created again: what AWS cannot change in place (an access point's network
    /// origin).
    Replace,
    Delete,
    NoOp,
}

impl Op {
    /// The verb of plan output and progress lines.
    pub fn verb(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Replace => "replace",
            Op::Delete => "destroy",
            Op::NoOp => "no-op",
        }
    }
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
    /// Why it changes, when the code does not say it by itself (`grant x is no longer declared`).
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct Plan {
    pub mode: Mode,
    pub changes: Vec<Change>,
    /// What destroy leaves in place, and why.
    pub kept: Vec<String>,
    /// How the deployment's record of what it owns changes.
    pub record: RecordChanges,
    /// Grants the code declares whose expiry has passed, with it: their access is (or, once
    /// applied, was) removed.
    pub expired: Vec<(String, String)>,
    /// What the live settings of the shared buckets will break once the plan is applied (a
    /// default KMS key no grant names, ACLs on under a write grant): said before apply.
    pub warnings: Vec<String>,
    /// Statements others wrote that the deployment's own cover: removed (with `supersede`), or
    /// removable, or only partly covered and kept.
    pub superseded: Vec<String>,
}

impl Plan {
    pub fn count(&self, op: Op) -> usize {
        self.changes.iter().filter(|c| c.op == op).count()
    }

    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.op != Op::NoOp) || !self.record.is_empty()
    }

    pub fn summary(&self) -> String {
        let replace = match self.count(Op::Replace) {
            0 => String::new(),
            n => format!("{n} to replace, "),
        };
        format!(
            "{} to create, {} to change, {replace}{} to destroy",
            self.count(Op::Create),
            self.count(Op::Update),
            self.count(Op::Delete)
        )
    }
}

/// One document a plan is about: declared by a grant, or listed in the record only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub doc: Document,
    pub declared: bool,
}

/// What a plan is decided from, besides the live state.
#[derive(Clone, Copy, Debug)]
pub struct PlanContext<'d> {
    pub deployment: &'d Deployment,
    pub mode: Mode,
    /// Take over roles and access points the deployment did not create.
    pub adopt: bool,
    /// Delete the roles and access points it adopted when no grant declares them any more,
    /// instead of releasing them.
    pub delete_adopted: bool,
    /// Grants the code declares whose expiry has passed: planned away like deleted ones.
    pub expired: &'d [(String, policy_core::restrictions::Expiry)],
    /// Remove the statements others wrote in shared policies that the deployment's own make
    /// redundant, in the same write that adds ours (`apply --supersede`).
    pub supersede: bool,
}

/// The documents a plan is about: every declared one (bucket policies given the region of their
/// access points), then what the record lists that no grant declares any more.
pub fn targets(deployment: &Deployment, inventory: &Record) -> Vec<Target> {
    let mut targets: Vec<Target> = deployment
        .documents()
        .iter()
        .map(|doc| {
            let mut doc = doc.clone();
            if doc.region.is_none() && doc.kind == DocumentKind::BucketPolicy {
                doc.region = bucket_region(deployment, &doc).map(Into::into);
            }
            Target {
                doc,
                declared: true,
            }
        })
        .collect();
    let declared: BTreeSet<(String, DocumentKind, String)> = targets
        .iter()
        .map(|t| {
            (
                t.doc.account.to_string(),
                t.doc.kind,
                t.doc.target.to_string(),
            )
        })
        .collect();
    for (key, entry) in &inventory.entries {
        if !declared.contains(key) {
            targets.push(Target {
                doc: entry.to_document(),
                declared: false,
            });
        }
    }
    targets
}

/// A bucket is in the region of every access point in front of it.
fn bucket_region(deployment: &Deployment, doc: &Document) -> Option<String> {
    deployment
        .grants()
        .iter()
        .find(|g| Some(g.bucket.as_ref()) == doc.name.as_deref())
        .map(|g| g.access_point.region.to_string())
}

pub(crate) fn pretty(text: &str) -> String {
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

/// `live` with this deployment's statements replaced by `ours` (none, to remove them); with
/// `whole`, every statement of `live` is replaced (a document the deployment created). `None`
/// when nothing would be left.
pub fn merge(
    live: Option<&str>,
    ours: Option<&str>,
    sid_prefix: &str,
    whole: bool,
    target: &str,
) -> Result<Option<Value>, String> {
    let live: Value = match live {
        Some(text) if !whole => policy_core::parse_strict(text).map_err(|e| {
            format!("the live policy of {target} is not valid JSON ({e}); fix it by hand first")
        })?,
        _ => Value::Null,
    };
    let ours: Value = ours
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let mut merged: Vec<Value> = statements(&live)
        .into_iter()
        .filter(|s| {
            !s["Sid"]
                .as_str()
                .is_some_and(|sid| owns_sid(sid, sid_prefix))
        })
        .collect();
    merged.extend(statements(&ours));
    if merged.is_empty() {
        return Ok(None);
    }
    let version = live
        .get("Version")
        .cloned()
        .unwrap_or_else(|| json!(POLICY_VERSION));
    Ok(Some(json!({ "Version": version, "Statement": merged })))
}

/// The unique ids (`AROA…` roles, `AIDA…` users) a stored policy names as principals. AWS puts
/// them in place of a principal ARN when the role or user is deleted; a role or user recreated
/// under the same name has a new id, so the policy no longer grants it anything ("IAM
/// identifiers: Unique identifiers", IAM user guide).
pub fn unique_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for prefix in ["\"AROA", "\"AIDA"] {
        for (at, _) in text.match_indices(prefix) {
            let id: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .collect();
            if id.len() >= 16 && text[at + 1 + id.len()..].starts_with('"') {
                ids.push(id);
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Why a plan cannot be applied: the account and resource it is about, and the whole sentence
/// (which names both) for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanProblem {
    pub account: String,
    pub resource: String,
    pub message: String,
}

impl PlanProblem {
    pub(crate) fn about(doc: &Document, message: String) -> PlanProblem {
        PlanProblem {
            account: doc.account.to_string(),
            resource: doc.target.to_string(),
            message,
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

impl std::fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Plans every target against what was read for it.
pub fn plan(
    ctx: PlanContext,
    targets: &[Target],
    live: &LiveState,
) -> Result<Plan, Vec<PlanProblem>> {
    let mut planner = Planner {
        ctx,
        sid_prefix: ctx.deployment.sid_prefix(),
        inventory: &live.inventory,
        provenance: &live.provenance,
        claimed: &live.claimed,
        targets,
        live: &live.documents,
        problems: Vec::new(),
        kept: Vec::new(),
        superseded: Vec::new(),
        replaced: Vec::new(),
    };
    for missing in &live.missing_principals {
        let target = targets.iter().find(|t| t.doc.target == *missing);
        let (kind, account) = target.map_or(("role", ""), |t| {
            let kind = if t.doc.kind == DocumentKind::UserInlinePolicy {
                "user"
            } else {
                "role"
            };
            (kind, t.doc.account.as_ref())
        });
        planner.problems.push(PlanProblem {
            account: account.to_owned(),
            resource: missing.clone(),
            message: format!(
                "{kind} {missing} does not exist in account {account}: create it first, or let the deployment create it with `requester_trust`"
            ),
        });
    }
    let mut changes: Vec<Change> = targets
        .iter()
        .zip(&live.documents)
        .map(|(target, live)| planner.change(target, live))
        .collect();
    let mut still_owned = Vec::new();
    planner.settle_roles(&mut changes, &live.role_policies, &mut still_owned);
    let record = planner.record(&changes, &still_owned);
    if !planner.problems.is_empty() {
        return Err(planner.problems);
    }
    Ok(Plan {
        mode: ctx.mode,
        changes,
        kept: planner.kept,
        superseded: planner.superseded,
        record,
        expired: ctx
            .expired
            .iter()
            .map(|(name, at)| (name.clone(), at.to_string()))
            .collect(),
        warnings: Vec::new(),
    })
}

/// The state of one planning run: what it decides from, and what it found wrong.
pub(crate) struct Planner<'a> {
    pub(crate) ctx: PlanContext<'a>,
    pub(crate) sid_prefix: String,
    pub(crate) inventory: &'a Record,
    pub(crate) provenance:
        &'a std::collections::BTreeMap<(String, DocumentKind, String), Provenance>,
    pub(crate) claimed: &'a std::collections::BTreeMap<(String, DocumentKind, String), String>,
    pub(crate) targets: &'a [Target],
    pub(crate) live: &'a [Live],
    pub(crate) problems: Vec<PlanProblem>,
    pub(crate) kept: Vec<String>,
    pub(crate) superseded: Vec<String>,
    /// Access points this plan replaces, by ARN: their policies are written again.
    pub(crate) replaced: Vec<String>,
}

impl Planner<'_> {
    /// Whether the target should exist after the plan is applied.
    pub(crate) fn wanted(&self, target: &Target) -> bool {
        self.ctx.mode == Mode::Apply && target.declared
    }

    pub(crate) fn owner(&self) -> &str {
        &self.ctx.deployment.name
    }

    /// Whether the access point `arn` in `account` is the deployment's whole: recorded as created
    /// or adopted by it and staying (or going with it), or created or adopted by this plan. One
    /// that stays behind (adopted, or not shown to be created by it) is shared again: only the
    /// deployment's statements leave its policy.
    pub(crate) fn owns_access_point(&self, account: &str, arn: &str) -> bool {
        let key = (
            account.to_owned(),
            DocumentKind::AccessPoint,
            arn.to_owned(),
        );
        let recorded = self.inventory.entries.get(&key).is_some_and(|e| e.owned);
        let staying = self.targets.iter().any(|t| {
            t.doc.kind == DocumentKind::AccessPoint && t.doc.target == arn && self.wanted(t)
        });
        let taken_now = self.targets.iter().zip(self.live).any(|(t, live)| {
            t.doc.kind == DocumentKind::AccessPoint
                && t.doc.target == arn
                && self.wanted(t)
                && (matches!(live, Live::AccessPoint(None)) || self.ctx.adopt)
        });
        (recorded && (staying || self.may_delete(&key).is_ok())) || taken_now
    }

    /// Whether a role or access point the record lists as the deployment's may be deleted: one
    /// it adopted only when asked (`--delete-adopted`), one it created only with proof that it
    /// did ([`Provenance`]); otherwise why it stays.
    pub(crate) fn may_delete(&self, key: &(String, DocumentKind, String)) -> Result<(), String> {
        let Some(entry) = self.inventory.entries.get(key).filter(|e| e.owned) else {
            return Err("the deployment's record does not list it as created by it".to_owned());
        };
        if entry.adopted {
            return if self.ctx.delete_adopted {
                Ok(())
            } else {
                Err("it was adopted with --adopt, so it is released, not deleted (`destroy --delete-adopted` deletes it)".to_owned())
            };
        }
        match self.provenance.get(key) {
            Some(Provenance::Created) => Ok(()),
            Some(Provenance::Unproven(why)) => Err(why.clone()),
            None => Err("nothing shows this deployment created it".to_owned()),
        }
    }

    /// A role or access point that no grant declares any more and that exists: deleted (`before`
    /// describes it) when [`Self::may_delete`] allows; otherwise left in place, with why and
    /// `meanwhile`, what becomes of the deployment's part of it. One not `ours` (by the role's
    /// owner tag, or the access point's record entry) is only said to be kept.
    pub(crate) fn delete_unwanted(
        &mut self,
        change: &mut Change,
        (what, ours): (&str, bool),
        before: String,
        meanwhile: &str,
    ) {
        let doc = &change.doc;
        if !ours {
            self.kept.push(format!(
                "{what} {} in account {}: not created by this deployment",
                doc.target, doc.account
            ));
            return;
        }
        match self.may_delete(&key_of(doc)) {
            Ok(()) => {
                change.op = Op::Delete;
                change.before = Some(before);
            }
            Err(why) => self.kept.push(format!(
                "{what} {} in account {}: left in place, {why}; {meanwhile}",
                doc.target, doc.account
            )),
        }
    }

    /// The deployment that another record in the same account says owns `doc`, which `--adopt`
    /// must not take.
    pub(crate) fn claimed_by(&self, doc: &Document) -> Option<&str> {
        self.claimed.get(&key_of(doc)).map(String::as_str)
    }

    /// Why the documents of `grants` are no longer wanted: deleted from the code, or expired.
    fn gone<'g>(&self, grants: impl Iterator<Item = &'g str>) -> String {
        let (mut expired, mut deleted) = (Vec::new(), Vec::new());
        for grant in grants {
            match self.ctx.expired.iter().find(|(name, _)| name == grant) {
                Some((name, at)) => expired.push(format!("grant {name} expired at {at}")),
                None => deleted.push(grant),
            }
        }
        let mut reasons = match deleted.as_slice() {
            [] => Vec::new(),
            [one] => vec![format!("grant {one} is no longer declared")],
            many => vec![format!("grants {} are no longer declared", many.join(", "))],
        };
        reasons.extend(expired);
        if reasons.is_empty() {
            "no grant declares it any more".to_owned()
        } else {
            reasons.join("; ")
        }
    }

    /// A shared document still declared that held statements of an expired grant, as the
    /// record says: the reason its update takes them out.
    fn expired_in(&self, doc: &policy_core::Document) -> Option<String> {
        let recorded = self.inventory.entries.get(&(
            doc.account.to_string(),
            doc.kind,
            doc.target.to_string(),
        ))?;
        let expired: Vec<String> = self
            .ctx
            .expired
            .iter()
            .filter(|(name, _)| recorded.grants.iter().any(|g| g == name))
            .map(|(name, at)| format!("grant {name} expired at {at}"))
            .collect();
        (!expired.is_empty()).then(|| expired.join("; "))
    }

    fn change(&mut self, target: &Target, live: &Live) -> Change {
        let doc = &target.doc;
        let mut change = Change {
            doc: doc.clone(),
            op: Op::NoOp,
            live: live.clone(),
            before: None,
            after: None,
            write: None,
            reason: None,
        };
        let wanted = self.wanted(target);
        change.reason = self.reason(target, live);
        self.plan_kind(&mut change, doc, live, wanted);
        if change.op == Op::NoOp {
            change.before = None;
            change.after = None;
        }
        change
    }

    /// Why a change happens when the code alone does not say it: a grant gone or expired, or
    /// unique ids AWS wrote in place of a deleted principal.
    fn reason(&self, target: &Target, live: &Live) -> Option<String> {
        let doc = &target.doc;
        let mut reason = if !target.declared {
            Some(self.gone(doc.grants.iter().map(|g| g.as_ref())))
        } else {
            self.expired_in(doc)
        };
        let stored = live.stored_policy(doc.kind);
        if let Some(ids) = stored.map(unique_ids).filter(|ids| !ids.is_empty()) {
            reason = Some(format!(
                "it names {}: unique ids AWS wrote in place of a role or user that was deleted, so it grants no one; apply names the declared principals again",
                ids.join(", ")
            ));
        }
        reason
    }

    /// An access point's or a bucket's policy: shared, but the whole policy of an access point
    /// the deployment owns.
    pub(crate) fn resource_policy(
        &mut self,
        change: &mut Change,
        doc: &Document,
        policy: Option<&str>,
        wanted: bool,
    ) {
        let whole = doc.kind == DocumentKind::AccessPointPolicy
            && self.owns_access_point(&doc.account, &doc.target);
        let ours = if wanted { doc.policy.as_deref() } else { None };
        self.shared_policy(change, policy, ours, whole);
        // A replaced access point comes back without a policy: write it again.
        if doc.kind == DocumentKind::AccessPointPolicy
            && change.op == Op::NoOp
            && wanted
            && self.replaced.contains(&doc.target.to_string())
        {
            change.op = Op::Update;
            change.write = doc.policy.as_deref().map(str::to_owned);
            change.reason = Some("the access point is replaced".to_owned());
        }
    }

    pub(crate) fn shared_policy(
        &mut self,
        change: &mut Change,
        policy: Option<&str>,
        ours: Option<&str>,
        whole: bool,
    ) {
        let doc = &change.doc;
        let mut merged = match merge(policy, ours, &self.sid_prefix, whole, &doc.target) {
            Ok(merged) => merged,
            Err(problem) => return self.problems.push(PlanProblem::about(doc, problem)),
        };
        if !whole && ours.is_some() {
            if let Some(merged) = merged.as_mut() {
                self.supersede(doc, merged);
            }
        }
        let merged_text = merged.as_ref().map(Value::to_string);
        // Only a write that makes the document larger can take it over its limit: removing our
        // statements from a policy others filled is always possible.
        let grows = |text: &&str| policy.is_none_or(|live| text.len() > live.len());
        if let Some(problem) = merged_text
            .as_deref()
            .filter(grows)
            .and_then(|text| over_limit(doc.kind, &doc.target, text))
        {
            self.problems.push(PlanProblem::about(
                doc,
                format!("{} with the statements already there", problem.message),
            ));
        }
        change.before = policy.map(pretty);
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

    /// The statements of others in a shared policy that ours cover: removed with `supersede`
    /// (in this same write, which adds ours: no request ours allow is refused in between), else
    /// said; partly covered ones are kept and said.
    fn supersede(&mut self, doc: &Document, merged: &mut Value) {
        let Some(all) = merged["Statement"].as_array_mut() else {
            return;
        };
        let (ours, theirs): (Vec<&Value>, Vec<&Value>) = all.iter().partition(|s| {
            s["Sid"]
                .as_str()
                .is_some_and(|sid| owns_sid(sid, &self.sid_prefix))
        });
        let ours: Vec<Value> = ours.into_iter().cloned().collect();
        let label = |s: &Value, i: usize| match s["Sid"].as_str().filter(|sid| !sid.is_empty()) {
            Some(sid) => format!(
                "statement `{sid}` of the {} of {}",
                doc.kind.describe(),
                doc.target
            ),
            None => format!(
                "statement {} of the {} of {}",
                i + 1,
                doc.kind.describe(),
                doc.target
            ),
        };
        let mut gone = Vec::new();
        for (i, statement) in theirs.iter().enumerate() {
            match crate::supersede::coverage(statement, &ours) {
                crate::supersede::Coverage::Full if self.ctx.supersede => {
                    self.superseded.push(format!(
                        "{}: the code's statements cover it; removed in the write that adds them",
                        label(statement, i)
                    ));
                    gone.push((*statement).clone());
                }
                crate::supersede::Coverage::Full => self.superseded.push(format!(
                    "{}: the code's statements cover it; `apply --supersede` removes it",
                    label(statement, i)
                )),
                crate::supersede::Coverage::Partial => self.superseded.push(format!(
                    "{}: the code's statements cover only part of it; kept",
                    label(statement, i)
                )),
                crate::supersede::Coverage::None => {}
            }
        }
        all.retain(|s| !gone.contains(s));
    }

    /// A role the deployment created is deleted only when nothing else is attached to it.
    fn settle_roles(
        &mut self,
        changes: &mut [Change],
        role_policies: &std::collections::BTreeMap<String, Vec<String>>,
        still_owned: &mut Vec<String>,
    ) {
        let own_policy = self.ctx.deployment.inline_policy_name();
        for change in changes.iter_mut() {
            if change.doc.kind != DocumentKind::Role || change.op != Op::Delete {
                continue;
            }
            let others: Vec<&String> = role_policies
                .get(change.doc.target.as_ref())
                .into_iter()
                .flatten()
                .filter(|p| **p != own_policy)
                .collect();
            if !others.is_empty() {
                change.op = Op::NoOp;
                still_owned.push(change.doc.target.to_string());
                self.kept.push(format!(
                    "role {} in account {}: it has policies this deployment did not write ({})",
                    change.doc.target,
                    change.doc.account,
                    others
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }

    /// The record after the plan: every wanted document, and the roles left in place.
    fn record(&self, changes: &[Change], still_owned: &[String]) -> RecordChanges {
        let path = policy_core::ownership::record_path(self.owner());
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        for (target, change) in self.targets.iter().zip(changes) {
            let owned = match target.doc.kind {
                DocumentKind::AccessPoint => {
                    self.owns_access_point(&target.doc.account, &target.doc.target)
                }
                DocumentKind::Role => true,
                _ => false,
            };
            let Some(mut entry) = Entry::of(&target.doc, owned) else {
                continue;
            };
            let recorded = self.inventory.entries.get(&entry.key());
            // Taken over by this plan (the only update of a role or access point itself), or
            // recorded as taken over before.
            let adopted_now = matches!(
                target.doc.kind,
                DocumentKind::Role | DocumentKind::AccessPoint
            ) && change.op == Op::Update
                && !recorded.is_some_and(|e| e.owned);
            entry.adopted = owned && (adopted_now || recorded.is_some_and(|e| e.adopted));
            if self.wanted(target) {
                kept.push(entry);
            } else if still_owned.contains(&entry.target) && entry.kind == DocumentKind::Role {
                kept.push(recorded.cloned().unwrap_or(entry));
            } else if recorded.is_some() || change.op == Op::Delete {
                removed.push(entry);
            }
        }
        removed.retain(|r| !kept.iter().any(|k| k.key() == r.key()));
        let accounts: BTreeSet<String> = kept.iter().map(|e| e.account.clone()).collect();
        record_changes(&path, self.inventory, &kept, &removed, &accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::access_point::LiveAccessPoint;
    use crate::kind::role::LiveRole;
    use crate::record::RecordWrite;
    use policy_core::ownership::OWNER_TAG;
    use policy_core::{build, DeploymentInput, GrantInput, Loc, Spanned};

    fn at(s: &str) -> Option<Spanned<String>> {
        Some(Spanned::new(s.to_owned(), Loc::UNKNOWN))
    }

    fn grant(name: &str, requester: &str, bridge: &str) -> GrantInput {
        GrantInput {
            name: Spanned::new(name.into(), Loc::UNKNOWN),
            requester: at(requester),
            assume_role: at(bridge),
            access_point: at("arn:aws:s3:us-east-1:222222222222:accesspoint/shared"),
            bucket: at("shared-bucket"),
            actions: Some(Spanned::new(
                vec![Spanned::new("s3:GetObject".into(), Loc::UNKNOWN)],
                Loc::UNKNOWN,
            )),
            ..GrantInput::default()
        }
    }

    fn deployment(grants: Vec<GrantInput>) -> Deployment {
        build(&DeploymentInput {
            name: Spanned::new("SHARING".into(), Loc::UNKNOWN),
            grants,
            ..Default::default()
        })
        .unwrap()
    }

    fn two_grants() -> Deployment {
        deployment(vec![
            grant(
                "etl_reads",
                "arn:aws:iam::111111111111:role/etl",
                "arn:aws:iam::222222222222:role/etl-reader",
            ),
            grant(
                "bi_reads",
                "arn:aws:iam::333333333333:role/bi",
                "arn:aws:iam::222222222222:role/bi-reader",
            ),
        ])
    }

    /// The state right after `deployment` was applied into an empty AWS: the record its
    /// first plan writes.
    fn applied(deployment: &Deployment) -> LiveState {
        let empty = Record::default();
        let targets = targets(deployment, &empty);
        let nothing = LiveState {
            documents: targets.iter().map(|t| live_of_nothing(&t.doc)).collect(),
            ..LiveState::default()
        };
        let ctx = PlanContext {
            deployment,
            mode: Mode::Apply,
            adopt: false,
            delete_adopted: false,
            expired: &[],
            supersede: false,
        };
        let plan = plan(ctx, &targets, &nothing).unwrap();
        let mut state = LiveState {
            inventory: recorded(deployment, &plan),
            ..LiveState::default()
        };
        // Applied by this deployment: it created what its record lists.
        for (key, entry) in &state.inventory.entries {
            if entry.owned {
                state.provenance.insert(key.clone(), Provenance::Created);
            }
        }
        state
    }

    /// The record as `plan` leaves it in an empty AWS: its writes read back, every one passing
    /// the checks.
    fn recorded(deployment: &Deployment, plan: &Plan) -> Record {
        let path = policy_core::ownership::record_path(&deployment.name);
        let policy_name = deployment.inline_policy_name();
        let mut inventory = Record::default();
        for account in deployment.accounts() {
            let params = plan
                .record
                .before
                .iter()
                .filter_map(|w| match w {
                    RecordWrite::Put {
                        account: a,
                        name,
                        value,
                    } if a == account => Some((name.clone(), stored(value))),
                    _ => None,
                })
                .collect();
            inventory.add_account(account, &rules(&path, &policy_name), &params);
        }
        assert_eq!(inventory.rejected, []);
        inventory
    }

    fn stored(value: &str) -> crate::record::StoredParameter {
        crate::record::StoredParameter {
            value: value.to_owned(),
            written_by: None,
        }
    }

    fn rules<'a>(path: &'a str, policy_name: &'a str) -> crate::record::RecordRules<'a> {
        crate::record::RecordRules {
            path,
            partition: policy_core::Partition::Aws,
            inline_policy_name: policy_name,
        }
    }

    fn as_rendered(deployment: &Deployment, doc: &Document) -> Live {
        match doc.kind {
            DocumentKind::Role | DocumentKind::RoleTrustPolicy => Live::Role(Some(LiveRole {
                path: "/".into(),
                trust: deployment
                    .documents()
                    .iter()
                    .find(|d| d.kind == DocumentKind::RoleTrustPolicy && d.target == doc.target)
                    .and_then(|d| d.policy.as_deref())
                    .unwrap_or_default()
                    .to_owned(),
                tags: [(OWNER_TAG.to_owned(), deployment.name.to_string())].into(),
                created: Some(1_800_000_000_000),
            })),
            DocumentKind::AccessPoint => Live::AccessPoint(Some(LiveAccessPoint {
                bucket: doc.bucket.as_deref().unwrap_or_default().to_owned(),
                bucket_account: None,
                vpc: doc.vpc.as_deref().map(str::to_owned),
                blocks_public_access: true,
                created: Some(1_800_000_000_000),
            })),
            _ => Live::Policy(doc.policy.as_deref().map(str::to_owned)),
        }
    }

    /// What AWS holds now (the record of `state`, the documents of [`LIVE`]) planned against
    /// `deployment`.
    fn replan(
        deployment: &Deployment,
        state: &LiveState,
        adopt: bool,
    ) -> Result<Plan, Vec<PlanProblem>> {
        let targets = targets(deployment, &state.inventory);
        let state = LiveState {
            documents: targets.iter().map(|t| live_of(&t.doc)).collect(),
            ..state.clone()
        };
        let ctx = PlanContext {
            deployment,
            mode: Mode::Apply,
            adopt,
            delete_adopted: false,
            expired: &[],
            supersede: false,
        };
        plan(ctx, &targets, &state)
    }

    fn live_of(doc: &Document) -> Live {
        LIVE.with(|l| {
            l.borrow()
                .iter()
                .find(|(k, t, _)| *k == doc.kind && t == doc.target.as_ref())
                .map(|(_, _, live)| live.clone())
                .unwrap_or_else(|| live_of_nothing(doc))
        })
    }

    thread_local! {
        /// What "AWS" holds in a test: (kind, target) → live.
        static LIVE: std::cell::RefCell<Vec<(DocumentKind, String, Live)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Makes `deployment`'s rendered documents what AWS holds, and returns the state with its
    /// record.
    fn aws_holds(deployment: &Deployment) -> LiveState {
        LIVE.with(|l| {
            let mut l = l.borrow_mut();
            l.clear();
            for target in targets(deployment, &Record::default()) {
                let live = as_rendered(deployment, &target.doc);
                l.push((target.doc.kind, target.doc.target.to_string(), live));
            }
        });
        applied(deployment)
    }

    fn set_live(kind: DocumentKind, target: &str, live: Live) {
        LIVE.with(|l| {
            let mut l = l.borrow_mut();
            l.retain(|(k, t, _)| !(*k == kind && t == target));
            l.push((kind, target.to_owned(), live));
        });
    }

    fn ops(plan: &Plan) -> Vec<(DocumentKind, String, Op)> {
        plan.changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.doc.target.to_string(), c.op))
            .collect()
    }

    #[test]
    fn merge_replaces_only_our_statements_unless_the_document_is_ours() {
        let live = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow"},{"Sid":"Xacct7SharingOld","Effect":"Allow"}]}"#;
        let ours =
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Xacct7SharingNew","Effect":"Allow"}]}"#;
        let merged = merge(Some(live), Some(ours), "Xacct7Sharing", false, "t")
            .unwrap()
            .unwrap();
        let sids: Vec<&str> = merged["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids, ["Other", "Xacct7SharingNew"]);
        let whole = merge(Some(live), Some(ours), "Xacct7Sharing", true, "t")
            .unwrap()
            .unwrap();
        assert_eq!(whole["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(
            merge(Some(live), None, "Xacct7Sharing", true, "t"),
            Ok(None)
        );
        assert!(merge(Some("not json"), None, "X", false, "t").is_err());
    }

    #[test]
    fn finds_the_unique_ids_aws_left_for_deleted_principals() {
        let trust = r#"{"Statement":[{"Principal":{"AWS":["AROAEXAMPLEID123456789","arn:aws:iam::1:role/AROALIKE"]}}]}"#;
        assert_eq!(unique_ids(trust), ["AROAEXAMPLEID123456789"]);
        assert!(unique_ids(r#"{"Sid":"AROAshort"}"#).is_empty());
    }

    #[test]
    fn destroy_is_not_refused_when_others_filled_the_bucket_policy_over_its_limit() {
        let d = two_grants();
        let _ = aws_holds(&d);
        let bucket = d
            .documents()
            .iter()
            .find(|x| x.kind == DocumentKind::BucketPolicy)
            .unwrap();
        let mut policy: Value = serde_json::from_str(bucket.policy.as_deref().unwrap()).unwrap();
        let filler = json!({"Sid": "Big", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "x".repeat(21_000)});
        policy["Statement"].as_array_mut().unwrap().push(filler);
        set_live(
            DocumentKind::BucketPolicy,
            &bucket.target,
            Live::Policy(Some(policy.to_string())),
        );
        let targets = targets(&d, &Record::default());
        let state = LiveState {
            documents: targets.iter().map(|t| live_of(&t.doc)).collect(),
            ..LiveState::default()
        };
        let destroy = PlanContext {
            deployment: &d,
            mode: Mode::Destroy,
            adopt: false,
            delete_adopted: false,
            expired: &[],
            supersede: false,
        };
        let plan = plan(destroy, &targets, &state).unwrap();
        let change = plan
            .changes
            .iter()
            .find(|c| c.doc.kind == DocumentKind::BucketPolicy)
            .unwrap();
        assert_eq!(change.op, Op::Update);
        assert!(change.write.as_deref().unwrap().contains("\"Big\""));
    }

    #[test]
    fn same_meaning_ignores_key_order_and_one_element_lists() {
        assert!(same_meaning(r#"{"A":["x"],"B":1}"#, r#"{"B":1,"A":"x"}"#));
        assert!(same_meaning(r#"{"A":["x","y"]}"#, r#"{"A":["y","x"]}"#));
        assert!(!same_meaning(r#"{"A":["x","y"]}"#, r#"{"A":"x"}"#));
    }

    #[test]
    fn a_first_plan_creates_everything_and_records_it_first() {
        let d = two_grants();
        let state = LiveState {
            documents: targets(&d, &Record::default())
                .iter()
                .map(|t| live_of_nothing(&t.doc))
                .collect(),
            ..LiveState::default()
        };
        let plan = plan(
            PlanContext {
                deployment: &d,
                mode: Mode::Apply,
                adopt: false,
                delete_adopted: false,
                expired: &[],
                supersede: false,
            },
            &targets(&d, &state.inventory),
            &state,
        )
        .unwrap();
        assert_eq!(plan.count(Op::Create), d.documents().len());
        // One entry per document but trust policies, and the account list in every account.
        let trusts = d
            .documents()
            .iter()
            .filter(|x| x.kind == DocumentKind::RoleTrustPolicy)
            .count();
        assert_eq!(
            plan.record.before.len(),
            d.documents().len() - trusts + d.accounts().len()
        );
        assert!(plan.record.after.is_empty());
    }

    fn live_of_nothing(doc: &Document) -> Live {
        match doc.kind {
            DocumentKind::Role | DocumentKind::RoleTrustPolicy => Live::Role(None),
            DocumentKind::AccessPoint => Live::AccessPoint(None),
            _ => Live::Policy(None),
        }
    }

    #[test]
    fn an_applied_deployment_plans_nothing() {
        let d = two_grants();
        let state = aws_holds(&d);
        let plan = replan(&d, &state, false).unwrap();
        assert_eq!(ops(&plan), vec![]);
        assert!(!plan.has_changes(), "{:?}", plan.record);
    }

    #[test]
    fn a_removed_grant_loses_every_access_path() {
        let before = two_grants();
        let state = aws_holds(&before);
        let after = deployment(vec![grant(
            "etl_reads",
            "arn:aws:iam::111111111111:role/etl",
            "arn:aws:iam::222222222222:role/etl-reader",
        )]);
        let plan = replan(&after, &state, false).unwrap();
        let ops = ops(&plan);
        // The bridge role, its inline policy, the requester's policy in the account no grant
        // names any more, and the shared documents lose the grant's statements.
        assert!(
            ops.contains(&(
                DocumentKind::Role,
                "arn:aws:iam::222222222222:role/bi-reader".into(),
                Op::Delete
            )),
            "{ops:?}"
        );
        assert!(ops.contains(&(
            DocumentKind::RoleInlinePolicy,
            "arn:aws:iam::222222222222:role/bi-reader".into(),
            Op::Delete
        )));
        assert!(ops.contains(&(
            DocumentKind::RoleInlinePolicy,
            "arn:aws:iam::333333333333:role/bi".into(),
            Op::Delete
        )));
        assert!(ops.contains(&(
            DocumentKind::AccessPointPolicy,
            "arn:aws:s3:us-east-1:222222222222:accesspoint/shared".into(),
            Op::Update
        )));
        assert!(ops.contains(&(
            DocumentKind::BucketPolicy,
            "arn:aws:s3:::shared-bucket".into(),
            Op::Update
        )));
        let role = plan
            .changes
            .iter()
            .find(|c| c.doc.target.ends_with("role/bi-reader") && c.op == Op::Delete)
            .unwrap();
        assert_eq!(
            role.reason.as_deref(),
            Some("grant bi_reads is no longer declared")
        );
        // Account 333 is dropped from the record once its resources are gone.
        assert!(plan.record.after.iter().any(
            |w| matches!(w, RecordWrite::Delete { account, .. } if account == "333333333333")
        ));
    }

    #[test]
    fn a_statement_added_to_an_access_point_policy_we_created_is_drift() {
        let d = two_grants();
        let state = aws_holds(&d);
        let ap = "arn:aws:s3:us-east-1:222222222222:accesspoint/shared";
        let with_stranger = |doc: &Document| {
            let mut policy: Value = serde_json::from_str(doc.policy.as_deref().unwrap()).unwrap();
            policy["Statement"].as_array_mut().unwrap().push(json!({"Sid": "Stranger", "Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "s3:GetObject", "Resource": "*"}));
            Live::Policy(Some(policy.to_string()))
        };
        for kind in [DocumentKind::AccessPointPolicy, DocumentKind::BucketPolicy] {
            let doc = d.documents().iter().find(|x| x.kind == kind).unwrap();
            set_live(kind, &doc.target, with_stranger(doc));
        }
        let plan = replan(&d, &state, false).unwrap();
        assert_eq!(
            ops(&plan),
            vec![(DocumentKind::AccessPointPolicy, ap.to_owned(), Op::Update)]
        );
        assert!(!plan
            .changes
            .iter()
            .find(|c| c.op == Op::Update)
            .unwrap()
            .write
            .as_deref()
            .unwrap()
            .contains("Stranger"));
    }

    #[test]
    fn an_access_point_someone_else_created_is_refused_without_adopt() {
        let d = two_grants();
        let _ = aws_holds(&d);
        let empty = LiveState::default();
        let problems = replan(&d, &empty, false).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("access point") && p.contains("--adopt")),
            "{problems:?}"
        );
        let plan = replan(&d, &empty, true).unwrap();
        let ap = plan
            .changes
            .iter()
            .find(|c| c.doc.kind == DocumentKind::AccessPoint)
            .unwrap();
        assert_eq!(ap.op, Op::Update);
        assert!(plan.record.before.iter().any(|w| matches!(w, RecordWrite::Put { value, .. } if value.contains(r#""kind":"access-point""#) && value.contains(r#""owned":true"#))));
    }

    #[test]
    fn destroy_never_deletes_an_access_point_it_did_not_create() {
        let d = two_grants();
        let _ = aws_holds(&d);
        let targets = targets(&d, &Record::default());
        let state = LiveState {
            documents: targets.iter().map(|t| live_of(&t.doc)).collect(),
            ..LiveState::default()
        };
        let plan = plan(
            PlanContext {
                deployment: &d,
                mode: Mode::Destroy,
                adopt: false,
                delete_adopted: false,
                expired: &[],
                supersede: false,
            },
            &targets,
            &state,
        )
        .unwrap();
        assert!(plan
            .changes
            .iter()
            .all(|c| c.doc.kind != DocumentKind::AccessPoint || c.op == Op::NoOp));
        assert!(plan.kept.iter().any(|k| k.starts_with("access point")));
    }

    const SHARED_AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/shared";
    const BI_READER: &str = "arn:aws:iam::222222222222:role/bi-reader";

    /// The state after `two_grants` was applied, with the proof of creation of `target` as
    /// given.
    fn with_provenance(target: &str, proof: Provenance) -> LiveState {
        let mut state = aws_holds(&two_grants());
        for (key, p) in state.provenance.iter_mut() {
            if key.2 == target {
                *p = proof.clone();
            }
        }
        state
    }

    #[test]
    fn without_proof_of_creation_a_role_and_an_access_point_stay_and_lose_only_our_statements() {
        let unproven = Provenance::Unproven("the access point was created before its entry".into());
        let mut state = with_provenance(SHARED_AP, unproven.clone());
        state.provenance.insert(
            ("222222222222".into(), DocumentKind::Role, BI_READER.into()),
            unproven,
        );
        // A statement of someone else's in the access point's policy.
        let ap_policy = two_grants()
            .documents()
            .iter()
            .find(|d| d.kind == DocumentKind::AccessPointPolicy)
            .and_then(|d| d.policy.as_deref())
            .map(str::to_owned)
            .unwrap();
        let mut policy: Value = serde_json::from_str(&ap_policy).unwrap();
        policy["Statement"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Sid": "Theirs", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}));
        set_live(
            DocumentKind::AccessPointPolicy,
            SHARED_AP,
            Live::Policy(Some(policy.to_string())),
        );
        let targets = targets(&two_grants(), &state.inventory);
        let state = LiveState {
            documents: targets.iter().map(|t| live_of(&t.doc)).collect(),
            ..state
        };
        let destroy = plan(
            PlanContext {
                deployment: &two_grants(),
                mode: Mode::Destroy,
                adopt: false,
                delete_adopted: false,
                expired: &[],
                supersede: false,
            },
            &targets,
            &state,
        )
        .unwrap();
        let ops = ops(&destroy);
        assert!(
            !ops.contains(&(DocumentKind::AccessPoint, SHARED_AP.into(), Op::Delete)),
            "{ops:?}"
        );
        assert!(
            !ops.contains(&(DocumentKind::Role, BI_READER.into(), Op::Delete)),
            "{ops:?}"
        );
        // The etl-reader role was proven: it goes.
        assert!(ops.contains(&(
            DocumentKind::Role,
            "arn:aws:iam::222222222222:role/etl-reader".into(),
            Op::Delete
        )));
        // The access point's policy is shared again: only the other statement is left.
        let policy = destroy
            .changes
            .iter()
            .find(|c| c.doc.kind == DocumentKind::AccessPointPolicy)
            .unwrap();
        assert_eq!(policy.op, Op::Update);
        let left: Value = serde_json::from_str(policy.write.as_deref().unwrap()).unwrap();
        assert_eq!(left["Statement"].as_array().unwrap().len(), 1, "{left}");
        assert_eq!(left["Statement"][0]["Sid"], "Theirs");
        assert!(
            destroy.kept.iter().any(|k| k.contains(SHARED_AP)
                && k.contains("left in place, the access point was created before its entry")),
            "{:?}",
            destroy.kept
        );
        // Their record entries go: the deployment lets go of what it cannot show it created.
        let path = policy_core::ownership::record_path("SHARING");
        for (kind, target) in [
            (DocumentKind::AccessPoint, SHARED_AP),
            (DocumentKind::Role, BI_READER),
        ] {
            let entry =
                &state.inventory.entries[&("222222222222".to_owned(), kind, target.to_owned())];
            assert!(destroy.record.after.contains(&RecordWrite::Delete {
                account: "222222222222".into(),
                name: entry.parameter(&path)
            }));
        }
    }

    #[test]
    fn an_access_point_that_must_be_replaced_without_proof_is_refused() {
        let state = with_provenance(SHARED_AP, Provenance::Unproven("no history".into()));
        set_live(
            DocumentKind::AccessPoint,
            SHARED_AP,
            Live::AccessPoint(Some(LiveAccessPoint {
                bucket: "shared-bucket".into(),
                bucket_account: None,
                vpc: Some("vpc-1a2b3c4d".into()),
                blocks_public_access: true,
                created: Some(1_800_000_000_000),
            })),
        );
        let problems = replan(&two_grants(), &state, false).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("cannot be replaced: no history")),
            "{problems:?}"
        );
    }

    #[test]
    fn an_adopted_access_point_is_released_unless_deletion_is_asked() {
        let d = two_grants();
        LIVE.with(|l| l.borrow_mut().clear());
        for target in targets(&d, &Record::default()) {
            set_live(
                target.doc.kind,
                &target.doc.target,
                as_rendered(&d, &target.doc),
            );
        }
        // Someone else's access point and roles, taken over with --adopt.
        let nothing = LiveState::default();
        let adopted = replan(&d, &nothing, true).unwrap();
        let state = LiveState {
            inventory: recorded(&d, &adopted),
            ..LiveState::default()
        };
        let ap_key = (
            "222222222222".to_owned(),
            DocumentKind::AccessPoint,
            SHARED_AP.to_owned(),
        );
        assert!(state.inventory.entries[&ap_key].adopted);
        let destroy = |delete_adopted| {
            let targets = targets(&d, &state.inventory);
            let live = LiveState {
                documents: targets.iter().map(|t| live_of(&t.doc)).collect(),
                ..state.clone()
            };
            let ctx = PlanContext {
                deployment: &d,
                mode: Mode::Destroy,
                adopt: false,
                delete_adopted,
                expired: &[],
                supersede: false,
            };
            plan(ctx, &targets, &live).unwrap()
        };
        let released = destroy(false);
        assert!(ops(&released).iter().all(|(kind, _, op)| !(matches!(
            kind,
            DocumentKind::AccessPoint | DocumentKind::Role
        ) && *op == Op::Delete)));
        assert!(released
            .kept
            .iter()
            .any(|k| k.contains(SHARED_AP) && k.contains("released")));
        assert!(ops(&destroy(true)).contains(&(
            DocumentKind::AccessPoint,
            SHARED_AP.into(),
            Op::Delete
        )));
    }

    #[test]
    fn adopt_refuses_what_another_deployment_records() {
        let d = two_grants();
        let _ = aws_holds(&d);
        let mut state = LiveState::default();
        state.claimed.insert(
            (
                "222222222222".into(),
                DocumentKind::AccessPoint,
                SHARED_AP.into(),
            ),
            "OTHER".into(),
        );
        let problems = replan(&d, &state, true).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.contains(SHARED_AP) && p.contains("record of deployment OTHER")),
            "{problems:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever someone who can write the record adds to it — entries for resources of
        /// others, copies of real entries under other names, entries whose names disagree with
        /// their target — plan deletes only roles and access points the deployment created, and
        /// takes whole only the policies of those.
        #[test]
        fn plan_deletes_only_what_the_deployment_created(
            forgeries in proptest::collection::vec((0usize..7, 0usize..3), 0..8),
            grant_removed in proptest::bool::ANY,
        ) {
            let before = two_grants();
            let mut state = aws_holds(&before);
            let created: BTreeSet<String> = state
                .inventory
                .entries
                .values()
                .filter(|e| e.owned)
                .map(|e| e.target.clone())
                .collect();
            let path = policy_core::ownership::record_path(&before.name);
            let real: Vec<Entry> = state.inventory.entries.values().cloned().collect();
            let mut params = std::collections::BTreeMap::new();
            for (shape, victim) in &forgeries {
                let victim_ap = format!("arn:aws:s3:us-east-1:222222222222:accesspoint/victim{victim}");
                let victim_role = format!("arn:aws:iam::222222222222:role/victim{victim}");
                set_live(DocumentKind::AccessPoint, &victim_ap, Live::AccessPoint(Some(LiveAccessPoint {
                    bucket: "theirs".into(), bucket_account: None, vpc: None, blocks_public_access: true, created: Some(1_000),
                })));
                set_live(DocumentKind::AccessPointPolicy, &victim_ap, Live::Policy(Some(
                    r#"{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
                )));
                // Tagged as ours by someone with iam:TagRole.
                set_live(DocumentKind::Role, &victim_role, Live::Role(Some(LiveRole {
                    path: "/".into(), trust: "{}".into(),
                    tags: [(OWNER_TAG.to_owned(), "SHARING".to_owned())].into(), created: Some(1_000),
                })));
                let base = |kind, target: &str, name: &str, owned| Entry {
                    account: "222222222222".into(), kind, target: target.into(), name: Some(name.into()),
                    region: (kind == DocumentKind::AccessPoint).then(|| "us-east-1".into()),
                    owned, adopted: false, grants: vec!["old".into()],
                };
                let (entry, parameter) = match shape {
                    0 => { let e = base(DocumentKind::AccessPoint, &victim_ap, &format!("victim{victim}"), true); let p = e.parameter(&path); (e, p) }
                    1 => { let e = base(DocumentKind::AccessPointPolicy, &victim_ap, &format!("victim{victim}"), false); let p = e.parameter(&path); (e, p) }
                    2 => { let e = base(DocumentKind::Role, &victim_role, &format!("victim{victim}"), true); let p = e.parameter(&path); (e, p) }
                    3 => { let e = base(DocumentKind::RoleInlinePolicy, &victim_role, "victim-inline", false); let p = e.parameter(&path); (e, p) }
                    4 => { let e = base(DocumentKind::AccessPoint, SHARED_AP, &format!("victim{victim}"), true); let p = e.parameter(&path); (e, p) }
                    5 => {
                        let e = Entry { name: Some(format!("victim{victim}")), ..real[victim % real.len()].clone() };
                        (e, format!("{path}r/zzzz{victim}"))
                    }
                    _ => { let e = Entry { adopted: true, ..base(DocumentKind::AccessPoint, &victim_ap, &format!("victim{victim}"), true) }; let p = e.parameter(&path); (e, p) }
                };
                params.insert(parameter, stored(&entry.to_value()));
            }
            let policy_name = before.inline_policy_name();
            state.inventory.add_account("222222222222", &rules(&path, &policy_name), &params);
            // What AWS says of the forged entries: written after the resources were created.
            for (key, entry) in &state.inventory.entries {
                if entry.owned && !created.contains(&entry.target) {
                    state.provenance.insert(key.clone(), Provenance::Unproven("created before its entry".into()));
                }
            }
            let after = if grant_removed {
                deployment(vec![grant("etl_reads", "arn:aws:iam::111111111111:role/etl", "arn:aws:iam::222222222222:role/etl-reader")])
            } else {
                two_grants()
            };
            for mode in [Mode::Apply, Mode::Destroy] {
                let targets = targets(&after, &state.inventory);
                let live = LiveState { documents: targets.iter().map(|t| live_of(&t.doc)).collect(), ..state.clone() };
                let ctx = PlanContext { deployment: &after, mode, adopt: false, delete_adopted: false, expired: &[], supersede: false, };
                let Ok(plan) = plan(ctx, &targets, &live) else { continue };
                for change in &plan.changes {
                    let whole_delete = matches!(change.doc.kind, DocumentKind::Role | DocumentKind::AccessPoint | DocumentKind::AccessPointPolicy)
                        && matches!(change.op, Op::Delete | Op::Replace);
                    proptest::prop_assert!(
                        !whole_delete || created.contains(change.doc.target.as_ref()),
                        "{mode:?} deletes {} {}", change.doc.kind.as_str(), change.doc.target
                    );
                    // Nothing it writes drops someone else's statement.
                    if let Some(write) = &change.write {
                        if let Some(before) = change.live.stored_policy(change.doc.kind) {
                            proptest::prop_assert!(!before.contains("\"Theirs\"") || write.contains("\"Theirs\""));
                        }
                    }
                    proptest::prop_assert!(!(change.doc.kind == DocumentKind::RoleInlinePolicy && change.doc.name.as_deref() == Some("victim-inline")));
                }
            }
        }
    }
}
