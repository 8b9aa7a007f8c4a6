//! The least-privilege IAM policy the deploying identity needs in each account (the
//! `deployer-policy` command): every AWS call `aws` makes, on exactly the resources the
//! deployment's documents and record name. Pure: no AWS call.
//!
//! Resource types per action follow the Service Authorization Reference (the vendored extract
//! for IAM, S3 and KMS; "Actions, resources, and condition keys for AWS Systems Manager" for
//! SSM, whose `DescribeParameters` supports no resource-level permission and so takes `*`).
//! `sts:GetCallerIdentity`, the identity check, needs no permission ("GetCallerIdentity", STS
//! API reference).

use policy_core::ownership::record_path;
use policy_core::{Deployment, DocumentKind, POLICY_VERSION};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What the tool does to a role it creates: read, create with its owner tag, tag on adoption,
/// write its trust, list what is attached before deleting it, delete it.
pub const CREATED_ROLE: &[&str] = &[
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:TagRole",
    "iam:UpdateAssumeRolePolicy",
];

/// Its own inline policy on a role (the bridge roles and the requesters), and for `verify` the
/// role's other policies and permissions boundary.
pub const ROLE_INLINE_POLICY: &[&str] = &[
    "iam:DeleteRolePolicy",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:PutRolePolicy",
];

/// Its own inline policy on a user, and for `verify` the user's other policies and boundary.
pub const USER_INLINE_POLICY: &[&str] = &[
    "iam:DeleteUserPolicy",
    "iam:GetUser",
    "iam:GetUserPolicy",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupsForUser",
    "iam:ListUserPolicies",
    "iam:PutUserPolicy",
];

/// For `verify`: the policies of the groups those users belong to.
pub const GROUPS: &[&str] = &[
    "iam:GetGroupPolicy",
    "iam:ListAttachedGroupPolicies",
    "iam:ListGroupPolicies",
];

/// For `verify`: the documents of the managed policies attached to those roles and users, or
/// set as their boundaries (the account's own and AWS's).
pub const MANAGED_POLICIES: &[&str] = &["iam:GetPolicy", "iam:GetPolicyVersion"];

/// An access point and its policy.
pub const ACCESS_POINT: &[&str] = &[
    "s3:CreateAccessPoint",
    "s3:DeleteAccessPoint",
    "s3:DeleteAccessPointPolicy",
    "s3:GetAccessPoint",
    "s3:GetAccessPointPolicy",
    "s3:PutAccessPointPolicy",
];

/// A bucket's policy, shared statement by statement; for `plan` and `verify`, the bucket's
/// default encryption, Object Ownership and Block Public Access (its own and its account's).
pub const BUCKET_POLICY: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
    "s3:PutBucketPolicy",
];

/// A key's policy, shared statement by statement.
pub const KEY_POLICY: &[&str] = &["kms:GetKeyPolicy", "kms:PutKeyPolicy"];

/// The record's parameters: values, history (the proof of creation), writes.
pub const RECORD: &[&str] = &[
    "ssm:DeleteParameter",
    "ssm:GetParameterHistory",
    "ssm:GetParameters",
    "ssm:PutParameter",
];

/// Listing the record's parameter names: no resource-level permission exists for it, so it is
/// given `*` with the other such actions.
pub const RECORD_LIST: &[&str] = &["ssm:DescribeParameters"];

/// For `audit`: CloudTrail's event history, which supports no resource-level permission
/// ("Actions, resources, and condition keys for AWS CloudTrail"), and the reports of IAM's last
/// accessed information, asked for by job id.
pub const AUDIT_UNSCOPED: &[&str] = &[
    "cloudtrail:LookupEvents",
    "iam:GetServiceLastAccessedDetails",
];

/// For `audit`: a last accessed report on each bridge role and requester.
pub const AUDIT_ENTITY: &str = "iam:GenerateServiceLastAccessedDetails";

/// The actions a document of `kind` needs on its target.
fn actions(kind: DocumentKind) -> &'static [&'static str] {
    match kind {
        DocumentKind::Role | DocumentKind::RoleTrustPolicy => CREATED_ROLE,
        DocumentKind::RoleInlinePolicy => ROLE_INLINE_POLICY,
        DocumentKind::UserInlinePolicy => USER_INLINE_POLICY,
        DocumentKind::AccessPoint | DocumentKind::AccessPointPolicy => ACCESS_POINT,
        DocumentKind::BucketPolicy => BUCKET_POLICY,
        DocumentKind::KeyPolicy => KEY_POLICY,
    }
}

/// Whether IAM scopes `action` to resources: an action the Service Authorization Reference lists
/// with no resource type (`s3:GetAccessPoint`) must be given `*`. SSM is not in the vendored
/// extract; its actions here all take the parameter.
fn takes_resources(action: &str) -> bool {
    let Some((prefix, name)) = action.split_once(':') else {
        return true;
    };
    policy_core::service_reference::service(prefix)
        .and_then(|s| s.action(name))
        .is_none_or(|a| !a.resource_types.is_empty())
}

/// The ARN of the record's parameters in `account`: `parameter/` and the path without its
/// leading slash.
pub fn record_arn(deployment: &Deployment, account: &str) -> String {
    let partition = crate::live::partition(deployment);
    format!(
        "arn:{partition}:ssm:{}:{account}:parameter{}*",
        partition.home_region(),
        record_path(&deployment.name)
    )
}

