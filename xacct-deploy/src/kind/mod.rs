//! The kinds of resource a deployment writes, one module each: its AWS calls, how it is read,
//! planned, written and exported. What is the same for every kind stays in [`crate::plan`],
//! [`crate::apply`] and [`crate::export`]; the functions here only choose the kind's module.

pub(crate) mod access_point;
pub(crate) mod access_point_policy;
pub(crate) mod bucket_policy;
pub(crate) mod inline_policy;
pub(crate) mod key_policy;
pub(crate) mod record;
pub(crate) mod role;

use crate::aws::Aws;
use crate::error::DeployError;
use crate::export::{
    statements_to_add, BucketPolicies, ExportError, Exporter, LiveBucketPolicies, Resource,
};
use crate::live::{region_of, Live};
use crate::plan::{Change, Plan, Planner};
use policy_core::{AccessPointArn, Deployment, Document, DocumentKind, RawArn};

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
                .into_owned()
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

/// What a kind's `write` carries out a change with.
pub(crate) struct Write<'a> {
    pub aws: &'a Aws,
    pub deployment: &'a Deployment,
    pub plan: &'a Plan,
    pub change: &'a Change,
    /// What the AWS calls name it by ([`call_name`]).
    pub name: String,
    /// Where its S3 and S3 Control calls go ([`region_of`]).
    pub region: String,
    /// The policy text the plan decided to write (empty for deletes).
    pub text: &'a str,
}

impl Write<'_> {
    /// The account the change is in.
    pub fn account(&self) -> &str {
        &self.change.doc.account
    }

    /// The ARN the change is about.
    pub fn target(&self) -> &str {
        &self.change.doc.target
    }
}

/// Reads what a document describes, as it is now.
pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    match doc.kind {
        DocumentKind::Role | DocumentKind::RoleTrustPolicy => role::read(aws, doc).await,
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => {
            inline_policy::read(aws, doc).await
        }
        DocumentKind::AccessPoint => access_point::read(aws, doc).await,
        DocumentKind::AccessPointPolicy => access_point_policy::read(aws, doc).await,
        DocumentKind::BucketPolicy => bucket_policy::read(aws, doc).await,
        DocumentKind::KeyPolicy => key_policy::read(aws, doc).await,
    }
}

/// The one AWS write (or two, for a replaced access point) that carries out a change.
pub(crate) async fn write(
    aws: &Aws,
    deployment: &Deployment,
    plan: &Plan,
    change: &Change,
) -> Result<(), DeployError> {
    let doc = &change.doc;
    let w = Write {
        aws,
        deployment,
        plan,
        change,
        name: call_name(doc, deployment)?,
        region: region_of(doc),
        text: change.write.as_deref().unwrap_or_default(),
    };
    match doc.kind {
        DocumentKind::Role => role::write(&w).await,
        DocumentKind::RoleTrustPolicy => role::write_trust(&w).await,
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => {
            inline_policy::write(&w).await
        }
        DocumentKind::AccessPoint => access_point::write(&w).await,
        DocumentKind::AccessPointPolicy => access_point_policy::write(&w).await,
        DocumentKind::BucketPolicy => bucket_policy::write(&w).await,
        DocumentKind::KeyPolicy => key_policy::write(&w).await,
    }
}

/// The order resources are written in when applying; destroy goes backwards.
pub(crate) fn phase(kind: DocumentKind, is_requester: bool) -> u8 {
    match kind {
        DocumentKind::Role => role::PHASE,
        DocumentKind::RoleTrustPolicy => role::TRUST_PHASE,
        DocumentKind::RoleInlinePolicy => inline_policy::phase(is_requester),
        // A user is always a requester.
        DocumentKind::UserInlinePolicy => inline_policy::phase(true),
        DocumentKind::AccessPoint => access_point::PHASE,
        DocumentKind::AccessPointPolicy => access_point_policy::PHASE,
        DocumentKind::BucketPolicy => bucket_policy::PHASE,
        DocumentKind::KeyPolicy => key_policy::PHASE,
    }
}

/// The last phase of [`phase`], whichever kind has it.
pub(crate) fn last_phase() -> u8 {
    DocumentKind::ALL
        .into_iter()
        .flat_map(|kind| [phase(kind, false), phase(kind, true)])
        .max()
        .unwrap_or_default()
}

/// A change whose write another change of the same plan made already.
pub(crate) fn written_by_another(plan: &Plan, change: &Change) -> bool {
    role::trust_written_by_create_role(plan, change)
}

/// Whether the re-read before a write has something to compare with the plan: the policy of an
/// access point replaced in this run went with the old one.
pub(crate) fn recheck(plan: &Plan, change: &Change) -> bool {
    !access_point_policy::gone_with_its_access_point(plan, change)
}

/// Whether what a change is about is as the plan saw it.
pub(crate) fn unchanged(kind: DocumentKind, now: &Live, planned: &Live) -> bool {
    match kind {
        DocumentKind::RoleTrustPolicy => role::trust_unchanged(now, planned),
        _ => now == planned,
    }
}

/// The CloudFormation resource a declared document makes, if any; what it cannot make goes in
/// `notes`.
pub(crate) fn cloudformation(
    export: &Exporter<'_>,
    doc: &Document,
    bucket_policies: BucketPolicies,
    live: Option<&LiveBucketPolicies>,
    notes: &mut Vec<String>,
) -> Result<Option<Resource>, ExportError> {
    Ok(match doc.kind {
        DocumentKind::Role => Some(export.role(doc)?),
        // With its role, and with its access point.
        DocumentKind::RoleTrustPolicy | DocumentKind::AccessPointPolicy => None,
        DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => {
            Some(export.inline_policy(doc)?)
        }
        DocumentKind::AccessPoint => Some(export.access_point(doc)?),
        DocumentKind::KeyPolicy => {
            key_policy::cloudformation(doc, notes)?;
            None
        }
        DocumentKind::BucketPolicy => match bucket_policies {
            BucketPolicies::LeaveOut => {
                notes.push(statements_to_add(
                    doc,
                    "add these statements to it where it is managed",
                )?);
                None
            }
            BucketPolicies::Export => Some(export.bucket_policy(doc, live, notes)?),
        },
    })
}

impl Planner<'_> {
    /// Decides what to do with one document, as its kind does.
    pub(crate) fn plan_kind(
        &mut self,
        change: &mut Change,
        doc: &Document,
        live: &Live,
        wanted: bool,
    ) {
        match (live, doc.kind) {
            (Live::Role(role), DocumentKind::Role) => self.role(change, role.as_ref(), wanted),
            // The trust policy belongs to a role the deployment creates; it goes with the role.
            (Live::Role(role), DocumentKind::RoleTrustPolicy) if wanted => {
                role::trust_policy(change, role.as_ref().map(|r| r.trust.as_str()));
            }
            (
                Live::Policy(policy),
                DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy,
            ) => inline_policy::inline_policy(change, policy.as_deref(), wanted),
            (Live::AccessPoint(ap), DocumentKind::AccessPoint) => {
                self.access_point(change, ap.as_ref(), wanted)
            }
            (Live::Policy(policy), DocumentKind::KeyPolicy) => {
                self.key_policy(change, doc, policy.as_deref(), wanted)
            }
            (
                Live::Policy(policy),
                DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy,
            ) => self.resource_policy(change, doc, policy.as_deref(), wanted),
            _ => {}
        }
    }
}
