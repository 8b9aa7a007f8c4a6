//! `policy_core::build` at run time: the same checks and documents as the macro, deterministic,
//! and the properties of the generated documents over random valid grants.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::{build, DeploymentInput, GrantInput, Loc, Spanned};
use proptest::prelude::*;
use serde_json::Value;

// The examples name the macro `xacct::grants!`; here, without the SDK that `xacct` brings, that
// path is the macro itself, which expands to `::policy_core` paths this crate has.
extern crate policy_macros as xacct;

#[path = "../../examples/shared-data/src/lib.rs"]
mod shared_data;

mod strategies;
use strategies::{list, s, valid_grant};

fn shared_data_input() -> DeploymentInput {
    let grant = GrantInput {
        name: Spanned::new("analytics_reads_customers".into(), Loc(1)),
        doc: "The analytics ETL job reads customer exports.".into(),
        requester: s("arn:aws:iam::111111111111:role/analytics-etl"),
        assume_role: s("arn:aws:iam::222222222222:role/analytics-reader"),
        access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data"),
        bucket: s("marketing-customer-data"),
        actions: list(&["s3:GetObject".into(), "s3:ListBucket".into()]),
        prefixes: list(&["customers/".into()]),
        require_mfa: Some(Spanned::new(false, Loc::UNKNOWN)),
        external_id: s("analytics-2026"),
        ..GrantInput::default()
    };
    DeploymentInput {
        name: Spanned::new("SHARING".into(), Loc(0)),
        doc: String::new(),
        grants: vec![grant],
    }
}

#[test]
fn run_time_build_equals_what_the_macro_emitted() {
    let built = build(&shared_data_input()).map_err(|d| d.to_string());
    assert_eq!(
        built.map(|d| d.render_json().to_owned()),
        Ok(shared_data::SHARING.render_json().to_owned())
    );
}

