//! A bucket's policy, shared: the deployment adds and removes only its own statements.

use crate::aws::{done_unless, unless_absent, Aws};
use crate::error::DeployError;

impl Aws {
    /// `Err` with code `NoSuchBucket` when the bucket does not exist.
    pub async fn get_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let _permit = self.read(account, "s3:GetBucketPolicy", arn).await;
        match unless_absent(
            self.account(account)?
                .s3(region)
                .get_bucket_policy()
                .bucket(bucket)
                .expected_bucket_owner(account)
                .send()
                .await,
            Self::ctx(account, arn, "s3:GetBucketPolicy"),
            &["NoSuchBucketPolicy"],
        )? {
            Some(out) => Ok(out.policy.filter(|p| !p.is_empty())),
            None => Ok(None),
        }
    }

    pub async fn put_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:PutBucketPolicy");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .s3(region)
            .put_bucket_policy()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .policy(policy)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    pub async fn delete_bucket_policy(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:DeleteBucketPolicy");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .s3(region)
            .delete_bucket_policy()
            .bucket(bucket)
            .expected_bucket_owner(account)
            .send()
            .await;
        done_unless(result, ctx, &["NoSuchBucketPolicy"])
    }
}
