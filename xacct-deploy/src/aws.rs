//! The shape every AWS call shares: a place among the calls to its service in its account, a
//! count, and each failure turned into a [`DeployError`] that names the account, the resource
//! and the operation. Here too the reads of what decides access besides the deployment's own
//! documents (a requester's other policies, buckets' settings); each resource kind's own calls
//! are in its module of [`crate::kind`].

use crate::accounts::Account;
use crate::error::{Context, DeployError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
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

pub(crate) fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The name of a role or user from its ARN (without its path).
pub(crate) fn iam_name(arn: &str) -> String {
    policy_core::Principal::parse(arn).map_or_else(|_| arn.to_owned(), |p| p.name.into_owned())
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
pub(crate) use every_page;

/// The ARNs of a page of attached managed policies.
fn attached_arns(
    attached: Option<Vec<aws_sdk_iam::types::AttachedPolicy>>,
) -> impl Iterator<Item = String> {
    attached
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
}

pub(crate) fn is_code<E: ProvideErrorMetadata>(error: &E, codes: &[&str]) -> bool {
    error.code().is_some_and(|c| codes.contains(&c))
}

/// A read's answer, or `None` when AWS answers with one of the `absent` codes (what was asked
/// for is not there); any other failure names the account, the resource and the operation.
pub(crate) fn unless_absent<T, E>(
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
pub(crate) fn done_unless<T, E>(
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
    pub(crate) async fn read(
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
    pub(crate) async fn write(
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

    /// The shape of a read: its place, its count, then `send` (an SDK call, which does nothing
    /// until awaited); `None` when AWS answers with one of the `absent` codes.
    pub(crate) async fn read_call<T, E>(
        &self,
        account: &str,
        operation: &'static str,
        resource: &str,
        absent: &[&str],
        send: impl std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<Option<T>, DeployError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.read(account, operation, resource).await;
        unless_absent(send.await, Self::ctx(account, resource, operation), absent)
    }

    /// The shape of a write: its place, its count (and the test hook), then `send`; an answer
    /// with one of the `done` codes means it is done already.
    pub(crate) async fn write_call<T, E>(
        &self,
        context: Context,
        done: &[&str],
        send: impl std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<(), DeployError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.write(&context).await?;
        done_unless(send.await, context, done)
    }

    pub(crate) fn ctx(account: &str, resource: &str, operation: &'static str) -> Context {
        Context {
            account: account.to_owned(),
            resource: resource.to_owned(),
            operation,
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
}
