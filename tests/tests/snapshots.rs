//! The documents each example renders, as reviewed snapshots, plus the properties every rendered
//! document must have whatever the grants.

use policy_core::{Deployment, DocumentKind};

// The examples name the macro `xacct::grants!`; here, without the SDK that `xacct` brings, that
// path is the macro itself, which expands to `::policy_core` paths this crate has.
extern crate policy_macros as xacct;

// The examples' grants, compiled here as well: this crate stays free of the AWS SDK, which the
// examples' binaries (and trybuild's copy of this crate's dependencies) would otherwise pull in.
#[path = "../../examples/cross-account-access-point/src/lib.rs"]
mod cross_account_access_point;
#[path = "../../examples/data-lake/src/lib.rs"]
mod data_lake;
#[path = "../../examples/direct-grant/src/lib.rs"]
mod direct_grant;
#[path = "../../examples/encrypted-lake/src/lib.rs"]
mod encrypted_lake;
#[path = "../../examples/lambda-requester/src/lib.rs"]
mod lambda_requester;
#[path = "../../examples/multi-access-point/src/lib.rs"]
mod multi_access_point;
#[path = "../../examples/organization-share/src/lib.rs"]
mod organization_share;
#[path = "../../examples/private-network/src/lib.rs"]
mod private_network;
#[path = "../../examples/shared-data/src/lib.rs"]
mod shared_data;
#[path = "../../examples/temporary-audit/src/lib.rs"]
mod temporary_audit;
use serde_json::Value;

fn examples() -> [(&'static str, &'static Deployment); 10] {
    [
        ("shared-data", &shared_data::SHARING),
        ("data-lake", &data_lake::DATA_LAKE),
        ("lambda-requester", &lambda_requester::INVOICES),
        ("multi-access-point", &multi_access_point::REPORTING),
        ("direct-grant", &direct_grant::PARTNER_UPLOADS),
        (
            "cross-account-access-point",
            &cross_account_access_point::ARCHIVE,
        ),
        ("private-network", &private_network::PRIVATE_LAKE),
        ("temporary-audit", &temporary_audit::LEDGER_AUDIT),
        ("organization-share", &organization_share::ORG_LAKE),
        ("encrypted-lake", &encrypted_lake::ENCRYPTED_LAKE),
    ]
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[test]
fn rendered_documents_match_their_snapshots() {
    for (name, deployment) in examples() {
        insta::assert_json_snapshot!(name, parse(deployment.render_json()));
    }
}

#[test]
fn every_policy_has_the_current_version_and_no_action_wildcard() {
    for (name, deployment) in examples() {
        for doc in deployment.documents() {
            let Some(policy) = &doc.policy else { continue };
            let policy = parse(policy);
            assert_eq!(policy["Version"], "2012-10-17", "{name}: {}", doc.target);
            for statement in policy["Statement"].as_array().into_iter().flatten() {
                let actions = match &statement["Action"] {
                    Value::Array(a) => a.clone(),
                    one => vec![one.clone()],
                };
                for action in actions {
                    assert!(
                        !action.as_str().unwrap_or("*").contains(['*', '?']),
                        "{name}: {action} in {}",
                        doc.target
                    );
                }
                assert!(statement["Sid"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(&deployment.sid_prefix())));
            }
        }
    }
}

#[test]
fn bucket_policies_delegate_to_exactly_their_access_point() {
    for (name, deployment) in examples() {
        for doc in deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::BucketPolicy)
        {
            let policy = parse(doc.policy.as_deref().unwrap_or_default());
            for statement in policy["Statement"].as_array().into_iter().flatten() {
                let ap = statement["Condition"]["StringEquals"]["s3:DataAccessPointArn"].as_str();
                let served_by = deployment
                    .grants()
                    .iter()
                    .find(|g| doc.grants.contains(&g.name))
                    .map(|g| g.access_point.arn());
                assert!(
                    ap.is_some()
                        && deployment
                            .grants()
                            .iter()
                            .any(|g| Some(g.access_point.arn().as_str()) == ap),
                    "{name}: {statement}"
                );
                assert!(served_by.is_some());
                // A principal, or everyone in one organization.
                let organization = statement["Condition"]["StringEquals"]["aws:PrincipalOrgID"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("o-"));
                assert!(
                    !statement["Principal"].to_string().contains('*') || organization,
                    "{name}: delegation names its principal or its organization: {statement}"
                );
            }
        }
    }
}

