//! What AWS evaluates for a declared grant beyond the deployment's own documents, read for
//! `verify`: the other inline and attached managed policies and the permissions boundary of
//! every requester and bridge role (or user, with its groups' policies) in an account xacct can
//! reach, and the settings of
//! the buckets behind the access points that decide whether a read or a write works.

use crate::aws::{Aws, BucketSettings, EntityPolicies};
use crate::error::DeployError;
use futures::{stream, StreamExt, TryStreamExt};
use policy_core::eval::{Policy, PolicyDoc, PolicySet};
use policy_core::kms::KmsKey;
use policy_core::{Deployment, DocumentKind, Grant, PrincipalKind};
use std::collections::{BTreeMap, BTreeSet};

/// A group's inline policies (name, document) and attached managed policy ARNs.
type GroupPolicies = (Vec<(String, String)>, Vec<String>);

/// The layers read, ready to join the set verify proves, and what could not be used.
#[derive(Clone, Debug, Default)]
pub(crate) struct Layers {
    /// (document, how reasons cite it): foreign inline and attached managed policies.
    identity: Vec<(PolicyDoc, String)>,
    /// (role or user ARN, boundary policy ARN, boundary).
    boundaries: Vec<(String, String, Policy)>,
    /// Differences found while reading: policies the evaluator cannot read, bucket settings that
    /// break a grant.
    pub(crate) findings: Vec<String>,
    /// Bucket settings that leave a grant less safe than declared, without breaking it.
    pub(crate) warnings: Vec<String>,
}

/// What a bucket's settings do to the grants on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BucketFindings {
    /// A declared grant does not work as declared.
    pub(crate) breaks: Vec<String>,
    /// Nothing is broken, but a grant is less safe than it looks.
    pub(crate) risks: Vec<String>,
}

impl Layers {
    /// Adds the identity policies and boundaries to `set`.
    pub(crate) fn add_to(self, set: &mut PolicySet) -> Result<(), DeployError> {
        for (doc, description) in self.identity {
            set.push_described(doc, &description);
        }
        for (entity, arn, policy) in self.boundaries {
            set.set_permissions_boundary(&entity, &arn, policy)
                .map_err(DeployError::Unreadable)?;
        }
        Ok(())
    }
}

/// The roles and users whose other policies decide a grant: each requester named by ARN and
/// each bridge role, in an account the deployment reaches.
fn principals(aws: &Aws, deployment: &Deployment) -> BTreeSet<(String, String, bool)> {
    let mut out = BTreeSet::new();
    for grant in deployment.grants() {
        for principal in grant
            .requester
            .principal()
            .into_iter()
            .chain(&grant.bridge_role)
        {
            let user = principal.kind == PrincipalKind::User;
            let role = principal.kind == PrincipalKind::Role;
            let account = principal.account.as_str();
            if (user || role) && aws.has_account(account) {
                out.insert((account.to_owned(), principal.arn(), user));
            }
        }
    }
    out
}

/// Reads every layer: per principal its boundary, inline and attached policies (each managed
/// policy once per account), per bucket behind an access point its settings.
pub(crate) async fn read(
    aws: &Aws,
    deployment: &Deployment,
    concurrency: usize,
) -> Result<Layers, DeployError> {
    let own_policy = policy_core::ownership::inline_policy_name(&deployment.name);
    let principals: Vec<_> = principals(aws, deployment).into_iter().collect();
    let listed = list_policies(aws, &principals, concurrency).await?;
    let groups = groups_of(aws, &principals, &listed, concurrency).await?;
    let managed = read_managed(aws, &principals, &listed, &groups, concurrency).await?;
    let mut layers = Layers::default();
    for (((account, arn, user), policies), groups) in principals.iter().zip(listed).zip(groups) {
        let Some(policies) = policies else {
            continue;
        };
        let principal = Entity {
            account,
            arn,
            user: *user,
        };
        layers
            .add_entity(aws, principal, &policies, groups, &managed, &own_policy)
            .await?;
    }
    let buckets = bucket_findings(aws, deployment, concurrency).await?;
    layers.findings.extend(buckets.breaks);
    layers.warnings = buckets.risks;
    Ok(layers)
}

/// A principal whose policies are read: (account, ARN, whether it is a user).
type Principals = [(String, String, bool)];

