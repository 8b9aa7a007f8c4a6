//! Credentials per account, the identity guard, and the service clients built from them.

use crate::error::{error_parts, DeployError};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_iam::config::retry::RetryPartition;
use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to reach one account: `--account ID=profile:NAME` or `--account ID=role:ARN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    Profile(String),
    Role(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSpec {
    pub account: String,
    pub credentials: Credentials,
}

impl std::str::FromStr for AccountSpec {
    type Err = DeployError;

    fn from_str(spec: &str) -> Result<Self, DeployError> {
        let bad = |reason: &str| DeployError::AccountSpec {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let (account, how) = spec.split_once('=').ok_or_else(|| bad("missing `=`"))?;
        policy_core::AccountId::parse(account).map_err(|p| bad(&p.message))?;
        let credentials = match how.split_once(':') {
            Some(("profile", name)) if !name.is_empty() => Credentials::Profile(name.to_owned()),
            Some(("role", arn)) => {
                let role = policy_core::Principal::parse(arn).map_err(|p| bad(&p.message))?;
                if role.kind != policy_core::PrincipalKind::Role || role.account.as_str() != account
                {
                    return Err(bad(&format!("`{arn}` is not a role in account {account}")));
                }
                Credentials::Role(arn.to_owned())
            }
            _ => return Err(bad("expected `profile:NAME` or `role:ARN` after `=`")),
        };
        Ok(AccountSpec {
            account: account.to_owned(),
            credentials,
        })
    }
}

/// One account's configuration, its identity already checked.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    /// The identity the credentials are (`sts:GetCallerIdentity`'s ARN): a deploying identity.
    pub caller: String,
    config: SdkConfig,
    /// Names the retry state of this account's clients (see [`Account::retries`]).
    retry_scope: String,
    clients: ClientCache,
}

/// The service clients of an account built so far, one per service and region, shared by every
/// call: a client is cheap to clone and costly to build (its configuration, runtime plugins and
/// endpoint resolver are assembled anew), and a plan makes thousands of calls.
#[derive(Clone, Default)]
struct ClientCache(Arc<Mutex<HashMap<ClientKey, Box<dyn Any + Send + Sync>>>>);

/// A service and a region.
type ClientKey = (&'static str, String);

impl std::fmt::Debug for ClientCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientCache")
    }
}

impl ClientCache {
    /// The client of `service` in `region`, built by `build` the first time.
    fn get<C: Clone + Send + Sync + 'static>(
        &self,
        service: &'static str,
        region: &str,
        build: impl Fn() -> C,
    ) -> C {
        let mut clients = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let client = clients
            .entry((service, region.to_owned()))
            .or_insert_with(|| Box::new(build()));
        // One type per service: the downcast cannot fail; if it did, a new client is as good.
        client.downcast_ref::<C>().cloned().unwrap_or_else(build)
    }
}

/// Numbers the connections of this process, for [`Account::retry_scope`].
static CONNECTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Account {
    /// The SDK keeps its retry quota and its adaptive rate limiter per retry partition for the
    /// whole process, by default one per service and region: throttling by one account would
    /// then slow every account's calls, and a later session would inherit an earlier one's
    /// slowdown. AWS throttles per account ("IAM and AWS STS quotas"), so each account of each
    /// connection has its own.
    fn retries(&self, service: &str, region: &str) -> RetryPartition {
        RetryPartition::new(format!("{}-{service}-{region}", self.retry_scope))
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        let region = self.config.region().map_or("global", |r| r.as_ref());
        self.clients.get("iam", region, || {
            let builder = aws_sdk_iam::config::Builder::from(&self.config)
                .retry_partition(self.retries("iam", region));
            aws_sdk_iam::Client::from_conf(builder.build())
        })
    }

    pub fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        self.clients.get("cloudtrail", region, || {
            let builder = aws_sdk_cloudtrail::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .retry_partition(self.retries("cloudtrail", region));
            aws_sdk_cloudtrail::Client::from_conf(builder.build())
        })
    }

    pub fn ssm(&self, region: &str) -> aws_sdk_ssm::Client {
        self.clients.get("ssm", region, || {
            let builder = aws_sdk_ssm::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .retry_partition(self.retries("ssm", region));
            aws_sdk_ssm::Client::from_conf(builder.build())
        })
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        self.clients.get("s3", region, || {
            let mut builder = aws_sdk_s3::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .retry_partition(self.retries("s3", region));
            if self.config.endpoint_url().is_some() {
                // A custom endpoint (the emulator) serves buckets by path, not by virtual host.
                builder = builder.force_path_style(true);
            }
            aws_sdk_s3::Client::from_conf(builder.build())
        })
    }

    pub fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        self.clients.get("kms", region, || {
            let builder = aws_sdk_kms::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .retry_partition(self.retries("kms", region));
            aws_sdk_kms::Client::from_conf(builder.build())
        })
    }

    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        self.clients.get("s3control", region, || {
            let mut builder = aws_sdk_s3control::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .retry_partition(self.retries("s3control", region));
            if let Some(url) = self.config.endpoint_url() {
                // S3 Control's endpoint rules put the account id in front of the host
                // (`123456789012.localhost`), which a local endpoint cannot resolve. With an explicit
                // endpoint the caller has chosen the host already: use it as given. Against real AWS
                // (no endpoint override) the SDK's own rules apply unchanged.
                builder = builder.endpoint_resolver(FixedEndpoint(url.to_owned()));
            }
            aws_sdk_s3control::Client::from_conf(builder.build())
        })
    }
}

#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        let endpoint = aws_smithy_types::endpoint::Endpoint::builder()
            .url(self.0.clone())
            .build();
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(endpoint))
    }
}

/// How long one attempt of an AWS call may take by default; AWS's control planes answer within
/// seconds, and a call that gets no answer must not hang a plan or an apply.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// `timeout` for each attempt, three attempts' worth (the SDK's standard retries) for a whole
/// operation, five seconds to connect.
fn timeouts(timeout: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .operation_attempt_timeout(timeout)
        .operation_timeout(timeout * 3)
        .build()
}

/// The SDK's adaptive retries: on throttling (IAM throttles per account) it slows its own rate of
/// requests instead of retrying at full speed ("Retry behavior", AWS SDKs and Tools reference).
fn retries() -> aws_config::retry::RetryConfig {
    aws_config::retry::RetryConfig::adaptive()
}

/// An endpoint override (`AWS_ENDPOINT_URL`) must be an http(s) URL with a host: otherwise every
/// call fails with the SDK's dump of the request.
fn check_endpoint(url: &str) -> Result<(), DeployError> {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|rest| rest.split(['/', '?']).next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(DeployError::Endpoint {
            url: url.to_owned(),
        }),
    }
}

/// The SDK's default HTTPS client (rustls with aws-lc, the proxy from the environment), made once
/// for every service client of a connection. Without it each client the SDK builds makes its
/// own: its own connection pool, and the system's root certificates read and parsed again (the
/// top of a 50-grant plan's CPU profile).
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::{proxy::ProxyConfig, tls, Builder, Connector};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = Connector::builder().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// The standard credential chain and region (us-east-1 when none is set), with the timeouts,
/// one HTTP client, and a checked endpoint override.
async fn base_config(timeout: Duration) -> Result<SdkConfig, DeployError> {
    let base = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .timeout_config(timeouts(timeout))
        .retry_config(retries())
        .load()
        .await;
    let base = if base.region().is_none() {
        base.into_builder()
            .region(Region::from_static("us-east-1"))
            .build()
    } else {
        base
    };
    // aws-config leaves out an override it cannot use, but the clients still read it.
    let from_env = std::env::var("AWS_ENDPOINT_URL").ok();
    if let Some(url) = base.endpoint_url().or(from_env.as_deref()) {
        check_endpoint(url)?;
    }
    Ok(base)
}

/// The configuration for `credentials` (the base identity when `None`); the error says why a
/// profile gives none.
async fn config_for(
    base: &SdkConfig,
    credentials: Option<&Credentials>,
    timeout: Duration,
) -> Result<SdkConfig, String> {
    Ok(match credentials {
        None => base.clone(),
        Some(Credentials::Profile(name)) => {
            // The profile's credentials only: the default chain would read the environment
            // (AWS_ACCESS_KEY_ID) first and silently use another identity.
            let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
                .profile_name(name)
                .build();
            // Asked once here, so that a missing or broken profile is named as such.
            if let Err(e) = credentials.provide_credentials().await {
                let why = match e {
                    CredentialsError::CredentialsNotLoaded(_) => "it is not defined in the AWS config and credentials files, or defines no credentials".to_owned(),
                    other => aws_smithy_types::error::display::DisplayErrorContext(&other).to_string(),
                };
                return Err(format!("profile `{name}` gives no credentials: {why}"));
            }
            let mut loaded = aws_config::defaults(BehaviorVersion::latest()).profile_name(name);
            if let Some(client) = base.http_client() {
                loaded = loaded.http_client(client);
            }
            let loaded = loaded
                .credentials_provider(credentials)
                .timeout_config(timeouts(timeout))
                .retry_config(retries())
                .load()
                .await;
            if loaded.region().is_none() {
                loaded.into_builder().region(base.region().cloned()).build()
            } else {
                loaded
            }
        }
        Some(Credentials::Role(arn)) => {
            let provider = aws_config::sts::AssumeRoleProvider::builder(arn.clone())
                .session_name("xacct-deploy")
                .configure(base)
                .build()
                .await;
            base.clone()
                .into_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build()
        }
    })
}

/// Credentials for reading the organization: `--organization profile:NAME|role:ARN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationSpec(pub Credentials);

