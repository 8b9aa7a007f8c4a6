//! The organization's service and resource control policies for the accounts of a deployment,
//! read with the credentials of its management account or a delegated administrator
//! (`--organization`). What `explain` and `verify` say always includes whether they were read.

use crate::error::error_parts;
use aws_sdk_organizations::types::{ParentType, PolicyType, PolicyTypeStatus};
use aws_sdk_organizations::Client;
use policy_core::eval::{ControlKind, ControlPolicy, Level, Organization, Policy};
use std::collections::HashMap;

/// Whether the organization's guardrails are part of the decisions.
#[derive(Clone, Debug)]
pub enum Guardrails {
    /// No `--organization` was given.
    NotAsked,
    /// Read for every account of the deployment.
    Read(Organization),
    /// Asked for, but they could not be read: why.
    Unreadable(String),
}

impl Guardrails {
    /// The organization to evaluate with, when read.
    pub fn organization(&self) -> Option<&Organization> {
        match self {
            Guardrails::Read(org) => Some(org),
            _ => None,
        }
    }

    /// One line for the output: what was, or was not, taken into account.
    pub fn note(&self) -> String {
        match self {
            Guardrails::NotAsked => "note: the organization's service and resource control policies were not consulted; pass `--organization profile:NAME|role:ARN` (the management account or a delegated administrator) to include them".to_owned(),
            Guardrails::Read(org) => format!(
                "the service and resource control policies of organization {} were consulted (management account {}, {} member account(s) of this deployment)",
                org.id,
                org.management_account,
                org.members().count()
            ),
            Guardrails::Unreadable(why) => format!(
                "warning: the organization's service and resource control policies could not be read, so they are not part of this answer: {why}"
            ),
        }
    }
}

/// Reads the organization with `config` and, for each of `accounts` that is a member, the SCPs
/// and RCPs attached at every level from the root down to it. Accounts outside the organization
/// are left out (no guardrail limits them), as is the management account (none limits it).
pub async fn read(config: &aws_config::SdkConfig, accounts: &[&str]) -> Guardrails {
    match read_organization(&Client::new(config), accounts).await {
        Ok(org) => Guardrails::Read(org),
        Err(why) => Guardrails::Unreadable(why),
    }
}

/// `organizations:<operation> failed: <code>: <message>`.
fn failed<E>(
    operation: &str,
    error: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::http::Response,
    >,
) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message) = error_parts(error);
    format!("organizations:{operation} failed: {code}: {message}")
}

async fn read_organization(client: &Client, accounts: &[&str]) -> Result<Organization, String> {
    let described = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| failed("DescribeOrganization", &e))?;
    let info = described
        .organization()
        .ok_or("organizations:DescribeOrganization returned no organization")?;
    let mut org = Organization::new(
        info.id().unwrap_or_default(),
        info.master_account_id().unwrap_or_default(),
    );
    // A policy type applies only where it is enabled on the root.
    let roots = client
        .list_roots()
        .send()
        .await
        .map_err(|e| failed("ListRoots", &e))?;
    let enabled: Vec<ControlKind> = [ControlKind::Service, ControlKind::Resource]
        .into_iter()
        .filter(|kind| {
            roots.roots().iter().any(|root| {
                root.policy_types().iter().any(|t| {
                    t.r#type() == Some(&policy_type(*kind))
                        && t.status() == Some(&PolicyTypeStatus::Enabled)
                })
            })
        })
        .collect();
    org.enabled = enabled.clone();
    let mut known: HashMap<String, usize> = HashMap::new();
    for account in accounts {
        if *account == org.management_account {
            continue;
        }
        let Some(path) = path_to_root(client, account).await? else {
            continue;
        };
        let mut levels = Vec::new();
        for target in path.iter().rev() {
            let mut level = Level {
                target: target.clone(),
                policies: Vec::new(),
            };
            for kind in &enabled {
                for (id, name) in attached(client, target, *kind).await? {
                    let index = match known.get(&id) {
                        Some(index) => *index,
                        None => {
                            let policy = describe(client, &id, &name, *kind).await?;
                            let index = org.add_policy(policy);
                            known.insert(id, index);
                            index
                        }
                    };
                    level.policies.push(index);
                }
            }
            levels.push(level);
        }
        org.add_member(account, levels);
    }
    Ok(org)
}

/// The API's policy type: the SDK's enum from the name the model gives.
fn policy_type(kind: ControlKind) -> PolicyType {
    PolicyType::from(kind.policy_type())
}

/// The account and its parents up to the root (account first); `None` when the account is not
/// in the organization.
async fn path_to_root(client: &Client, account: &str) -> Result<Option<Vec<String>>, String> {
    let mut path = vec![account.to_owned()];
    loop {
        let child = path.last().cloned().unwrap_or_default();
        let parents = match client.list_parents().child_id(&child).send().await {
            Ok(parents) => parents,
            Err(e) if child == account && is_not_member(&e) => return Ok(None),
            Err(e) => return Err(failed("ListParents", &e)),
        };
        let Some(parent) = parents.parents().first() else {
            return Err(format!(
                "organizations:ListParents gave no parent for {child}"
            ));
        };
        path.push(parent.id().unwrap_or_default().to_owned());
        if parent.r#type() == Some(&ParentType::Root) {
            return Ok(Some(path));
        }
        if path.len() > 7 {
            // The root, five levels of OUs and the account: Organizations allows no deeper tree.
            return Err(format!(
                "the path from {account} to the root is longer than Organizations allows"
            ));
        }
    }
}

fn is_not_member<E>(
    error: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::http::Response,
    >,
) -> bool
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    matches!(
        error_parts(error).0.as_str(),
        "ChildNotFoundException" | "AccountNotFoundException"
    )
}

/// The ids and names of the `kind` policies attached directly to `target`.
async fn attached(
    client: &Client,
    target: &str,
    kind: ControlKind,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_policies_for_target()
            .target_id(target)
            .filter(policy_type(kind))
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| failed("ListPoliciesForTarget", &e))?;
        out.extend(page.policies().iter().map(|p| {
            (
                p.id().unwrap_or_default().to_owned(),
                p.name().unwrap_or_default().to_owned(),
            )
        }));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

async fn describe(
    client: &Client,
    id: &str,
    name: &str,
    kind: ControlKind,
) -> Result<ControlPolicy, String> {
    let described = client
        .describe_policy()
        .policy_id(id)
        .send()
        .await
        .map_err(|e| failed("DescribePolicy", &e))?;
    let content = described
        .policy()
        .and_then(|p| p.content())
        .ok_or_else(|| format!("organizations:DescribePolicy gave no content for {id}"))?;
    let policy = Policy::parse(content).map_err(|p| {
        format!(
            "the {} {id} ({name}) cannot be read: {}",
            kind.describe(),
            p.message
        )
    })?;
    Ok(ControlPolicy {
        id: id.to_owned(),
        name: name.to_owned(),
        kind,
        policy,
    })
}
