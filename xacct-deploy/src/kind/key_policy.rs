//! A KMS key's policy, shared like a bucket policy; a key always has one.

use crate::aws::Aws;
use crate::error::DeployError;
use crate::export::{statements_to_add, ExportError};
use crate::kind::Write;
use crate::live::{region_of, Live};
use crate::plan::{Change, Op, PlanProblem, Planner};
use policy_core::Document;

impl Aws {
    /// A key's policy ("default", the only name KMS has); `None` when the key does not exist.
    pub async fn get_key_policy(
        &self,
        account: &str,
        region: &str,
        arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let call = self.account(account)?.kms(region).get_key_policy();
        let out = self
            .read_call(
                account,
                "kms:GetKeyPolicy",
                arn,
                &["NotFoundException"],
                call.key_id(arn).policy_name("default").send(),
            )
            .await?;
        Ok(out.and_then(|o| o.policy).filter(|p| !p.is_empty()))
    }

    /// Replaces the key's policy. KMS's lockout safety check stays on: a policy that would lock
    /// the caller out is refused by AWS, never written.
    pub async fn put_key_policy(
        &self,
        account: &str,
        region: &str,
        arn: &str,
        policy: &str,
    ) -> Result<(), DeployError> {
        let call = self.account(account)?.kms(region).put_key_policy();
        let ctx = Self::ctx(account, arn, "kms:PutKeyPolicy");
        self.write_call(
            ctx,
            &[],
            call.key_id(arn)
                .policy_name("default")
                .policy(policy)
                .send(),
        )
        .await
    }
}

/// With bucket policies, after the access points.
pub(crate) const PHASE: u8 = 5;

pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    Ok(Live::Policy(
        aws.get_key_policy(&doc.account, &region_of(doc), &doc.target)
            .await?,
    ))
}

/// A key always has a policy: the plan writes what is left instead of deleting it.
pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    crate::apply::retry_new_principal(|| {
        w.aws
            .put_key_policy(w.account(), &w.region, w.target(), w.text)
    })
    .await
}

/// CloudFormation has no resource for a key policy alone: it is the `KeyPolicy` of the
/// `AWS::KMS::Key` that creates the key, which the key's owners manage. A note says what to add.
pub(crate) fn cloudformation(doc: &Document, notes: &mut Vec<String>) -> Result<(), ExportError> {
    notes.push(statements_to_add(
        doc,
        "CloudFormation sets a key policy only as the KeyPolicy of the AWS::KMS::Key that creates the key; add these statements to it where the key is managed",
    )?);
    Ok(())
}

impl Planner<'_> {
    /// A key's policy is shared like a bucket policy, but the key (and so a policy) always
    /// exists: the deployment only adds and removes its statements.
    pub(crate) fn key_policy(
        &mut self,
        change: &mut Change,
        doc: &Document,
        policy: Option<&str>,
        wanted: bool,
    ) {
        match policy {
            None if wanted => self.problems.push(PlanProblem::about(doc, format!(
                "the KMS key {} does not exist in account {}, or its policy cannot be read with these credentials",
                doc.target, doc.account
            ))),
            None => {}
            Some(_) => {
                let ours = if wanted { doc.policy.as_deref() } else { None };
                self.shared_policy(change, policy, ours, false);
                if change.op == Op::Delete {
                    self.problems.push(PlanProblem::about(doc, format!(
                        "removing this deployment's statements from the key policy of {} would leave it empty, and a key must keep a policy: add a statement for the key's administrators first",
                        doc.target
                    )));
                }
            }
        }
    }
}
