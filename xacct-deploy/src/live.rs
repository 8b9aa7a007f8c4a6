//! Reading what is in AWS now: the deployment's record in every account, and every document the
//! plan is about (declared, or left behind by a grant no longer declared). Everything here reads;
//! deciding what to do with it is [`crate::plan`]'s job.

use crate::aws::Aws;
use crate::error::DeployError;
use crate::kind::access_point::LiveAccessPoint;
use crate::kind::role::LiveRole;
use crate::record::{Entry, Record, RecordRules};
use futures::stream::{self, StreamExt, TryStreamExt};
use policy_core::ownership::record_path;
use policy_core::{Deployment, Document, DocumentKind, Partition, RawArn};
use std::collections::BTreeMap;

/// What was read for one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Live {
    Role(Option<LiveRole>),
    /// Inline, access point and bucket policies (decoded text).
    Policy(Option<String>),
    AccessPoint(Option<LiveAccessPoint>),
}

impl Live {
    /// The policy text stored for a document of `kind`: its own policy, or the trust policy of
    /// the role read for a trust policy document.
    pub fn stored_policy(&self, kind: DocumentKind) -> Option<&str> {
        match self {
            Live::Policy(Some(text)) => Some(text),
            Live::Role(Some(role)) if kind == DocumentKind::RoleTrustPolicy => Some(&role.trust),
            _ => None,
        }
    }

    /// `doc` as AWS stores it: the stored policy in place of the declared one (and the bucket
    /// an access point really serves). `None` when the access point does not exist.
    pub fn stored(self, mut doc: Document) -> Option<Document> {
        match self {
            Live::Policy(text) => doc.policy = text.map(Into::into),
            Live::Role(role) if doc.kind == DocumentKind::RoleTrustPolicy => {
                doc.policy = role.map(|r| r.trust.into())
            }
            Live::AccessPoint(Some(ap)) => {
                doc.bucket = Some(ap.bucket.into());
                doc.vpc = ap.vpc.map(Into::into);
            }
            Live::AccessPoint(None) => return None,
            Live::Role(_) => {}
        }
        Some(doc)
    }
}

/// Everything planning needs to know about AWS, read in one pass.
#[derive(Clone, Debug, Default)]
pub struct LiveState {
    pub inventory: Record,
    /// One per document the plan is about, in the same order.
    pub documents: Vec<Live>,
    /// Requesters (roles or users) that inline policies name and that do not exist.
    pub missing_principals: Vec<String>,
    /// The names of the inline and attached policies of roles the plan may delete.
    pub role_policies: BTreeMap<String, Vec<String>>,
    /// For each role and access point the plan may delete (by [`Entry::key`]): whether the
    /// deployment can show it created it. One that is not here is not deleted.
    pub provenance: BTreeMap<(String, DocumentKind, String), Provenance>,
    /// With `--adopt`: the roles and access points another deployment's record in the same
    /// account lists, with that deployment's name.
    pub claimed: BTreeMap<(String, DocumentKind, String), String>,
}

/// Whether the deployment can show that it created a role or access point, which it must
/// before deleting it: the record is a set of SSM parameters that a narrower permission than
/// the deployer's can write, so an entry alone proves nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// The resource was created after its record entry was first written. Apply writes the
    /// entry before it creates the resource; someone who can write the record but not create
    /// the resource can only write an entry after the resource exists, and SSM forgets a
    /// parameter's history when it is deleted, so no history can be made to look older.
    Created,
    /// Why it cannot be shown.
    Unproven(String),
}

impl Provenance {
    /// Judges the evidence: the resource's creation time (milliseconds since the epoch) and
    /// when its entry was first written (seconds). IAM and S3 Control give creation times in
    /// whole seconds, so a resource whose time has no fraction may have been created up to a
    /// second later than it says; SSM gives milliseconds.
    pub fn judge(
        kind: DocumentKind,
        created_ms: Option<i64>,
        first_recorded: Option<f64>,
    ) -> Provenance {
        let created = created_ms.map(|ms| ms as f64 / 1000.0);
        let what = kind.describe();
        match (created, first_recorded) {
            (_, None) => Provenance::Unproven(format!(
                "its record entry has no history, so nothing shows this deployment created the {what}"
            )),
            (None, _) => {
                Provenance::Unproven(format!("AWS gives no creation time for the {what}"))
            }
            (Some(created), Some(recorded)) => {
                let precision = if created.fract() == 0.0 { 1.0 } else { 0.0 };
                if created + precision >= recorded {
                    Provenance::Created
                } else {
                    let at = |t: f64| policy_core::restrictions::Expiry {
                        seconds: t.floor() as i64,
                    };
                    Provenance::Unproven(format!(
                        "the {what} was created at {}, before its record entry was first written ({}), so this deployment did not create it",
                        at(created),
                        at(recorded)
                    ))
                }
            }
        }
    }
}

