//! An access point's policy: the whole policy of an access point the deployment owns, or its
//! statements in one it does not.

use crate::aws::{done_unless, unless_absent, Aws};
use crate::error::DeployError;
use crate::kind::Write;
use crate::live::{region_of, Live};
use crate::plan::{Change, Op, Plan};
use policy_core::{Document, DocumentKind};

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

/// Right after its access point.
pub(crate) const PHASE: u8 = 4;

pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    let name = doc.name.as_deref().unwrap_or_default();
    Ok(Live::Policy(
        aws.get_access_point_policy(&doc.account, &region_of(doc), name, &doc.target)
            .await?,
    ))
}

pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    let doc = &w.change.doc;
    let (account, target, name, region) = (
        doc.account.as_ref(),
        doc.target.as_ref(),
        w.name.as_str(),
        w.region.as_str(),
    );
    match w.change.op {
        Op::Delete => {
            w.aws
                .delete_access_point_policy(account, region, name, target)
                .await
        }
        _ => {
            crate::apply::retry_new_principal(|| {
                w.aws
                    .put_access_point_policy(account, region, name, target, w.text)
            })
            .await
        }
    }
}

/// The policy of an access point replaced in this run went with the old one: there is
/// nothing to compare with the plan.
pub(crate) fn gone_with_its_access_point(plan: &Plan, change: &Change) -> bool {
    let doc = &change.doc;
    doc.kind == DocumentKind::AccessPointPolicy
        && plan.changes.iter().any(|c| {
            c.doc.kind == DocumentKind::AccessPoint
                && c.doc.target == doc.target
                && c.op == Op::Replace
        })
}
