//! An access point's policy: the whole policy of an access point the deployment owns, or its
//! statements in one it does not.

use crate::aws::{done_unless, unless_absent, Aws};
use crate::error::DeployError;

impl Aws {
    pub async fn get_access_point_policy(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let _permit = self.read(account, "s3:GetAccessPointPolicy", arn).await;
        match unless_absent(
            self.account(account)?
                .s3control(region)
                .get_access_point_policy()
                .account_id(account)
                .name(name)
                .send()
                .await,
            Self::ctx(account, arn, "s3:GetAccessPointPolicy"),
            &["NoSuchAccessPointPolicy", "NoSuchAccessPoint"],
        )? {
            Some(out) => Ok(out.policy.filter(|p| !p.is_empty())),
            None => Ok(None),
        }
    }

    pub async fn put_access_point_policy(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:PutAccessPointPolicy");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .s3control(region)
            .put_access_point_policy()
            .account_id(account)
            .name(name)
            .policy(policy)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    pub async fn delete_access_point_policy(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:DeleteAccessPointPolicy");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .s3control(region)
            .delete_access_point_policy()
            .account_id(account)
            .name(name)
            .send()
            .await;
        done_unless(
            result,
            ctx,
            &["NoSuchAccessPointPolicy", "NoSuchAccessPoint"],
        )
    }
}
