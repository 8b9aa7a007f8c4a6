//! A role the deployment creates (a bridge or requester role) and its trust policy, which
//! IAM keeps on the role: one GetRole reads both.

use crate::aws::{decode, iam_name, is_code, Aws};
use crate::error::{Context, DeployError};
use crate::export::{pascal, ExportError, Exporter, Resource};
use crate::kind::Write;
use crate::live::Live;
use crate::plan::{pretty, same_meaning, Change, Op, Plan, PlanProblem, Planner};
use policy_core::ownership::OWNER_TAG;
use policy_core::{Document, DocumentKind};
use serde_json::json;
use std::collections::BTreeMap;

/// A role as IAM has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveRole {
    pub path: String,
    /// URL-decoded.
    pub trust: String,
    pub tags: BTreeMap<String, String>,
    /// `CreateDate`, milliseconds since the epoch.
    pub created: Option<i64>,
}

/// The tag that marks a role as the deployment's (`OWNER_TAG`), for CreateRole and TagRole.
fn owner_tag(ctx: &Context, deployment: &str) -> Result<aws_sdk_iam::types::Tag, DeployError> {
    aws_sdk_iam::types::Tag::builder()
        .key(OWNER_TAG)
        .value(deployment)
        .build()
        .map_err(|e| DeployError::Aws {
            context: ctx.clone(),
            code: "InvalidRequest".into(),
            message: e.to_string(),
        })
}

impl Aws {
    /// The role with its tags: GetRole answers both ("GetRole", IAM API reference: `Role.Tags`).
    pub async fn get_role(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Option<LiveRole>, DeployError> {
        let call = self.account(account)?.iam().get_role();
        let absent = ["NoSuchEntity"];
        let asked = call.role_name(iam_name(arn)).send();
        let Some(out) = self
            .read_call(account, "iam:GetRole", arn, &absent, asked)
            .await?
        else {
            return Ok(None);
        };
        let role = out.role;
        let Some(role) = role else { return Ok(None) };
        let tags = role
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect();
        Ok(Some(LiveRole {
            path: role.path,
            trust: role
                .assume_role_policy_document
                .as_deref()
                .map(decode)
                .unwrap_or_default(),
            tags,
            created: role.create_date.to_millis().ok(),
        }))
    }

    pub async fn role_exists(&self, account: &str, arn: &str) -> Result<bool, DeployError> {
        // The same GetRole as `get_role`, counted the same.
        Ok(self.get_role(account, arn).await?.is_some())
    }

    pub async fn create_role(
        &self,
        account: &str,
        arn: &str,
        path: &str,
        trust: &str,
        deployment: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "iam:CreateRole");
        let permit = self.write(&ctx).await?;
        let tag = owner_tag(&ctx, deployment)?;
        let created = self
            .account(account)?
            .iam()
            .create_role()
            .role_name(iam_name(arn))
            .path(path)
            .assume_role_policy_document(trust)
            .description(format!("Created by xacct deployment {deployment}"))
            .tags(tag)
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            // A retry after a lost answer: the role is there; it is ours if it is as intended.
            Err(e) if is_code(&e, &["EntityAlreadyExists"]) => {
                // Its place goes back first: the read waits for one of its own.
                drop(permit);
                match self.get_role(account, arn).await? {
                    Some(role)
                        if role.tags.get(OWNER_TAG).map(String::as_str) == Some(deployment)
                            && policy_core::same_meaning(&role.trust, trust) =>
                    {
                        Ok(())
                    }
                    _ => Err(DeployError::aws(ctx, &e)),
                }
            }
            Err(e) => Err(DeployError::aws(ctx, &e)),
        }
    }

    pub async fn tag_role(
        &self,
        account: &str,
        arn: &str,
        deployment: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "iam:TagRole");
        let _permit = self.write(&ctx).await?;
        let tag = owner_tag(&ctx, deployment)?;
        self.account(account)?
            .iam()
            .tag_role()
            .role_name(iam_name(arn))
            .tags(tag)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    pub async fn update_trust(
        &self,
        account: &str,
        arn: &str,
        trust: &str,
    ) -> Result<(), DeployError> {
        let call = self.account(account)?.iam().update_assume_role_policy();
        let ctx = Self::ctx(account, arn, "iam:UpdateAssumeRolePolicy");
        self.write_call(
            ctx,
            &[],
            call.role_name(iam_name(arn)).policy_document(trust).send(),
        )
        .await
    }

    pub async fn delete_role(&self, account: &str, arn: &str) -> Result<(), DeployError> {
        let call = self.account(account)?.iam().delete_role();
        let ctx = Self::ctx(account, arn, "iam:DeleteRole");
        self.write_call(ctx, &["NoSuchEntity"], call.role_name(iam_name(arn)).send())
            .await
    }
}

/// Where roles come in the apply order: first; their trust policies right after.
pub(crate) const PHASE: u8 = 0;
pub(crate) const TRUST_PHASE: u8 = 1;

/// The role, for the role and for its trust policy.
pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    Ok(Live::Role(aws.get_role(&doc.account, &doc.target).await?))
}

