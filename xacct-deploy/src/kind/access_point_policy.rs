//! An access point's policy: the whole policy of an access point the deployment owns, or its
//! statements in one it does not.

use crate::aws::Aws;
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
        let call = self
            .account(account)?
            .s3control(region)
            .get_access_point_policy();
        let absent = ["NoSuchAccessPointPolicy", "NoSuchAccessPoint"];
        let out = self
            .read_call(
                account,
                "s3:GetAccessPointPolicy",
                arn,
                &absent,
                call.account_id(account).name(name).send(),
            )
            .await?;
        Ok(out.and_then(|o| o.policy).filter(|p| !p.is_empty()))
    }

    pub async fn put_access_point_policy(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let call = self
            .account(account)?
            .s3control(region)
            .put_access_point_policy();
        let ctx = Self::ctx(account, arn, "s3:PutAccessPointPolicy");
        self.write_call(
            ctx,
            &[],
            call.account_id(account).name(name).policy(policy).send(),
        )
        .await
    }

    pub async fn delete_access_point_policy(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let call = self
            .account(account)?
            .s3control(region)
            .delete_access_point_policy();
        let ctx = Self::ctx(account, arn, "s3:DeleteAccessPointPolicy");
        let gone = ["NoSuchAccessPointPolicy", "NoSuchAccessPoint"];
        self.write_call(ctx, &gone, call.account_id(account).name(name).send())
            .await
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
    let (account, target, name, region) = (w.account(), w.target(), w.name.as_str(), &w.region);
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