impl std::str::FromStr for OrganizationSpec {
    type Err = DeployError;

    fn from_str(spec: &str) -> Result<Self, DeployError> {
        let bad = |reason: String| {
            DeployError::Argument {
            argument: format!("--organization {spec}"),
            reason,
            help: "give the management account's (or a delegated administrator's) credentials: `profile:NAME` or `role:ARN`",
        }
        };
        match spec.split_once(':') {
            Some(("profile", name)) if !name.is_empty() => {
                Ok(OrganizationSpec(Credentials::Profile(name.to_owned())))
            }
            Some(("role", arn)) => {
                let role = policy_core::Principal::parse(arn).map_err(|p| bad(p.message))?;
                if role.kind != policy_core::PrincipalKind::Role {
                    return Err(bad(format!("`{arn}` is not a role")));
                }
                Ok(OrganizationSpec(Credentials::Role(arn.to_owned())))
            }
            _ => Err(bad("expected `profile:NAME` or `role:ARN`".to_owned())),
        }
    }
}

/// The configuration for reading the organization, in us-east-1 where Organizations answers.
pub async fn organization_config(
    spec: &OrganizationSpec,
    timeout: Duration,
) -> Result<SdkConfig, DeployError> {
    let base = base_config(timeout).await?;
    let config = config_for(&base, Some(&spec.0), timeout)
        .await
        .map_err(|message| DeployError::Argument {
            argument: "--organization".to_owned(),
            reason: message,
            help: "give the management account's (or a delegated administrator's) credentials: `profile:NAME` or `role:ARN`",
        })?;
    Ok(config
        .into_builder()
        .region(Region::from_static("us-east-1"))
        .build())
}

