//! Every AWS call the tool makes, one function per call, each counted and each failure turned
//! into a [`DeployError`] that names the account, the resource and the operation.

use crate::accounts::Account;
use crate::error::{Context, DeployError};
use crate::record::StoredParameter;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use policy_core::ownership::OWNER_TAG;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A role's or user's policies besides the deployment's own inline policy, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityPolicies {
    /// The permissions boundary's managed policy ARN.
    pub boundary: Option<String>,
    pub inline: Vec<String>,
    pub managed: Vec<String>,
}

/// What a bucket's settings decide about reads and writes through a grant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BucketSettings {
    /// Default encryption: the algorithm (`AES256`, `aws:kms`, `aws:kms:dsse`) and its KMS key
    /// (ARN, id or alias) when one is named.
    pub encryption: Option<(String, Option<String>)>,
    /// Object Ownership (`BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`); `None`
    /// when the bucket has no ownership controls.
    pub ownership: Option<String>,
    /// Block Public Access of the bucket and of its account combined: `[BlockPublicPolicy,
    /// RestrictPublicBuckets]` as set at either level (a level without a configuration sets
    /// nothing); read only where an organization grant depends on it.
    pub blocks_public_policies: [bool; 2],
}

/// `[BlockPublicPolicy, RestrictPublicBuckets]` of one Block Public Access configuration.
fn public_policy_blocks(
    block_public_policy: Option<bool>,
    restrict_public_buckets: Option<bool>,
) -> [bool; 2] {
    [
        block_public_policy.unwrap_or(false),
        restrict_public_buckets.unwrap_or(false),
    ]
}

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

/// An access point as S3 Control has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveAccessPoint {
    pub bucket: String,
    pub bucket_account: Option<String>,
    /// Network origin `VPC`: the VPC; `None` for `Internet`.
    pub vpc: Option<String>,
    /// All four Block Public Access settings on (AWS's default, which xacct always asks for).
    pub blocks_public_access: bool,
    /// `CreationDate`, milliseconds since the epoch.
    pub created: Option<i64>,
}

/// What an access point is created with.
#[derive(Clone, Copy, Debug)]
pub struct NewAccessPoint<'a> {
    pub name: &'a str,
    pub bucket: &'a str,
    pub bucket_account: &'a str,
    /// The network origin VPC; `None` for the internet.
    pub vpc: Option<&'a str>,
}

/// Counts of calls, for reports and for tests that a no-op apply writes nothing, and the log of
/// them, for proving the deployer policy against what the tool really calls.
#[derive(Debug, Default)]
pub struct Calls {
    pub reads: AtomicUsize,
    pub writes: AtomicUsize,
    pub log: std::sync::Mutex<Vec<Call>>,
}

/// One AWS call as made: its IAM action and what it named (an ARN; a parameter name or path
/// for SSM, several names joined by commas for `GetParameters`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub account: String,
    pub operation: &'static str,
    pub resource: String,
}

/// The service whose per-account limits a call counts against: its action's prefix, S3
/// Control's and S3's calls sharing the account's S3 request rates.
fn service_of(operation: &str) -> &'static str {
    match operation.split(':').next().unwrap_or_default() {
        "iam" => "iam",
        "ssm" => "ssm",
        "kms" => "kms",
        _ => "s3",
    }
}

