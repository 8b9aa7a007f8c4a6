//! `import` over random valid grants: the documents a deployment renders, read as an account
//! would hold them, import as the same grants, and the code printed for them grants exactly what
//! those documents grant.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../tests/tests/strategies/mod.rs"]
mod strategies;

use policy_core::{build, Deployment, DeploymentInput, DocumentKind, Loc, Spanned};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use strategies::valid_grant;
use xacct_deploy::import::{differences, recognise, to_input, Imported, Share};

/// Each access point of `deployment` with the documents an account holding it would have.
fn shares_of(deployment: &Deployment) -> Vec<Share> {
    let docs = deployment.documents();
    let policy = |kind: DocumentKind, target: &str| -> Option<Value> {
        docs.iter()
            .find(|d| d.kind == kind && d.target == target)
            .and_then(|d| d.policy.as_deref())
            .map(|p| serde_json::from_str(p).unwrap())
    };
    let trusts: BTreeMap<String, Value> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::RoleTrustPolicy)
        .map(|d| {
            (
                d.target.to_string(),
                serde_json::from_str(d.policy.as_deref().unwrap()).unwrap(),
            )
        })
        .collect();
    docs.iter()
        .filter(|d| d.kind == DocumentKind::AccessPoint)
        .map(|ap| {
            let bucket = ap.bucket.as_deref().unwrap().to_owned();
            Share {
                access_point: ap.target.to_string(),
                account: ap.account.to_string(),
                region: ap.region.as_deref().unwrap_or("us-east-1").to_owned(),
                name: ap.name.as_deref().unwrap().to_owned(),
                bucket: bucket.clone(),
                bucket_account: ap
                    .bucket_account
                    .as_deref()
                    .unwrap_or(&ap.account)
                    .to_owned(),
                vpc: ap.vpc.as_deref().map(str::to_owned),
                policy: policy(DocumentKind::AccessPointPolicy, &ap.target),
                bucket_policy: policy(
                    DocumentKind::BucketPolicy,
                    &format!("arn:aws:s3:::{bucket}"),
                ),
                trusts: trusts.clone(),
                // The key the grants through this access point name (one per bucket here).
                kms_key: deployment
                    .grants()
                    .iter()
                    .find(|g| g.access_point.arn() == ap.target && g.kms_key.is_some())
                    .and_then(|g| g.kms_key.as_ref().map(|k| k.arn())),
                key_policy: docs
                    .iter()
                    .find(|d| d.kind == DocumentKind::KeyPolicy)
                    .and_then(|d| d.policy.as_deref())
                    .map(|p| serde_json::from_str(p).unwrap()),
            }
        })
        .collect()
}

/// A grant's shape, names aside: requester, bridge role, access point, actions, prefixes, MFA,
/// network limits, expiry, KMS key.
type Shape = (
    String,
    Option<String>,
    String,
    Vec<String>,
    Vec<String>,
    bool,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Option<String>,
    Option<String>,
);

fn declared_shapes(input: &DeploymentInput) -> Vec<Shape> {
    let many = |v: &Option<Spanned<Vec<Spanned<String>>>>| {
        let mut out: Vec<String> = v
            .iter()
            .flat_map(|l| l.value.iter().map(|s| s.value.clone()))
            .collect();
        out.sort();
        out
    };
    let one = |v: &Option<Spanned<String>>| v.as_ref().map(|s| s.value.clone());
    let mut shapes: Vec<Shape> = input
        .grants
        .iter()
        .map(|g| {
            // Prefixes limit object actions and listings only: with neither, no document shows
            // them, and they mean nothing.
            let actions = many(&g.actions);
            let prefixed = actions.iter().any(|a| {
                let name = a.trim_start_matches("s3:");
                name.starts_with("ListBucket")
                    || policy_core::service_reference::s3()
                        .action(name)
                        .is_some_and(|x| x.has_resource_type("object"))
            });
            (
                one(&g.requester).unwrap(),
                one(&g.assume_role),
                one(&g.access_point).unwrap(),
                actions,
                if prefixed {
                    many(&g.prefixes)
                } else {
                    Vec::new()
                },
                g.require_mfa.as_ref().is_some_and(|m| m.value),
                many(&g.vpc_endpoints),
                many(&g.vpcs),
                many(&g.source_ips),
                one(&g.expires),
                one(&g.kms_key),
            )
        })
        .collect();
    shapes.sort();
    shapes
}

fn imported_shapes(imported: &Imported) -> Vec<Shape> {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let mut shapes: Vec<Shape> = imported
        .grants
        .iter()
        .map(|g| {
            (
                g.requester.clone(),
                g.assume_role.clone(),
                g.access_point.clone(),
                sorted(&g.actions),
                sorted(&g.prefixes),
                g.require_mfa,
                sorted(&g.vpc_endpoints),
                sorted(&g.vpcs),
                sorted(&g.source_ips),
                g.expires.clone(),
                g.kms_key.clone(),
            )
        })
        .collect();
    shapes.sort();
    shapes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn rendered_grants_import_as_themselves(a in valid_grant(0), b in valid_grant(1)) {
        let input = DeploymentInput { name: Spanned::new("RANDOM".into(), Loc::UNKNOWN), doc: String::new(), grants: vec![a, b] };
        let deployment = build(&input).unwrap();
        let shares = shares_of(&deployment);
        let mut imported = Imported::default();
        for share in &shares {
            let one = recognise(share);
            imported.grants.extend(one.grants);
            imported.unexpressed.extend(one.unexpressed);
        }
        prop_assert!(imported.unexpressed.is_empty(), "{:#?}", imported.unexpressed);
        prop_assert_eq!(imported_shapes(&imported), declared_shapes(&input));
        let again = build(&to_input("RANDOM", &imported)).map_err(|d| d.to_string());
        prop_assert!(again.is_ok(), "{:?}", again);
        let compared = differences(&shares, &imported, again.unwrap().documents()).unwrap();
        prop_assert!(compared.differences.is_empty(), "{:#?}", compared.differences);
        prop_assert!(compared.allowed > 0);
    }
}
