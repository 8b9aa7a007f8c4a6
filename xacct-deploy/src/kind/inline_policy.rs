//! The deployment's inline policy on a role or user (its grants' identity policy).

use crate::aws::{decode, done_unless, iam_name, Aws};
use crate::error::DeployError;
use crate::export::{last_segment, pascal, policy_of, ExportError, Exporter, Resource};
use crate::kind::Write;
use crate::live::Live;
use crate::plan::{pretty, same_meaning, Change, Op};
use policy_core::{Document, DocumentKind};
use serde_json::json;

impl Aws {
    pub async fn get_inline_policy(
        &self,
        account: &str,
        user: bool,
        arn: &str,
        name: &str,
    ) -> Result<Option<String>, DeployError> {
        let iam = self.account(account)?.iam();
        let (holder, absent) = (iam_name(arn), ["NoSuchEntity"]);
        let text = if user {
            let asked = iam.get_user_policy().user_name(holder).policy_name(name);
            self.read_call(account, "iam:GetUserPolicy", arn, &absent, asked.send())
                .await?
                .map(|out| out.policy_document)
        } else {
            let asked = iam.get_role_policy().role_name(holder).policy_name(name);
            self.read_call(account, "iam:GetRolePolicy", arn, &absent, asked.send())
                .await?
                .map(|out| out.policy_document)
        };
        Ok(text.as_deref().map(decode))
    }

    pub async fn put_inline_policy(
        &self,
        account: &str,
        user: bool,
        arn: &str,
        name: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let iam = self.account(account)?.iam();
        if user {
            let ctx = Self::ctx(account, arn, "iam:PutUserPolicy");
            let _permit = self.write(&ctx).await?;
            iam.put_user_policy()
                .user_name(iam_name(arn))
                .policy_name(name)
                .policy_document(policy)
                .send()
                .await
                .map_err(|e| DeployError::aws(ctx, &e))?;
        } else {
            let ctx = Self::ctx(account, arn, "iam:PutRolePolicy");
            let _permit = self.write(&ctx).await?;
            iam.put_role_policy()
                .role_name(iam_name(arn))
                .policy_name(name)
                .policy_document(policy)
                .send()
                .await
                .map_err(|e| DeployError::aws(ctx, &e))?;
        }
        Ok(())
    }

    pub async fn delete_inline_policy(
        &self,
        account: &str,
        user: bool,
        arn: &str,
        name: &str,
    ) -> Result<(), DeployError> {
        let iam = self.account(account)?.iam();
        if user {
            let ctx = Self::ctx(account, arn, "iam:DeleteUserPolicy");
            let _permit = self.write(&ctx).await?;
            let result = iam
                .delete_user_policy()
                .user_name(iam_name(arn))
                .policy_name(name)
                .send()
                .await;
            done_unless(result, ctx, &["NoSuchEntity"])?;
        } else {
            let ctx = Self::ctx(account, arn, "iam:DeleteRolePolicy");
            let _permit = self.write(&ctx).await?;
            let result = iam
                .delete_role_policy()
                .role_name(iam_name(arn))
                .policy_name(name)
                .send()
                .await;
            done_unless(result, ctx, &["NoSuchEntity"])?;
        }
        Ok(())
    }
}

/// A requester's own policy comes last, so it never points at a bridge role that is not
/// ready; a bridge role's policy comes right after the role's trust.
pub(crate) fn phase(is_requester: bool) -> u8 {
    if is_requester {
        6
    } else {
        2
    }
}

fn is_user(doc: &Document) -> bool {
    doc.kind == DocumentKind::UserInlinePolicy
}

pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    let name = doc.name.as_deref().unwrap_or_default();
    Ok(Live::Policy(
        aws.get_inline_policy(&doc.account, is_user(doc), &doc.target, name)
            .await
            .or_else(|e| {
                // The role or user itself is missing: no policy, and the existence check
                // reports it.
                if e.code() == Some("NoSuchEntity") {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?,
    ))
}

pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    let (account, target, user) = (w.account(), w.target(), is_user(&w.change.doc));
    match w.change.op {
        Op::Delete => {
            w.aws
                .delete_inline_policy(account, user, target, &w.name)
                .await
        }
        _ => {
            w.aws
                .put_inline_policy(account, user, target, &w.name, w.text)
                .await
        }
    }
}

impl Exporter<'_> {
    /// The deployment's inline policy on a role or user.
    pub(crate) fn inline_policy(&self, doc: &Document) -> Result<Resource, ExportError> {
        let (list, prefix) = if doc.kind == DocumentKind::RoleInlinePolicy {
            ("Roles", "RolePolicy")
        } else {
            ("Users", "UserPolicy")
        };
        let holder = last_segment(&doc.target);
        let body = json!({
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": doc.name.as_deref().unwrap_or_default(),
                "PolicyDocument": policy_of(doc)?,
                list: [holder],
            },
        });
        Ok(self.resource(
            doc,
            format!("{prefix}{}", pascal(holder)),
            body,
            self.home.to_owned(),
        ))
    }
}

/// An inline policy named for the deployment: its whole.
pub(crate) fn inline_policy(change: &mut Change, live: Option<&str>, wanted: bool) {
    let declared = change.doc.policy.as_deref().unwrap_or_default().to_owned();
    change.before = live.map(pretty);
    change.op = match (live, wanted) {
        (None, true) => Op::Create,
        (Some(p), true) if !same_meaning(p, &declared) => Op::Update,
        (Some(_), false) => Op::Delete,
        _ => Op::NoOp,
    };
    if wanted && change.op != Op::NoOp {
        change.after = Some(pretty(&declared));
        change.write = Some(declared);
    }
}
