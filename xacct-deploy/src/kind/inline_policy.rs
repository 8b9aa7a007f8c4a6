//! The deployment's inline policy on a role or user (its grants' identity policy).

use crate::aws::{decode, done_unless, iam_name, unless_absent, Aws};
use crate::error::DeployError;

impl Aws {
    pub async fn get_inline_policy(
        &self,
        account: &str,
        user: bool,
        arn: &str,
        name: &str,
    ) -> Result<Option<String>, DeployError> {
        let operation = if user {
            "iam:GetUserPolicy"
        } else {
            "iam:GetRolePolicy"
        };
        let _permit = self.read(account, operation, arn).await;
        let iam = self.account(account)?.iam();
        if user {
            match unless_absent(
                iam.get_user_policy()
                    .user_name(iam_name(arn))
                    .policy_name(name)
                    .send()
                    .await,
                Self::ctx(account, arn, "iam:GetUserPolicy"),
                &["NoSuchEntity"],
            )? {
                Some(out) => Ok(Some(decode(&out.policy_document))),
                None => Ok(None),
            }
        } else {
            match unless_absent(
                iam.get_role_policy()
                    .role_name(iam_name(arn))
                    .policy_name(name)
                    .send()
                    .await,
                Self::ctx(account, arn, "iam:GetRolePolicy"),
                &["NoSuchEntity"],
            )? {
                Some(out) => Ok(Some(decode(&out.policy_document))),
                None => Ok(None),
            }
        }
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