/// A role is created with its trust policy and owner tag, tagged when adopted, or deleted.
pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    let (aws, doc, deployment) = (w.aws, &w.change.doc, w.deployment);
    let (account, target) = (w.account(), w.target());
    match w.change.op {
        Op::Create => {
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
        Op::Update => aws.tag_role(account, target, &deployment.name).await,
        Op::Delete => aws.delete_role(account, target).await,
        // Only access points are planned for replacement.
        Op::NoOp | Op::Replace => Ok(()),
    }
}

/// A trust policy is written on its own only when the role is not new.
pub(crate) async fn write_trust(w: &Write<'_>) -> Result<(), DeployError> {
    crate::apply::retry_new_principal(|| w.aws.update_trust(w.account(), w.target(), w.text)).await
}

/// A trust policy of a role created in this run was written by CreateRole already.
pub(crate) fn trust_written_by_create_role(plan: &Plan, change: &Change) -> bool {
    let doc = &change.doc;
    doc.kind == DocumentKind::RoleTrustPolicy
        && plan.changes.iter().any(|c| {
            c.doc.kind == DocumentKind::Role && c.doc.target == doc.target && c.op == Op::Create
        })
}

/// A trust policy shares its read with the role, whose tags the same apply may just have
/// written: only the trust counts for it.
pub(crate) fn trust_unchanged(now: &Live, planned: &Live) -> bool {
    match (now, planned) {
        (Live::Role(now), Live::Role(planned)) => {
            now.as_ref().map(|r| &r.trust) == planned.as_ref().map(|r| &r.trust)
        }
        _ => now == planned,
    }
}

impl Exporter<'_> {
    /// A bridge or requester role the deployment creates, with its trust policy and owner tag.
    pub(crate) fn role(&self, doc: &Document) -> Result<Resource, ExportError> {
        let name = doc.name.as_deref().unwrap_or_default();
        let trust = self
            .policy_for(DocumentKind::RoleTrustPolicy, &doc.target)?
            .ok_or_else(|| {
                ExportError::Internal(format!("the role {} has no trust policy", doc.target))
            })?;
        let body = json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": name,
                "Path": doc.path.as_deref().unwrap_or("/"),
                "Description": format!("Created by xacct deployment {}", self.deployment.name),
                "AssumeRolePolicyDocument": trust,
                "Tags": [{"Key": OWNER_TAG, "Value": self.deployment.name.as_ref()}],
            },
        });
        Ok(Resource {
            creates_role: Some(doc.target.to_string()),
            ..self.resource(
                doc,
                format!("Role{}", pascal(name)),
                body,
                self.home.to_owned(),
            )
        })
    }
}

/// A trust policy of a role the deployment creates: written whole.
pub(crate) fn trust_policy(change: &mut Change, live: Option<&str>) {
    let declared = change.doc.policy.as_deref().unwrap_or_default().to_owned();
    match live {
        None => change.op = Op::Create,
        Some(t) if same_meaning(t, &declared) => {}
        Some(t) => {
            change.op = Op::Update;
            change.before = Some(pretty(t));
        }
    }
    if change.op != Op::NoOp {
        change.after = Some(pretty(&declared));
        change.write = Some(declared);
    }
}

impl Planner<'_> {
    pub(crate) fn role(&mut self, change: &mut Change, role: Option<&LiveRole>, wanted: bool) {
        let doc = &change.doc;
        let describe = |owner: Option<&str>| {
            format!(
                "role {} (path {}, tag {OWNER_TAG}={})",
                doc.target,
                doc.path.as_deref().unwrap_or("/"),
                owner.unwrap_or("none")
            )
        };
        let owner = role.and_then(|r| r.tags.get(OWNER_TAG)).map(String::as_str);
        let ours = owner == Some(self.owner());
        match (role, wanted) {
            (None, true) => {
                change.op = Op::Create;
                change.after = Some(describe(Some(self.owner())));
            }
            (Some(_), true) if !ours => {
                if let Some(other) = self.claimed_by(doc).filter(|_| self.ctx.adopt) {
                    self.problems.push(PlanProblem::about(doc, format!(
                        "role {} in account {} is in the record of deployment {other}: --adopt does not take what another deployment owns; remove the grant from one of them",
                        doc.target, doc.account
                    )));
                } else if self.ctx.adopt {
                    change.op = Op::Update;
                    change.before = Some(describe(owner));
                    change.after = Some(describe(Some(self.owner())));
                } else {
                    self.problems.push(PlanProblem::about(doc, format!(
                        "role {} exists in account {} but was not created by deployment {} (tag {OWNER_TAG}={}); pass --adopt to take it over",
                        doc.target, doc.account, self.owner(), owner.unwrap_or("none")
                    )));
                }
            }
            (Some(_), false) => {
                let before = describe(owner);
                let meanwhile = "the deployment's policies are removed from it";
                self.delete_unwanted(change, ("role", ours), before, meanwhile);
            }
            (Some(_), true) | (None, false) => {}
        }
    }
}