pub(crate) struct Aws {
    accounts: BTreeMap<String, Account>,
    pub(crate) calls: Calls,
    /// At most this many calls at once to one service of one account: AWS throttles per account
    /// and service (IAM per account), and every other account's calls go on meanwhile.
    per_service: usize,
    limits:
        std::sync::Mutex<BTreeMap<(String, &'static str), std::sync::Arc<tokio::sync::Semaphore>>>,
    /// Test hook: fail the write after this many writes, to leave a half-applied deployment.
    pub(crate) fail_after_writes: Option<usize>,
}

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("accounts", &self.accounts.keys())
            .finish()
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The name of a role or user from its ARN (without its path).
fn iam_name(arn: &str) -> String {
    policy_core::Principal::parse(arn).map_or_else(|_| arn.to_owned(), |p| p.name)
}

/// Every item of every page of a paginated call, its failure turned into a [`DeployError`]
/// naming the operation (a macro: each paginator and page is a type of its own).
macro_rules! every_page {
    ($paginator:expr, $account:expr, $resource:expr, $operation:literal, |$page:ident| $items:expr) => {{
        let mut items = Vec::new();
        let mut pages = $paginator.send();
        while let Some(page) = pages.next().await {
            let $page =
                page.map_err(|e| DeployError::aws(Aws::ctx($account, $resource, $operation), &e))?;
            items.extend($items);
        }
        items
    }};
}

/// The ARNs of a page of attached managed policies.
fn attached_arns(
    attached: Option<Vec<aws_sdk_iam::types::AttachedPolicy>>,
) -> impl Iterator<Item = String> {
    attached
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
}

fn is_code<E: ProvideErrorMetadata>(error: &E, codes: &[&str]) -> bool {
    error.code().is_some_and(|c| codes.contains(&c))
}

/// A read's answer, or `None` when AWS answers with one of the `absent` codes (what was asked
/// for is not there); any other failure names the account, the resource and the operation.
fn unless_absent<T, E>(
    result: Result<T, SdkError<E, HttpResponse>>,
    ctx: Context,
    absent: &[&str],
) -> Result<Option<T>, DeployError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(e) if is_code(&e, absent) => Ok(None),
        Err(e) => Err(DeployError::aws(ctx, &e)),
    }
}

/// A write's outcome when some answers mean "already done": a delete of something already gone,
/// after a retry whose first attempt succeeded but whose answer was lost.
fn done_unless<T, E>(
    result: Result<T, SdkError<E, HttpResponse>>,
    ctx: Context,
    done: &[&str],
) -> Result<(), DeployError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_code(&e, done) => {
            tracing::info!(code = ?e.code(), resource = %ctx.resource, "already done");
            Ok(())
        }
        Err(e) => Err(DeployError::aws(ctx, &e)),
    }
}

impl Aws {
    pub(crate) fn new(accounts: BTreeMap<String, Account>, per_service: usize) -> Aws {
        Aws {
            accounts,
            calls: Calls::default(),
            per_service: per_service.max(1),
            limits: std::sync::Mutex::new(BTreeMap::new()),
            fail_after_writes: None,
        }
    }

    /// Sets how many calls may run at once against one service of one account.
    pub(crate) fn set_per_service(&mut self, per_service: usize) {
        self.per_service = per_service.max(1);
        self.limits = std::sync::Mutex::new(BTreeMap::new());
    }

    /// Waits for a free place among the calls to `service` in `account`; the call holds the
    /// returned permit while it runs.
    async fn slot(
        &self,
        account: &str,
        service: &'static str,
    ) -> tokio::sync::OwnedSemaphorePermit {
        let semaphore = {
            let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
            limits
                .entry((account.to_owned(), service))
                .or_insert_with(|| {
                    std::sync::Arc::new(tokio::sync::Semaphore::new(self.per_service))
                })
                .clone()
        };
        // The semaphore is never closed.
        semaphore
            .acquire_owned()
            .await
            .unwrap_or_else(|_| unreachable!("the semaphore is never closed"))
    }

    pub(crate) fn account_ids(&self) -> Vec<String> {
        self.accounts.keys().cloned().collect()
    }

    /// The accounts whose credentials were loaded and checked.
    pub(crate) fn has_account(&self, id: &str) -> bool {
        self.accounts.contains_key(id)
    }

    pub(crate) fn account(&self, id: &str) -> Result<&Account, DeployError> {
        self.accounts
            .get(id)
            .ok_or_else(|| DeployError::Credentials {
                account: id.to_owned(),
                message: "no credentials were loaded for it".into(),
            })
    }

    fn count_read(&self, account: &str, operation: &'static str, resource: &str) {
        let n = self.calls.reads.fetch_add(1, Ordering::SeqCst);
        tracing::trace!(read = n + 1, "AWS read");
        self.note(account, operation, resource);
    }