#[test]
fn a_bucket_in_a_third_account_gets_its_delegation_there() {
    let archive = &cross_account_access_point::ARCHIVE;
    let bucket = archive
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::BucketPolicy)
        .map(|d| d.account.as_ref());
    let access_point = archive
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::AccessPoint);
    assert_eq!(bucket, Some("333333333333"));
    assert_eq!(
        access_point.map(|d| d.account.as_ref()),
        Some("222222222222")
    );
    assert_eq!(
        access_point.and_then(|d| d.bucket_account.as_deref()),
        Some("333333333333")
    );
}

#[test]
fn a_direct_grant_has_no_bridge_role() {
    let direct = &direct_grant::PARTNER_UPLOADS;
    assert!(direct
        .documents()
        .iter()
        .all(|d| d.kind != DocumentKind::Role && d.kind != DocumentKind::RoleTrustPolicy));
    let user_policy = direct
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::UserInlinePolicy)
        .and_then(|d| d.policy.as_deref());
    assert!(user_policy
        .is_some_and(|p| p.contains("s3:PutObject") && p.contains("aws:MultiFactorAuthPresent")));
}

#[test]
fn grants_on_one_role_or_access_point_become_one_document() {
    let reporting = &multi_access_point::REPORTING;
    let count = |kind: DocumentKind, target: &str| {
        reporting
            .documents()
            .iter()
            .filter(|d| d.kind == kind && d.target == target)
            .count()
    };
    let bridge = "arn:aws:iam::222222222222:role/reporting-reader";
    assert_eq!(count(DocumentKind::RoleTrustPolicy, bridge), 1);
    assert_eq!(count(DocumentKind::RoleInlinePolicy, bridge), 1);
    assert_eq!(
        count(
            DocumentKind::RoleInlinePolicy,
            "arn:aws:iam::111111111111:role/reporting"
        ),
        1
    );
}

/// The grants `grants!` wrote into each static are the values the run-time checks give: each
/// ARN parses back to itself, each action is its table's entry, and building the deployment
/// again from them at run time gives the same documents.
#[test]
fn every_emitted_grant_is_what_the_run_time_checks_give() {
    use policy_core::kms::KmsKey;
    use policy_core::{service_reference, AccessPointArn, AccountId, Principal, Requester};
    for (name, deployment) in examples() {
        assert!(!deployment.grants().is_empty(), "{name}");
        for g in deployment.grants() {
            let at = format!("{name}: grant {}", g.name);
            assert_eq!(
                Requester::parse(&g.requester.to_string()).ok().as_ref(),
                Some(&g.requester),
                "{at}"
            );
            if let Some(role) = &g.bridge_role {
                assert_eq!(
                    Principal::parse(&role.arn()).ok().as_ref(),
                    Some(role),
                    "{at}"
                );
            }
            assert_eq!(
                AccessPointArn::parse(&g.access_point.arn()).ok().as_ref(),
                Some(&g.access_point),
                "{at}"
            );
            assert_eq!(
                AccountId::parse(g.bucket_account.as_str()).ok().as_ref(),
                Some(&g.bucket_account),
                "{at}"
            );
            if let Some(key) = &g.kms_key {
                assert_eq!(KmsKey::parse(&key.arn()).ok().as_ref(), Some(key), "{at}");
            }
            for action in g.actions.iter() {
                let entry =
                    service_reference::service(action.service).and_then(|s| s.action(action.name));
                assert!(
                    entry.is_some_and(|e| std::ptr::eq(e, *action)),
                    "{at}: {}",
                    action.full_name()
                );
            }
        }
        let again = policy_core::pipeline::build_from_grants(&deployment.name, deployment.grants());
        assert_eq!(again.as_ref().ok(), Some(deployment), "{name}");
    }
}