/// The partition of the deployment's documents.
pub fn partition(deployment: &Deployment) -> Partition {
    deployment
        .documents()
        .first()
        .and_then(|d| RawArn::split(&d.target).ok())
        .and_then(|arn| Partition::parse(arn.partition).ok())
        .unwrap_or(Partition::Aws)
}

/// The region where the record lives: its partition's home region, where IAM itself is homed.
pub fn home_region(deployment: &Deployment) -> &'static str {
    partition(deployment).home_region()
}

/// The region S3 and S3 Control calls for a document go to: its own (access points and bucket
/// policies carry the region of their access point; a bucket is in the same region as every
/// access point in front of it), else its ARN's.
pub fn region_of(doc: &Document) -> String {
    doc.region
        .as_deref()
        .or_else(|| {
            RawArn::split(&doc.target)
                .ok()
                .map(|arn| arn.region)
                .filter(|r| !r.is_empty())
        })
        .unwrap_or("us-east-1")
        .to_owned()
}

fn is_user(doc: &Document) -> bool {
    doc.kind == DocumentKind::UserInlinePolicy
}

/// Reads every document as it is now, at most `concurrency` calls at once, in document order.
pub(crate) async fn read_all(
    aws: &Aws,
    docs: &[Document],
    concurrency: usize,
) -> Result<Vec<Live>, DeployError> {
    // A trust policy comes with its role's read: one GetRole serves both documents.
    let reads = docs
        .iter()
        .filter(|d| d.kind != DocumentKind::RoleTrustPolicy);
    let read_live: Vec<Live> = stream::iter(reads.clone().map(|doc| crate::kind::read(aws, doc)))
        .buffered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(docs
        .iter()
        .map(|doc| {
            let source = if doc.kind == DocumentKind::RoleTrustPolicy {
                DocumentKind::Role
            } else {
                doc.kind
            };
            reads
                .clone()
                .zip(&read_live)
                .find(|(d, _)| d.kind == source && d.target == doc.target)
                .map_or(Live::Role(None), |(_, l)| l.clone())
        })
        .collect())
}