    /// Adds a call to the log of calls made.
    fn note(&self, account: &str, operation: &'static str, resource: &str) {
        let mut log = self.calls.log.lock().unwrap_or_else(|e| e.into_inner());
        log.push(Call {
            account: account.to_owned(),
            operation,
            resource: resource.to_owned(),
        });
    }

    /// Counts a read of `operation` on `resource` and waits for its place (see [`Aws::slot`]).
    async fn read(
        &self,
        account: &str,
        operation: &'static str,
        resource: &str,
    ) -> tokio::sync::OwnedSemaphorePermit {
        let permit = self.slot(account, service_of(operation)).await;
        self.count_read(account, operation, resource);
        permit
    }

    /// Counts a write and waits for its place; the service is the operation's prefix.
    async fn write(
        &self,
        context: &Context,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, DeployError> {
        let permit = self
            .slot(&context.account, service_of(context.operation))
            .await;
        self.note(&context.account, context.operation, &context.resource);
        let done = self.calls.writes.fetch_add(1, Ordering::SeqCst);
        tracing::info!(account = %context.account, resource = %context.resource, operation = context.operation, "AWS write");
        if self.fail_after_writes.is_some_and(|limit| done >= limit) {
            return Err(DeployError::Aws {
                context: context.clone(),
                code: "InjectedFailure".into(),
                message: "failure injected by the test hook".into(),
            });
        }
        Ok(permit)
    }

    fn ctx(account: &str, resource: &str, operation: &'static str) -> Context {
        Context {
            account: account.to_owned(),
            resource: resource.to_owned(),
            operation,
        }
    }

    /// The role with its tags: GetRole answers both ("GetRole", IAM API reference: `Role.Tags`).
    pub async fn get_role(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Option<LiveRole>, DeployError> {
        let _permit = self.read(account, "iam:GetRole", arn).await;
        let iam = self.account(account)?.iam();
        let name = iam_name(arn);
        let Some(out) = unless_absent(
            iam.get_role().role_name(&name).send().await,
            Self::ctx(account, arn, "iam:GetRole"),
            &["NoSuchEntity"],
        )?
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
        let _permit = self.read(account, "iam:GetRole", arn).await;
        match unless_absent(
            self.account(account)?
                .iam()
                .get_role()
                .role_name(iam_name(arn))
                .send()
                .await,
            Self::ctx(account, arn, "iam:GetRole"),
            &["NoSuchEntity"],
        )? {
            Some(_) => Ok(true),
            None => Ok(false),
        }
    }

    pub async fn user_exists(&self, account: &str, arn: &str) -> Result<bool, DeployError> {
        let _permit = self.read(account, "iam:GetUser", arn).await;
        match unless_absent(
            self.account(account)?
                .iam()
                .get_user()
                .user_name(iam_name(arn))
                .send()
                .await,
            Self::ctx(account, arn, "iam:GetUser"),
            &["NoSuchEntity"],
        )? {
            Some(_) => Ok(true),
            None => Ok(false),
        }
    }

    /// The names of the role's inline policies and attached managed policies.
    pub async fn role_policies(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Vec<String>, DeployError> {
        let (mut names, attached) = self.listed_policies(account, arn, false).await?;
        names.extend(attached);
        Ok(names)
    }

    /// A role's or user's inline policy names and attached managed policy ARNs, every page
    /// ("ListRolePolicies", "ListAttachedRolePolicies" and their user forms, IAM API reference).
    async fn listed_policies(
        &self,
        account: &str,
        arn: &str,
        user: bool,
    ) -> Result<(Vec<String>, Vec<String>), DeployError> {
        let iam = self.account(account)?.iam();
        let name = iam_name(arn);
        if user {
            let _permit = self.read(account, "iam:ListUserPolicies", arn).await;
            let pages = iam.list_user_policies().user_name(&name).into_paginator();
            let inline = every_page!(pages, account, arn, "iam:ListUserPolicies", |page| page
                .policy_names);
            self.count_read(account, "iam:ListAttachedUserPolicies", arn);
            let pages = iam
                .list_attached_user_policies()
                .user_name(&name)
                .into_paginator();
            let attached = every_page!(
                pages,
                account,
                arn,
                "iam:ListAttachedUserPolicies",
                |page| attached_arns(page.attached_policies)
            );
            Ok((inline, attached))
        } else {
            let _permit = self.read(account, "iam:ListRolePolicies", arn).await;
            let pages = iam.list_role_policies().role_name(&name).into_paginator();
            let inline = every_page!(pages, account, arn, "iam:ListRolePolicies", |page| page
                .policy_names);
            self.count_read(account, "iam:ListAttachedRolePolicies", arn);
            let pages = iam
                .list_attached_role_policies()
                .role_name(&name)
                .into_paginator();
            let attached = every_page!(
                pages,
                account,
                arn,
                "iam:ListAttachedRolePolicies",
                |page| attached_arns(page.attached_policies)
            );
            Ok((inline, attached))
        }
    }

    /// What IAM evaluates for a role or user besides the deployment's inline policy: its
    /// permissions boundary's ARN ("GetRole"/"GetUser", IAM API reference), and its policies as
    /// [`Aws::listed_policies`] gives them. `None` when the entity does not exist.
    pub async fn entity_policies(
        &self,
        account: &str,
        arn: &str,
        user: bool,
    ) -> Result<Option<EntityPolicies>, DeployError> {
        let iam = self.account(account)?.iam();
        let name = iam_name(arn);
        let operation = if user { "iam:GetUser" } else { "iam:GetRole" };
        // The permit is given back before the listings take theirs: with one call at a time a
        // second one would wait for ever.
        let boundary = {
            let _permit = self.read(account, operation, arn).await;
            let ctx = Self::ctx(account, arn, operation);
            let boundary = if user {
                unless_absent(
                    iam.get_user().user_name(&name).send().await,
                    ctx,
                    &["NoSuchEntity"],
                )?
                .map(|out| out.user.and_then(|u| u.permissions_boundary))
            } else {
                unless_absent(
                    iam.get_role().role_name(&name).send().await,
                    ctx,
                    &["NoSuchEntity"],
                )?
                .map(|out| out.role.and_then(|r| r.permissions_boundary))
            };
            let Some(boundary) = boundary else {
                return Ok(None);
            };
            boundary.and_then(|b| b.permissions_boundary_arn)
        };
        let (inline, managed) = self.listed_policies(account, arn, user).await?;
        Ok(Some(EntityPolicies {
            boundary,
            inline,
            managed,
        }))
    }

    /// The IAM groups a user belongs to, by name: their policies apply to the user too
    /// ("Policy evaluation logic": identity-based policies include the user's groups').
    pub async fn user_groups(&self, account: &str, arn: &str) -> Result<Vec<String>, DeployError> {
        let _permit = self.read(account, "iam:ListGroupsForUser", arn).await;
        let iam = self.account(account)?.iam();
        let pages = iam
            .list_groups_for_user()
            .user_name(iam_name(arn))
            .into_paginator();
        let groups = every_page!(pages, account, arn, "iam:ListGroupsForUser", |page| page
            .groups
            .into_iter()
            .map(|g| g.group_name));
        Ok(groups)
    }

    /// A group's inline policies (name, URL-decoded document) and attached managed policy ARNs.
    pub async fn group_policies(
        &self,
        account: &str,
        partition: &str,
        group: &str,
    ) -> Result<(Vec<(String, String)>, Vec<String>), DeployError> {
        let arn = format!("arn:{partition}:iam::{account}:group/{group}");
        let _permit = self.read(account, "iam:ListGroupPolicies", &arn).await;
        let iam = self.account(account)?.iam();
        let pages = iam.list_group_policies().group_name(group).into_paginator();
        let names = every_page!(pages, account, &arn, "iam:ListGroupPolicies", |page| page
            .policy_names);
        let mut inline = Vec::new();
        for name in names {
            self.count_read(account, "iam:GetGroupPolicy", &arn);
            let out = iam
                .get_group_policy()
                .group_name(group)
                .policy_name(&name)
                .send()
                .await
                .map_err(|e| {
                    DeployError::aws(Self::ctx(account, &arn, "iam:GetGroupPolicy"), &e)
                })?;
            inline.push((name, decode(&out.policy_document)));
        }
        self.count_read(account, "iam:ListAttachedGroupPolicies", &arn);
        let pages = iam
            .list_attached_group_policies()
            .group_name(group)
            .into_paginator();
        let managed = every_page!(
            pages,
            account,
            &arn,
            "iam:ListAttachedGroupPolicies",
            |page| attached_arns(page.attached_policies)
        );
        Ok((inline, managed))
    }

    /// The document of a managed policy's default version, URL-decoded ("GetPolicy",
    /// "GetPolicyVersion", IAM API reference: the version in force is `DefaultVersionId`).
    /// `None` when the policy does not exist.
    pub async fn managed_policy(
        &self,
        account: &str,
        policy_arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let _permit = self.read(account, "iam:GetPolicy", policy_arn).await;
        let iam = self.account(account)?.iam();
        let Some(out) = unless_absent(
            iam.get_policy().policy_arn(policy_arn).send().await,
            Self::ctx(account, policy_arn, "iam:GetPolicy"),
            &["NoSuchEntity"],
        )?
        else {
            return Ok(None);
        };
        let version = out.policy.and_then(|p| p.default_version_id);
        let Some(version) = version else {
            return Ok(None);
        };
        self.count_read(account, "iam:GetPolicyVersion", policy_arn);
        match unless_absent(
            iam.get_policy_version()
                .policy_arn(policy_arn)
                .version_id(version)
                .send()
                .await,
            Self::ctx(account, policy_arn, "iam:GetPolicyVersion"),
            &["NoSuchEntity"],
        )? {
            Some(out) => Ok(out
                .policy_version
                .and_then(|v| v.document)
                .map(|d| decode(&d))),
            None => Ok(None),
        }
    }

    /// The bucket's default encryption and Object Ownership ("GetBucketEncryption",
    /// "GetBucketOwnershipControls", S3 API reference). A bucket without ownership controls
    /// has ACLs enabled with the writer owning its objects (`ObjectWriter`).
    pub async fn bucket_settings(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
    ) -> Result<BucketSettings, DeployError> {
        let arn = format!("arn:aws:s3:::{bucket}");
        let s3 = self.account(account)?.s3(region);
        // The two reads at once: neither depends on the other.
        let encryption = async {
            let _permit = self
                .read(account, "s3:GetEncryptionConfiguration", &arn)
                .await;
            Ok::<_, DeployError>(
                match unless_absent(
                    s3.get_bucket_encryption()
                        .bucket(bucket)
                        .expected_bucket_owner(account)
                        .send()
                        .await,
                    Self::ctx(account, &arn, "s3:GetEncryptionConfiguration"),
                    &["ServerSideEncryptionConfigurationNotFoundError"],
                )? {
                    Some(out) => out
                        .server_side_encryption_configuration
                        .and_then(|c| c.rules.into_iter().next())
                        .and_then(|r| r.apply_server_side_encryption_by_default)
                        .map(|d| (d.sse_algorithm.as_str().to_owned(), d.kms_master_key_id)),
                    None => None,
                },
            )
        };
        let ownership = async {
            let _permit = self
                .read(account, "s3:GetBucketOwnershipControls", &arn)
                .await;
            Ok::<_, DeployError>(
                match unless_absent(
                    s3.get_bucket_ownership_controls()
                        .bucket(bucket)
                        .expected_bucket_owner(account)
                        .send()
                        .await,
                    Self::ctx(account, &arn, "s3:GetBucketOwnershipControls"),
                    &["OwnershipControlsNotFoundError"],
                )? {
                    Some(out) => out
                        .ownership_controls
                        .and_then(|c| c.rules.into_iter().next())
                        .map(|r| r.object_ownership.as_str().to_owned()),
                    None => None,
                },
            )
        };
        let (encryption, ownership) = futures::try_join!(encryption, ownership)?;
        Ok(BucketSettings {
            encryption,
            ownership,
            blocks_public_policies: [false; 2],
        })
    }

    /// `[BlockPublicPolicy, RestrictPublicBuckets]` of a bucket's Block Public Access
    /// ("GetPublicAccessBlock", S3 API reference); none set without a configuration.
    pub async fn bucket_public_policy_blocks(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
    ) -> Result<[bool; 2], DeployError> {
        let arn = format!("arn:aws:s3:::{bucket}");
        let _permit = self
            .read(account, "s3:GetBucketPublicAccessBlock", &arn)
            .await;
        let out = unless_absent(
            self.account(account)?
                .s3(region)
                .get_public_access_block()
                .bucket(bucket)
                .expected_bucket_owner(account)
                .send()
                .await,
            Self::ctx(account, &arn, "s3:GetBucketPublicAccessBlock"),
            &["NoSuchPublicAccessBlockConfiguration"],
        )?;
        Ok(out
            .and_then(|o| o.public_access_block_configuration)
            .map_or([false; 2], |c| {
                public_policy_blocks(c.block_public_policy, c.restrict_public_buckets)
            }))
    }

    /// The same for the whole account ("GetPublicAccessBlock", S3 Control API reference).
    pub async fn account_public_policy_blocks(
        &self,
        account: &str,
        region: &str,
    ) -> Result<[bool; 2], DeployError> {
        let _permit = self
            .read(account, "s3:GetAccountPublicAccessBlock", account)
            .await;
        let out = unless_absent(
            self.account(account)?
                .s3control(region)
                .get_public_access_block()
                .account_id(account)
                .send()
                .await,
            Self::ctx(account, account, "s3:GetAccountPublicAccessBlock"),
            &["NoSuchPublicAccessBlockConfiguration"],
        )?;
        Ok(out
            .and_then(|o| o.public_access_block_configuration)
            .map_or([false; 2], |c| {
                public_policy_blocks(c.block_public_policy, c.restrict_public_buckets)
            }))
    }

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

    pub async fn get_access_point(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<Option<LiveAccessPoint>, DeployError> {
        let _permit = self.read(account, "s3:GetAccessPoint", arn).await;
        match unless_absent(
            self.account(account)?
                .s3control(region)
                .get_access_point()
                .account_id(account)
                .name(name)
                .send()
                .await,
            Self::ctx(account, arn, "s3:GetAccessPoint"),
            &["NoSuchAccessPoint"],
        )? {
            Some(out) => Ok(Some(LiveAccessPoint {
                blocks_public_access: out.public_access_block_configuration.as_ref().is_none_or(
                    |b| {
                        [
                            b.block_public_acls,
                            b.ignore_public_acls,
                            b.block_public_policy,
                            b.restrict_public_buckets,
                        ]
                        .into_iter()
                        .all(|on| on != Some(false))
                    },
                ),
                vpc: out.vpc_configuration.map(|v| v.vpc_id),
                created: out.creation_date.and_then(|d| d.to_millis().ok()),
                bucket: out.bucket.unwrap_or_default(),
                bucket_account: out.bucket_account_id,
            })),
            None => Ok(None),
        }
    }

    /// The ARNs of `account`'s access points in `region` on `bucket` (for `import --bucket`).
    pub async fn list_access_points(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
    ) -> Result<Vec<String>, DeployError> {
        let _permit = self.read(account, "s3:ListAccessPoints", bucket).await;
        let pages = self
            .account(account)?
            .s3control(region)
            .list_access_points()
            .account_id(account)
            .bucket(bucket)
            .into_paginator();
        Ok(every_page!(
            pages,
            account,
            bucket,
            "s3:ListAccessPoints",
            |page| page
                .access_point_list
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| a.access_point_arn)
        ))
    }

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
        let tag = aws_sdk_iam::types::Tag::builder()
            .key(OWNER_TAG)
            .value(deployment)
            .build()
            .map_err(|e| DeployError::Aws {
                context: ctx.clone(),
                code: "InvalidRequest".into(),
                message: e.to_string(),
            })?;
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
        let tag = aws_sdk_iam::types::Tag::builder()
            .key(OWNER_TAG)
            .value(deployment)
            .build()
            .map_err(|e| DeployError::Aws {
                context: ctx.clone(),
                code: "InvalidRequest".into(),
                message: e.to_string(),
            })?;
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
        let ctx = Self::ctx(account, arn, "iam:UpdateAssumeRolePolicy");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .iam()
            .update_assume_role_policy()
            .role_name(iam_name(arn))
            .policy_document(trust)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    pub async fn delete_role(&self, account: &str, arn: &str) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "iam:DeleteRole");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .iam()
            .delete_role()
            .role_name(iam_name(arn))
            .send()
            .await;
        done_unless(result, ctx, &["NoSuchEntity"])
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

    pub async fn create_access_point(
        &self,
        account: &str,
        region: &str,
        arn: &str,
        ap: NewAccessPoint<'_>,
    ) -> Result<(), DeployError> {
        let NewAccessPoint {
            name,
            bucket,
            bucket_account,
            vpc,
        } = ap;
        use aws_sdk_s3control::types::{PublicAccessBlockConfiguration, VpcConfiguration};
        let ctx = Self::ctx(account, arn, "s3:CreateAccessPoint");
        let permit = self.write(&ctx).await?;
        // All four on, said rather than left to the default: nothing xacct grants is public.
        let block_public_access = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        let mut request = self
            .account(account)?
            .s3control(region)
            .create_access_point()
            .account_id(account)
            .name(name)
            .bucket(bucket)
            .public_access_block_configuration(block_public_access);
        if bucket_account != account {
            request = request.bucket_account_id(bucket_account);
        }
        if let Some(vpc) = vpc {
            let config = VpcConfiguration::builder()
                .vpc_id(vpc)
                .build()
                .map_err(|e| DeployError::Aws {
                    context: ctx.clone(),
                    code: "InvalidVpcConfiguration".to_owned(),
                    message: e.to_string(),
                })?;
            request = request.vpc_configuration(config);
        }
        match request.send().await {
            Ok(_) => Ok(()),
            // A retry after a lost answer: the access point is there; fine if in front of `bucket`.
            Err(e) if is_code(&e, &["AccessPointAlreadyOwnedByYou"]) => {
                // Its place goes back first: the read waits for one of its own.
                drop(permit);
                match self.get_access_point(account, region, name, arn).await? {
                    Some(ap) if ap.bucket == bucket && ap.vpc.as_deref() == vpc => Ok(()),
                    _ => Err(DeployError::aws(ctx, &e)),
                }
            }
            Err(e) => Err(DeployError::aws(ctx, &e)),
        }
    }

    pub async fn delete_access_point(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:DeleteAccessPoint");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .s3control(region)
            .delete_access_point()
            .account_id(account)
            .name(name)
            .send()
            .await;
        done_unless(result, ctx, &["NoSuchAccessPoint"])
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

    /// A key's policy ("default", the only name KMS has); `None` when the key does not exist.
    pub async fn get_key_policy(
        &self,
        account: &str,
        region: &str,
        arn: &str,
    ) -> Result<Option<String>, DeployError> {
        let _permit = self.read(account, "kms:GetKeyPolicy", arn).await;
        match unless_absent(
            self.account(account)?
                .kms(region)
                .get_key_policy()
                .key_id(arn)
                .policy_name("default")
                .send()
                .await,
            Self::ctx(account, arn, "kms:GetKeyPolicy"),
            &["NotFoundException"],
        )? {
            Some(out) => Ok(out.policy.filter(|p| !p.is_empty())),
            None => Ok(None),
        }
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
        let ctx = Self::ctx(account, arn, "kms:PutKeyPolicy");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .kms(region)
            .put_key_policy()
            .key_id(arn)
            .policy_name("default")
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

    /// The name of every parameter under `path` (recursively), with who wrote it last
    /// (`LastModifiedUser`), 50 a page (DescribeParameters).
    pub async fn parameter_names(
        &self,
        account: &str,
        region: &str,
        path: &str,
    ) -> Result<Vec<(String, Option<String>)>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let filter = aws_sdk_ssm::types::ParameterStringFilter::builder()
            .key("Path")
            .option("Recursive")
            .values(path)
            .build()
            .map_err(|e| DeployError::Aws {
                context: Self::ctx(account, path, "ssm:DescribeParameters"),
                code: "InvalidRequest".into(),
                message: e.to_string(),
            })?;
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let permit = self.read(account, "ssm:DescribeParameters", path).await;
            let page = ssm
                .describe_parameters()
                .parameter_filters(filter.clone())
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| {
                    DeployError::aws(Self::ctx(account, path, "ssm:DescribeParameters"), &e)
                })?;
            drop(permit);
            names.extend(
                page.parameters
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| Some((p.name?, p.last_modified_user))),
            );
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(names),
            }
        }
    }

    /// Every parameter under `path` (recursively), name → value and writer. The names come 50
    /// a page (DescribeParameters), the values 10 names a call (GetParameters), those calls at
    /// once: GetParametersByPath gives 10 a page, one page after the other, which made the
    /// record of a large deployment the slowest read of a plan.
    pub async fn get_parameters(
        &self,
        account: &str,
        region: &str,
        path: &str,
    ) -> Result<BTreeMap<String, StoredParameter>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let (names, writers): (Vec<String>, Vec<Option<String>>) = self
            .parameter_names(account, region, path)
            .await?
            .into_iter()
            .unzip();
        let writers: BTreeMap<&String, &Option<String>> = names.iter().zip(&writers).collect();
        let batches = names.chunks(10).map(|batch| {
            let ssm = ssm.clone();
            async move {
                let _permit = self
                    .read(account, "ssm:GetParameters", &batch.join(","))
                    .await;
                ssm.get_parameters()
                    .set_names(Some(batch.to_vec()))
                    .send()
                    .await
                    .map_err(|e| {
                        DeployError::aws(Self::ctx(account, path, "ssm:GetParameters"), &e)
                    })
            }
        });
        let mut out = BTreeMap::new();
        for answer in futures::future::try_join_all(batches).await? {
            for p in answer.parameters.unwrap_or_default() {
                if let (Some(name), Some(value)) = (p.name, p.value) {
                    let written_by = writers.get(&name).and_then(|w| (*w).clone());
                    out.insert(name, StoredParameter { value, written_by });
                }
            }
        }
        Ok(out)
    }

    /// When the parameter's first version still kept was written (seconds since the epoch):
    /// SSM keeps a parameter's last 100 versions and forgets them all when it is deleted
    /// ("GetParameterHistory", SSM API reference). `None` when there is no such parameter.
    pub async fn first_written(
        &self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<Option<f64>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let mut first: Option<f64> = None;
        let mut token: Option<String> = None;
        loop {
            let _permit = self.read(account, "ssm:GetParameterHistory", name).await;
            let page = match ssm
                .get_parameter_history()
                .name(name)
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => page,
                Err(e) if is_code(&e, &["ParameterNotFound"]) => return Ok(None),
                Err(e) => {
                    return Err(DeployError::aws(
                        Self::ctx(account, name, "ssm:GetParameterHistory"),
                        &e,
                    ))
                }
            };
            for version in page.parameters.unwrap_or_default() {
                if let Some(at) = version.last_modified_date {
                    let at = at.as_secs_f64();
                    first = Some(first.map_or(at, |f| f.min(at)));
                }
            }
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(first),
            }
        }
    }

    pub async fn put_parameter(
        &self,
        account: &str,
        region: &str,
        name: &str,
        value: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, name, "ssm:PutParameter");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .ssm(region)
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .overwrite(true)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    /// Deleting a parameter that is already gone is success: the goal is its absence.
    pub async fn delete_parameter(
        &self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, name, "ssm:DeleteParameter");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .ssm(region)
            .delete_parameter()
            .name(name)
            .send()
            .await;
        done_unless(result, ctx, &["ParameterNotFound"])
    }
}