/// One policy per account the deployment writes to, by account id. Statements with the same
/// actions are joined; resources are listed exactly (roles with their path, access points,
/// buckets and keys by ARN, the record by its path). A grant removed from the code leaves
/// resources that apply must still remove: keep the previous policy until that apply is done.
pub fn deployer_policies(deployment: &Deployment) -> BTreeMap<String, Value> {
    let mut by_account: BTreeMap<String, BTreeMap<&'static [&'static str], Vec<String>>> =
        BTreeMap::new();
    for doc in deployment.documents() {
        let resources = by_account
            .entry(doc.account.to_string())
            .or_default()
            .entry(actions(doc.kind))
            .or_default();
        if !resources.contains(&doc.target.to_string()) {
            resources.push(doc.target.to_string());
        }
    }
    by_account
        .into_iter()
        .map(|(account, groups)| {
            let mut statements = vec![statement(
                "Record",
                RECORD,
                &[record_arn(deployment, &account)],
            )];
            let mut unscoped: Vec<&str> = RECORD_LIST.to_vec();
            unscoped.extend(AUDIT_UNSCOPED);
            let mut entities: Vec<String> = deployment
                .grants()
                .iter()
                .filter_map(crate::audit::entity_of)
                .filter(|e| policy_core::RawArn::split(e).is_ok_and(|a| a.account == account))
                .collect();
            entities.sort();
            entities.dedup();
            if !entities.is_empty() {
                statements.push(statement("AuditLastAccessed", &[AUDIT_ENTITY], &entities));
            }
            let identities = [ROLE_INLINE_POLICY, USER_INLINE_POLICY];
            let partition = crate::live::partition(deployment);
            if groups.contains_key(USER_INLINE_POLICY) {
                statements.push(statement(
                    "GroupsOfUsers",
                    GROUPS,
                    &[format!("arn:{partition}:iam::{account}:group/*")],
                ));
            }
            if groups.keys().any(|actions| identities.contains(actions)) {
                statements.push(statement(
                    "ManagedPolicies",
                    MANAGED_POLICIES,
                    &[
                        format!("arn:{partition}:iam::{account}:policy/*"),
                        format!("arn:{partition}:iam::aws:policy/*"),
                    ],
                ));
            }
            for (actions, mut resources) in groups {
                resources.sort();
                let scoped: Vec<&str> = actions
                    .iter()
                    .copied()
                    .filter(|a| takes_resources(a))
                    .collect();
                unscoped.extend(actions.iter().copied().filter(|a| !takes_resources(a)));
                statements.push(statement(sid(actions), &scoped, &resources));
            }
            unscoped.sort_unstable();
            unscoped.dedup();
            statements.push(statement(
                "NoResourceLevelPermission",
                &unscoped,
                &["*".to_owned()],
            ));
            (
                account,
                json!({ "Version": POLICY_VERSION, "Statement": statements }),
            )
        })
        .collect()
}

/// The requests a logged call makes of IAM's authorization, as (action, resource ARN): SSM
/// parameter names as their ARNs (`GetParameters` once per name), `DescribeParameters` on `*`.
pub fn requests(deployment: &Deployment, call: &crate::Call) -> Vec<(&'static str, String)> {
    if !call.operation.starts_with("ssm:") {
        return vec![(call.operation, call.resource.clone())];
    }
    if call.operation == "ssm:DescribeParameters" {
        return vec![(call.operation, "*".to_owned())];
    }
    let partition = crate::live::partition(deployment);
    call.resource
        .split(',')
        .map(|name| {
            (
                call.operation,
                format!(
                    "arn:{partition}:ssm:{}:{}:parameter{name}",
                    partition.home_region(),
                    call.account
                ),
            )
        })
        .collect()
}

fn sid(actions: &[&str]) -> &'static str {
    match actions.first().copied() {
        Some("iam:CreateRole") => "CreatedRoles",
        Some("iam:DeleteRolePolicy") => "RoleInlinePolicies",
        Some("iam:DeleteUserPolicy") => "UserInlinePolicies",
        Some("s3:CreateAccessPoint") => "AccessPoints",
        Some("s3:DeleteBucketPolicy") => "BucketPolicies",
        _ => "KeyPolicies",
    }
}

fn statement(sid: &str, actions: &[&str], resources: &[String]) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::service_reference;

    /// Every IAM, S3 and KMS action is in the vendored reference, and the resource it is given
    /// is one of its resource types, or `*` when it has none (a misspelt action, or one scoped
    /// to a resource IAM does not check it against, would silently grant nothing).
    #[test]
    fn every_action_exists_and_takes_the_resource_it_is_given() {
        for (actions, resource_type) in [
            (CREATED_ROLE, "role"),
            (ROLE_INLINE_POLICY, "role"),
            (USER_INLINE_POLICY, "user"),
            (ACCESS_POINT, "accesspoint"),
            (BUCKET_POLICY, "bucket"),
            (KEY_POLICY, "key"),
        ] {
            for action in actions {
                let (prefix, name) = action.split_once(':').unwrap();
                let found = service_reference::service(prefix)
                    .and_then(|s| s.action(name))
                    .unwrap_or_else(|| panic!("{action} is not in the service reference"));
                assert!(
                    found.has_resource_type(resource_type) || found.resource_types.is_empty(),
                    "{action} takes no `{resource_type}` resource"
                );
            }
        }
    }

    #[test]
    fn an_action_without_resource_types_is_given_star_and_the_rest_their_resources() {
        assert!(!takes_resources("s3:GetAccessPoint"));
        assert!(takes_resources("s3:CreateAccessPoint"));
        assert!(takes_resources("ssm:PutParameter"));
    }
}