/// Reads the deployment's record in every account reached, then the accounts it names that
/// were not reached: those must be given credentials, or their access could not be revoked.
pub(crate) async fn read_record(
    aws: &Aws,
    deployment: &Deployment,
    accounts: &[String],
    concurrency: usize,
) -> Result<Record, DeployError> {
    let path = record_path(&deployment.name);
    let region = home_region(deployment);
    let parameters: Vec<BTreeMap<String, crate::record::StoredParameter>> = stream::iter(
        accounts
            .iter()
            .map(|account| aws.get_parameters(account, region, &path)),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    let inline_policy_name = deployment.inline_policy_name();
    let rules = RecordRules {
        path: &path,
        partition: partition(deployment),
        inline_policy_name: &inline_policy_name,
    };
    let mut inventory = Record::default();
    for (account, parameters) in accounts.iter().zip(&parameters) {
        inventory.add_account(account, &rules, parameters);
    }
    if let Some(account) = inventory.accounts.iter().find(|a| !aws.has_account(a)) {
        return Err(DeployError::UndeclaredAccount {
            account: account.clone(),
            deployment: deployment.name.to_string(),
        });
    }
    Ok(inventory)
}

/// Whether each requester that an inline policy names exists (IAM refuses a trust or resource
/// policy naming a principal that does not).
pub(crate) async fn missing_principals(
    aws: &Aws,
    docs: &[&Document],
    concurrency: usize,
) -> Result<Vec<String>, DeployError> {
    let exists: Vec<bool> = stream::iter(docs.iter().map(|doc| async move {
        if is_user(doc) {
            aws.user_exists(&doc.account, &doc.target).await
        } else {
            aws.role_exists(&doc.account, &doc.target).await
        }
    }))
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    Ok(docs
        .iter()
        .zip(exists)
        .filter(|(_, exists)| !exists)
        .map(|(doc, _)| doc.target.to_string())
        .collect())
}

/// The policies attached to each role, for the roles the plan may delete.
pub(crate) async fn role_policies(
    aws: &Aws,
    roles: &[&Document],
    concurrency: usize,
) -> Result<BTreeMap<String, Vec<String>>, DeployError> {
    let names: Vec<Vec<String>> = stream::iter(
        roles
            .iter()
            .map(|doc| aws.role_policies(&doc.account, &doc.target)),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    Ok(roles
        .iter()
        .map(|doc| doc.target.to_string())
        .zip(names)
        .collect())
}

/// The evidence of creation for each entry, read only for the roles and access points a plan
/// may delete: one `ssm:GetParameterHistory` each.
pub(crate) async fn provenance(
    aws: &Aws,
    deployment: &Deployment,
    candidates: &[(&Entry, Option<i64>)],
    concurrency: usize,
) -> Result<BTreeMap<(String, DocumentKind, String), Provenance>, DeployError> {
    let path = record_path(&deployment.name);
    let region = home_region(deployment);
    let first: Vec<Option<f64>> = stream::iter(candidates.iter().map(|(entry, _)| {
        let parameter = entry.parameter(&path);
        async move { aws.first_written(&entry.account, region, &parameter).await }
    }))
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    Ok(candidates
        .iter()
        .zip(first)
        .map(|((entry, created), first)| {
            (entry.key(), Provenance::judge(entry.kind, *created, first))
        })
        .collect())
}

/// Which of `resources` (by [`Entry::key`]) another deployment's record in the same account
/// lists, and its name: every entry's parameter ends in the same `r/<key>` under any
/// deployment's path. One `ssm:DescribeParameters` per 50 parameters under `/xacct/`.
pub(crate) async fn claimed_by_others(
    aws: &Aws,
    deployment: &Deployment,
    resources: &[Entry],
    concurrency: usize,
) -> Result<BTreeMap<(String, DocumentKind, String), String>, DeployError> {
    let own = record_path(&deployment.name);
    let region = home_region(deployment);
    let accounts: std::collections::BTreeSet<&str> =
        resources.iter().map(|e| e.account.as_str()).collect();
    let names: Vec<Vec<String>> = stream::iter(accounts.iter().map(|account| async move {
        let names = aws.parameter_names(account, region, "/xacct").await?;
        Ok::<_, DeployError>(names.into_iter().map(|(name, _)| name).collect::<Vec<_>>())
    }))
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    let by_account: BTreeMap<&str, Vec<String>> = accounts.into_iter().zip(names).collect();
    let mut claimed = BTreeMap::new();
    for entry in resources {
        let ours = entry.parameter(&own);
        let Some(suffix) = ours.strip_prefix(own.as_str()) else {
            continue;
        };
        let other = by_account
            .get(entry.account.as_str())
            .into_iter()
            .flatten()
            .filter(|name| !name.starts_with(own.as_str()))
            .find_map(|name| {
                let deployment = name.strip_prefix("/xacct/")?.strip_suffix(suffix)?;
                deployment
                    .strip_suffix('/')
                    .filter(|d| !d.is_empty() && !d.contains('/'))
                    .map(str::to_owned)
            });
        if let Some(other) = other {
            claimed.insert(entry.key(), other);
        }
    }
    Ok(claimed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_after_its_entry_is_proof_and_before_is_not() {
        let ap = DocumentKind::AccessPoint;
        let recorded = Some(1_800_000_000.250);
        // Whole seconds (as AWS gives them): within the second of the entry counts.
        assert_eq!(
            Provenance::judge(ap, Some(1_800_000_000_000), recorded),
            Provenance::Created
        );
        assert_eq!(
            Provenance::judge(ap, Some(1_800_000_005_000), recorded),
            Provenance::Created
        );
        // The second before, or a precise time before the entry, is not.
        for created in [1_799_999_999_000, 1_800_000_000_100] {
            let Provenance::Unproven(why) = Provenance::judge(ap, Some(created), recorded) else {
                panic!("{created} was judged created after {recorded:?}");
            };
            assert!(
                why.contains("before its record entry was first written"),
                "{why}"
            );
        }
        assert!(matches!(
            Provenance::judge(ap, Some(1_800_000_000_000), None),
            Provenance::Unproven(why) if why.contains("no history")
        ));
        assert!(matches!(
            Provenance::judge(ap, None, recorded),
            Provenance::Unproven(_)
        ));
    }
}