#[test]
fn diagnostics_carry_the_location_and_help() {
    let mut input = shared_data_input();
    input.grants[0].actions = Some(Spanned::new(
        vec![Spanned::new("s3:GetObjects".into(), Loc(7))],
        Loc(6),
    ));
    input.grants[0].bucket = Some(Spanned::new("Bad_Bucket".into(), Loc(9)));
    let diagnostics = build(&input).err().map(|d| d.0).unwrap_or_default();
    let found: Vec<(u32, &str, Option<&str>)> = diagnostics
        .iter()
        .map(|d| (d.loc.0, d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                9,
                "bucket name `Bad_Bucket` contains uppercase `B`",
                Some("bucket names are lowercase: `bad_bucket`")
            ),
            (
                7,
                "unknown action `s3:GetObjects`",
                Some("did you mean `s3:GetObject`?")
            ),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_grants_render_deterministically_and_exactly(a in valid_grant(0), b in valid_grant(1)) {
        let input = DeploymentInput { name: Spanned::new("RANDOM".into(), Loc::UNKNOWN), doc: String::new(), grants: vec![a, b] };
        let first = build(&input).map_err(|d| d.to_string());
        prop_assert!(first.is_ok(), "{:?}", first);
        let second = build(&input).map_err(|d| d.to_string());
        prop_assert_eq!(first.as_ref().map(|d| d.json.clone()).ok(), second.map(|d| d.json).ok());
        let deployment = first.unwrap_or(policy_core::Deployment::EMPTY);
        for grant in &input.grants {
            let declared: std::collections::BTreeSet<String> =
                grant.actions.iter().flat_map(|l| l.value.iter().map(|a| a.value.clone())).collect();
            let ap = grant.access_point.as_ref().map(|a| a.value.clone()).unwrap_or_default();
            let ap_policy = deployment.documents().iter().find(|d| d.kind == policy_core::DocumentKind::AccessPointPolicy && d.target == ap);
            let policy: Value = serde_json::from_str(ap_policy.and_then(|d| d.policy.as_deref()).unwrap_or("null")).unwrap_or(Value::Null);
            let mut granted = std::collections::BTreeSet::new();
            for statement in policy["Statement"].as_array().into_iter().flatten() {
                match &statement["Action"] {
                    Value::Array(all) => granted.extend(all.iter().filter_map(|a| a.as_str().map(str::to_owned))),
                    one => granted.extend(one.as_str().map(str::to_owned)),
                }
            }
            // The access point policy grants exactly the declared actions, no more, no fewer.
            prop_assert_eq!(granted, declared);
            // Every S3 statement of the grant carries each of its limits.
            let limits = [
                grant.vpc_endpoints.as_ref().map(|_| "aws:SourceVpce"),
                grant.vpcs.as_ref().map(|_| "aws:SourceVpc"),
                grant.source_ips.as_ref().map(|_| "aws:SourceIp"),
                grant.expires.as_ref().map(|_| "aws:CurrentTime"),
            ];
            for statement in policy["Statement"].as_array().into_iter().flatten() {
                for key in limits.iter().flatten() {
                    prop_assert!(statement["Condition"].to_string().contains(key), "{} lacks {}", statement, key);
                }
            }
        }
    }

    /// After its expiry a grant is out of what deploy holds AWS to: its documents are gone, the
    /// other grant's are as if it had never been declared.
    #[test]
    fn an_expired_grant_leaves_the_deployment_in_force(a in valid_grant(0), b in valid_grant(1)) {
        let mut a = a;
        a.expires = s("2027-04-01T00:00:00Z");
        let mut b = b;
        b.expires = None;
        let both = DeploymentInput { name: Spanned::new("RANDOM".into(), Loc::UNKNOWN), doc: String::new(), grants: vec![a, b.clone()] };
        let only_b = DeploymentInput { grants: vec![b], ..both.clone() };
        let (both, only_b) = (build(&both).map_err(|d| d.to_string()), build(&only_b).map_err(|d| d.to_string()));
        prop_assert!(both.is_ok() && only_b.is_ok(), "{:?} {:?}", both, only_b);
        let (both, only_b) = (both.unwrap_or(policy_core::Deployment::EMPTY), only_b.unwrap_or(policy_core::Deployment::EMPTY));
        let expiry = policy_core::restrictions::Expiry::parse("2027-04-01T00:00:00Z").map_err(|p| TestCaseError::fail(p.to_string()))?;
        let before = policy_core::pipeline::in_force(&both, expiry.seconds - 1).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert!(before.expired.is_empty());
        prop_assert_eq!(before.deployment.render_json(), both.render_json());
        let after = policy_core::pipeline::in_force(&both, expiry.seconds).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(after.expired.iter().map(|(g, e)| (g.as_str(), e.to_string())).collect::<Vec<_>>(), vec![("grant_0", "2027-04-01T00:00:00Z".to_owned())]);
        prop_assert_eq!(after.deployment.render_json(), only_b.render_json());
        prop_assert_eq!(after.declared.accounts(), both.accounts());
    }
}

/// `2025*` says "every key starting with 2025" explicitly; it renders as the bare prefix would,
/// and the proof holds (the bare `2025` is refused: see `ui/prefixes/no-trailing-slash`).
#[test]
fn a_prefix_ending_in_star_reaches_every_key_starting_with_it() {
    let mut input = shared_data_input();
    input.grants[0].prefixes = list(&["2025*".into(), "reports/".into()]);
    let built = build(&input).unwrap_or_else(|d| panic!("{d}"));
    let json = built.render_json();
    assert!(
        json.contains("accesspoint/marketing-data/object/2025*\""),
        "{json}"
    );
    assert!(
        json.contains("\"s3:prefix\":[\"2025*\",\"reports/*\"]"),
        "{json}"
    );
    let mut bare = shared_data_input();
    bare.grants[0].prefixes = list(&["2025".into()]);
    let error = build(&bare).map(|_| ()).unwrap_err().to_string();
    assert!(
        error.contains("write `2025/` for the folder, or `2025*`"),
        "{error}"
    );
}

/// A grant to a whole account (its root) lets in every principal of that account its own
/// policies allow ("AWS JSON policy elements: Principal", AWS account principals): the proof
/// reads the documents so, and still refuses other accounts.
#[test]
fn a_grant_to_an_account_root_is_proven_for_that_accounts_principals() {
    let mut input = shared_data_input();
    input.grants[0].requester = s("arn:aws:iam::333333333333:root");
    input.grants[0].assume_role = None;
    input.grants[0].external_id = None;
    let built = build(&input).map_err(|d| d.to_string());
    assert!(built.is_ok(), "{built:?}");
    let deployment = built.unwrap_or(policy_core::Deployment::EMPTY);
    let ap_policy = deployment
        .documents()
        .iter()
        .find(|d| d.kind == policy_core::DocumentKind::AccessPointPolicy)
        .and_then(|d| d.policy.as_deref())
        .unwrap_or_default();
    assert!(
        ap_policy.contains("arn:aws:iam::333333333333:root"),
        "{ap_policy}"
    );
}