/// A user's groups, each with its inline policies (name, document) and attached ARNs.
type Groups = Vec<(String, GroupPolicies)>;

/// Managed policy documents by (account, ARN), read once each; `None` when unreadable.
type Managed = BTreeMap<(String, String), Option<String>>;

/// One principal whose policies become layers.
#[derive(Clone, Copy)]
struct Entity<'a> {
    account: &'a str,
    arn: &'a str,
    user: bool,
}

/// Each principal's boundary, inline policy names and attached ARNs (`None`: not found).
async fn list_policies(
    aws: &Aws,
    principals: &Principals,
    concurrency: usize,
) -> Result<Vec<Option<EntityPolicies>>, DeployError> {
    stream::iter(
        principals
            .iter()
            .map(|(account, arn, user)| aws.entity_policies(account, arn, *user)),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await
}

/// Each user's groups with their policies; nothing for roles and for principals not found.
async fn groups_of(
    aws: &Aws,
    principals: &Principals,
    listed: &[Option<EntityPolicies>],
    concurrency: usize,
) -> Result<Vec<Groups>, DeployError> {
    stream::iter(
        principals
            .iter()
            .zip(listed)
            .map(|((account, arn, user), listed)| async move {
                if !*user || listed.is_none() {
                    return Ok(Vec::new());
                }
                let partition = arn.split(':').nth(1).unwrap_or("aws");
                let mut out = Vec::new();
                for group in aws.user_groups(account, arn).await? {
                    let policies = aws.group_policies(account, partition, &group).await?;
                    out.push((group, policies));
                }
                Ok::<_, DeployError>(out)
            }),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await
}

/// The document of every managed policy attached to a principal or its groups, or its boundary.
async fn read_managed(
    aws: &Aws,
    principals: &Principals,
    listed: &[Option<EntityPolicies>],
    groups: &[Groups],
    concurrency: usize,
) -> Result<Managed, DeployError> {
    let mut managed = Managed::new();
    for (((account, _, _), policies), groups) in principals.iter().zip(listed).zip(groups) {
        let attached = policies
            .iter()
            .flat_map(|p| p.managed.iter().chain(&p.boundary));
        let of_groups = groups.iter().flat_map(|(_, (_, managed))| managed);
        for arn in attached.chain(of_groups) {
            managed.insert((account.clone(), arn.clone()), None);
        }
    }
    let keys: Vec<(String, String)> = managed.keys().cloned().collect();
    let texts: Vec<Option<String>> = stream::iter(
        keys.iter()
            .map(|(account, arn)| aws.managed_policy(account, arn)),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    managed.extend(keys.into_iter().zip(texts));
    Ok(managed)
}

impl Layers {
    /// A principal's inline policies (but the deployment's own), managed policies, its groups'
    /// policies and its boundary, as layers; what the evaluator cannot read, as findings.
    async fn add_entity(
        &mut self,
        aws: &Aws,
        Entity { account, arn, user }: Entity<'_>,
        policies: &EntityPolicies,
        groups: Groups,
        managed: &Managed,
        own_policy: &str,
    ) -> Result<(), DeployError> {
        let layers = self;
        let kind = if user {
            DocumentKind::UserInlinePolicy
        } else {
            DocumentKind::RoleInlinePolicy
        };
        // The document of a managed policy of this account, read before.
        let managed_text = |policy_arn: &String| {
            managed
                .get(&(account.to_owned(), policy_arn.clone()))
                .cloned()
                .flatten()
        };
        let add = |text: Option<String>, what: String, layers: &mut Layers| {
            let Some(text) = text else { return };
            match Policy::parse(&text) {
                Ok(policy) => layers.identity.push((
                    PolicyDoc {
                        kind,
                        account: account.to_owned(),
                        target: arn.to_owned(),
                        policy,
                    },
                    what,
                )),
                Err(p) => layers.findings.push(format!(
                    "the {what} cannot be read by the evaluator ({}): grants of {arn} are judged without it",
                    p.message
                )),
            }
        };
        for name in policies.inline.iter().filter(|n| n.as_str() != own_policy) {
            let text = aws.get_inline_policy(account, user, arn, name).await?;
            add(text, format!("inline policy {name} of {arn}"), layers);
        }
        for policy_arn in &policies.managed {
            let text = managed_text(policy_arn);
            add(
                text,
                format!("managed policy {policy_arn} attached to {arn}"),
                layers,
            );
        }
        for (group, (inline, attached)) in groups {
            for (name, text) in inline {
                add(
                    Some(text),
                    format!("inline policy {name} of group {group} (of {arn})"),
                    layers,
                );
            }
            for policy_arn in attached {
                let text = managed_text(&policy_arn);
                add(
                    text,
                    format!("managed policy {policy_arn} attached to group {group} (of {arn})"),
                    layers,
                );
            }
        }
        if let Some(boundary) = &policies.boundary {
            let text = managed_text(boundary);
            match text.as_deref().map(Policy::parse) {
                Some(Ok(policy)) => layers
                    .boundaries
                    .push((arn.to_owned(), boundary.clone(), policy)),
                Some(Err(p)) => layers.findings.push(format!(
                    "the permissions boundary {boundary} of {arn} cannot be read by the evaluator ({}): grants of {arn} are judged without it",
                    p.message
                )),
                None => layers.findings.push(format!(
                    "the permissions boundary {boundary} of {arn} could not be read: grants of {arn} are judged without it"
                )),
            }
        }
        Ok(())
    }
}

/// Each bucket behind an access point of the deployment, in an account xacct reaches: its
/// account, region and name.
fn buckets(aws: &Aws, deployment: &Deployment) -> BTreeSet<(String, String, String)> {
    deployment
        .documents()
        .iter()
        .filter(|d| d.kind == DocumentKind::AccessPoint)
        .filter_map(|d| {
            let account = d.bucket_account.as_deref().unwrap_or(&d.account);
            Some((
                account.to_owned(),
                d.region.as_deref()?.to_owned(),
                d.bucket.as_deref()?.to_owned(),
            ))
        })
        .filter(|(account, _, _)| aws.has_account(account))
        .collect()
}

pub(crate) async fn bucket_findings(
    aws: &Aws,
    deployment: &Deployment,
    concurrency: usize,
) -> Result<BucketFindings, DeployError> {
    let buckets: Vec<_> = buckets(aws, deployment).into_iter().collect();
    let settings: Vec<BucketSettings> = stream::iter(
        buckets
            .iter()
            .map(|(account, region, bucket)| aws.bucket_settings(account, region, bucket)),
    )
    .buffered(concurrency.max(1))
    .try_collect()
    .await?;
    let mut findings = BucketFindings::default();
    // Block Public Access matters under an organization grant only: read there, and an account's
    // own configuration once.
    let mut account_blocks: BTreeMap<String, [bool; 2]> = BTreeMap::new();
    for ((account, region, bucket), mut settings) in buckets.iter().zip(settings) {
        let grants: Vec<&Grant> = deployment
            .grants()
            .iter()
            .filter(|g| g.bucket == *bucket && g.bucket_account.as_str() == account)
            .collect();
        if grants.iter().any(|g| g.requester.principal().is_none()) {
            let of_bucket = aws
                .bucket_public_policy_blocks(account, region, bucket)
                .await?;
            let of_account = match account_blocks.get(account) {
                Some(blocks) => *blocks,
                None => {
                    let blocks = aws.account_public_policy_blocks(account, region).await?;
                    account_blocks.insert(account.clone(), blocks);
                    blocks
                }
            };
            settings.blocks_public_policies =
                [of_bucket[0] || of_account[0], of_bucket[1] || of_account[1]];
        }
        let judged = judge_bucket(bucket, account, &settings, &grants);
        findings.breaks.extend(judged.breaks);
        findings.risks.extend(judged.risks);
    }
    Ok(findings)
}

/// What a bucket's settings break, grant by grant.
///
/// - Default encryption SSE-KMS: S3 calls KMS with the requester's credentials to read an
///   object, and to write one it encrypts with the default key, so a grant must name the key
///   ("Troubleshoot access denied (403 Forbidden) errors in Amazon S3": KMS; "Specifying
///   server-side encryption with AWS KMS"). With the AWS managed key `aws/s3`, whose key policy
///   cannot be changed, other accounts can never use it ("AWS managed keys", AWS KMS Developer
///   Guide).
/// - Object Ownership other than `BucketOwnerEnforced` keeps ACLs on: an object another account
///   writes stays that account's unless it is written with `bucket-owner-full-control` (always
///   under `ObjectWriter`), and then the bucket's owner and the other grants cannot read it
///   ("Controlling ownership of objects and disabling ACLs for your bucket", S3 User Guide).
/// - Block Public Access: an organization grant is bounded by its `aws:PrincipalOrgID` (or
///   `aws:PrincipalOrgPaths`) condition alone; without `BlockPublicPolicy` and
///   `RestrictPublicBuckets` on the bucket or its account, a statement someone adds without such
///   a condition makes the data public ("Blocking public access to your Amazon S3 storage": the
///   meaning of "public"). A risk, not a break.
pub(crate) fn judge_bucket(
    bucket: &str,
    account: &str,
    settings: &BucketSettings,
    grants: &[&Grant],
) -> BucketFindings {
    let mut findings = Vec::new();
    // An organization grant reaches other accounts too.
    let from_elsewhere = |g: &&&Grant| {
        g.requester
            .principal()
            .is_none_or(|p| p.account.as_str() != account)
    };
    if let Some((algorithm, key)) = &settings.encryption {
        if algorithm.starts_with("aws:kms") {
            for grant in grants {
                let grant_key = grant.kms_key.as_ref().map(KmsKey::arn);
                match key {
                    None if from_elsewhere(&grant) => findings.push(format!(
                        "grant {}: the bucket {bucket} encrypts new objects with the AWS managed key aws/s3 (default encryption {algorithm} without a key of its own), whose key policy cannot be changed: {} of another account can never decrypt them; give the bucket a customer managed key and name it in the grant's `kms_key`",
                        grant.name, grant.requester
                    )),
                    Some(key) if !names_key(grant_key.as_deref(), key) => {
                        findings.push(format!(
                            "grant {}: the bucket {bucket} encrypts new objects with the KMS key {key} by default (default encryption {algorithm}), and the grant names {}: its reads and writes of those objects fail at KMS; set the grant's `kms_key` to that key",
                            grant.name,
                            grant_key.map_or_else(|| "no key".to_owned(), |k| format!("the key {k}"))
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
    let ownership = settings.ownership.as_deref().unwrap_or("ObjectWriter");
    if ownership != "BucketOwnerEnforced" {
        for grant in grants.iter().filter(from_elsewhere) {
            // A checked grant's actions are explicit: its wildcards were expanded.
            let writes = grant.actions.iter().any(|a| a.name == "PutObject");
            if writes {
                findings.push(format!(
                    "grant {}: the bucket {bucket} keeps ACLs on (Object Ownership {ownership}{}), so objects {} writes through the grant can stay owned by its account, unreadable by the bucket's owner and the other grants; set Object Ownership to BucketOwnerEnforced",
                    grant.name,
                    if settings.ownership.is_none() { ": no ownership controls" } else { "" },
                    grant.requester
                ));
            }
        }
    }
    let mut risks = Vec::new();
    if settings.blocks_public_policies != [true; 2] {
        let off: Vec<&str> = ["BlockPublicPolicy", "RestrictPublicBuckets"]
            .into_iter()
            .zip(settings.blocks_public_policies)
            .filter(|(_, on)| !on)
            .map(|(name, _)| name)
            .collect();
        for grant in grants.iter().filter(|g| g.requester.principal().is_none()) {
            risks.push(format!(
                "grant {}: Block Public Access leaves {} off for the bucket {bucket} and its account {account}: the organization grant is bounded by its organization condition alone, and a statement someone adds without one would make the data public; turn both on",
                grant.name,
                off.join(" and ")
            ));
        }
    }
    BucketFindings {
        breaks: findings,
        risks,
    }
}

/// Whether a grant's `kms_key` (a key ARN) is the bucket's default key, which S3 reports as the
/// key's ARN or id; an alias cannot be told without asking KMS, and is taken as named.
fn names_key(grant_key: Option<&str>, bucket_key: &str) -> bool {
    if bucket_key.starts_with("alias/") || bucket_key.contains(":alias/") {
        return true;
    }
    grant_key.is_some_and(|k| {
        k == bucket_key
            || k.rsplit_once("key/")
                .is_some_and(|(_, id)| id == bucket_key)
            || bucket_key
                .rsplit_once("key/")
                .is_some_and(|(_, id)| id == k)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::{service_reference, AccessPointArn, AccountId, Requester};

    fn grant(requester: &str, action: &str, kms: Option<&str>) -> Grant {
        Grant {
            name: "g".into(),
            doc: "".into(),
            requester: Requester::parse(requester).unwrap(),
            requester_trust: None,
            bridge_role: None,
            access_point: AccessPointArn::parse(
                "arn:aws:s3:us-east-1:222222222222:accesspoint/shared",
            )
            .unwrap(),
            bucket: "b".into(),
            bucket_account: AccountId::parse("222222222222").unwrap(),
            actions: vec![service_reference::s3().action(action).unwrap()].into(),
            prefixes: Default::default(),
            require_mfa: false,
            external_id: None,
            restrictions: Default::default(),
            kms_key: kms.map(|k| KmsKey::parse(k).unwrap()),
        }
    }

    const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const READ: &str = "GetObject";
    const WRITE: &str = "PutObject";

    #[test]
    fn bucket_settings_that_break_a_grant_are_named() {
        let other = grant("arn:aws:iam::111111111111:role/etl", READ, None);
        let named = grant("arn:aws:iam::111111111111:role/etl", READ, Some(KEY));
        let writer = grant("arn:aws:iam::111111111111:role/etl", WRITE, Some(KEY));
        let local = grant("arn:aws:iam::222222222222:role/etl", WRITE, None);
        let kms = |key: Option<&str>| BucketSettings {
            encryption: Some(("aws:kms".into(), key.map(Into::into))),
            ownership: Some("BucketOwnerEnforced".into()),
            blocks_public_policies: [true; 2],
        };
        assert!(
            judge_bucket("b", "222222222222", &kms(Some(KEY)), &[&named])
                .breaks
                .is_empty()
        );
        // S3 may answer with the key id.
        let id = KEY.rsplit('/').next();
        assert!(judge_bucket("b", "222222222222", &kms(id), &[&named])
            .breaks
            .is_empty());
        let unnamed = judge_bucket("b", "222222222222", &kms(Some(KEY)), &[&other]).breaks;
        assert!(
            unnamed[0].contains("names no key") && unnamed[0].contains(KEY),
            "{unnamed:?}"
        );
        let managed = judge_bucket("b", "222222222222", &kms(None), &[&named, &local]).breaks;
        assert_eq!(managed.len(), 1, "only from another account: {managed:?}");
        assert!(managed[0].contains("aws/s3"));
        let sse_s3 = BucketSettings {
            encryption: Some(("AES256".into(), None)),
            ownership: None,
            blocks_public_policies: [true; 2],
        };
        let acls = judge_bucket("b", "222222222222", &sse_s3, &[&named, &writer, &local]).breaks;
        assert_eq!(acls.len(), 1, "only a write from another account: {acls:?}");
        assert!(
            acls[0].contains("no ownership controls") && acls[0].contains("BucketOwnerEnforced")
        );
        let preferred = BucketSettings {
            encryption: None,
            ownership: Some("BucketOwnerPreferred".into()),
            blocks_public_policies: [true; 2],
        };
        assert_eq!(
            judge_bucket("b", "222222222222", &preferred, &[&writer])
                .breaks
                .len(),
            1
        );
        // Block Public Access matters to an organization grant only, and only as a risk.
        let org = grant("o-a1b2c3d4e5", READ, None);
        let open = BucketSettings {
            blocks_public_policies: [true, false],
            ..BucketSettings::default()
        };
        let judged = judge_bucket("b", "222222222222", &open, &[&org, &local]);
        assert!(judged.breaks.is_empty());
        assert_eq!(judged.risks.len(), 1, "{judged:?}");
        assert!(
            judged.risks[0].contains("RestrictPublicBuckets off")
                && !judged.risks[0].contains("BlockPublicPolicy")
        );
        let closed = BucketSettings {
            blocks_public_policies: [true; 2],
            ..open
        };
        assert!(judge_bucket("b", "222222222222", &closed, &[&org])
            .risks
            .is_empty());
    }
}