/// Loads credentials for every account the deployment writes to and checks, with
/// `sts:GetCallerIdentity`, that each really is that account. Nothing is read or written before
/// every account has passed.
pub async fn connect(
    accounts: &[&str],
    specs: &[AccountSpec],
    timeout: Duration,
) -> Result<BTreeMap<String, Account>, DeployError> {
    for (i, spec) in specs.iter().enumerate() {
        if specs[..i].iter().any(|s| s.account == spec.account) {
            return Err(DeployError::AccountSpec {
                spec: format!("{}=...", spec.account),
                reason: format!("account {} is given more than once", spec.account),
            });
        }
    }
    // Accounts no grant names any more may still hold the deployment's resources: an explicit
    // `--account` for one of them is how its access gets revoked.
    let mut accounts: Vec<&str> = accounts.to_vec();
    accounts.extend(specs.iter().map(|s| s.account.as_str()));
    accounts.sort_unstable();
    accounts.dedup();
    let base = base_config(timeout).await?;
    let connection = CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Every account at once (an AssumeRole and a GetCallerIdentity each); the first failure in
    // account order is the one reported, whichever answered first.
    let (base, timeout) = (&base, timeout);
    let connected = futures::future::join_all(accounts.iter().map(|account| async move {
        let credentials = specs
            .iter()
            .find(|s| s.account == *account)
            .map(|s| &s.credentials);
        let config = config_for(base, credentials, timeout)
            .await
            .map_err(|message| DeployError::Credentials {
                account: (*account).to_owned(),
                message,
            })?;
        let identity = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let (code, message) = error_parts(&e);
                let how = match specs.iter().find(|s| s.account == *account) {
                    Some(AccountSpec {
                        credentials: Credentials::Profile(name),
                        ..
                    }) => format!(" with profile `{name}`"),
                    Some(AccountSpec {
                        credentials: Credentials::Role(arn),
                        ..
                    }) => format!(" assuming {arn}"),
                    None => " with the default credential chain".to_owned(),
                };
                DeployError::Credentials {
                    account: (*account).to_owned(),
                    message: format!("sts:GetCallerIdentity{how} failed: {code}: {message}"),
                }
            })?;
        let actual = identity.account().unwrap_or_default();
        if actual != *account {
            return Err(DeployError::WrongAccount {
                expected: (*account).to_owned(),
                actual: actual.to_owned(),
                arn: identity.arn().unwrap_or_default().to_owned(),
            });
        }
        Ok(Account {
            id: (*account).to_owned(),
            caller: identity.arn().unwrap_or_default().to_owned(),
            config,
            retry_scope: format!("xacct-{connection}-{account}"),
            clients: ClientCache::default(),
        })
    }))
    .await;
    let mut out = BTreeMap::new();
    for (account, connected) in accounts.iter().zip(connected) {
        out.insert((*account).to_owned(), connected?);
    }
    Ok(out)
}
