//! `import`: shares set up by hand in the emulator the way AWS's guide and documentation write
//! them, and every example's own deployment applied and read back, come out as grants that pass
//! xacct's checks and grant exactly what the account grants; what no grant can carry is said.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::DocumentKind;
use serde_json::{json, Value};
use xacct_deploy::import::{differences, read_shares, recognise, to_code, to_input, Imported};
use xacct_deploy::Mode;

const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap";

/// A bucket of account 222222222222 delegating to its access points, and an access point with
/// `statements` as its policy (AWS's guide: "Delegating access control to access points").
fn guide_share(delegation: Value, statements: Value) {
    let bucket_policy = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "DelegateToAccessPoints", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*",
        "Resource": ["arn:aws:s3:::guide-bucket", "arn:aws:s3:::guide-bucket/*"],
        "Condition": {"StringEquals": delegation}}]});
    fixture(
        "seed",
        &json!({"buckets": [["222222222222", "guide-bucket"]],
                "bucket_policies": [["222222222222", "guide-bucket", bucket_policy.to_string()]]}),
    );
    fixture(
        "create-access-point",
        &json!({"account": "222222222222", "name": "guide-ap", "bucket": "guide-bucket"}),
    );
    let policy = json!({"Version": "2012-10-17", "Statement": statements});
    fixture(
        "put-access-point-policy",
        &json!({"account": "222222222222", "name": "guide-ap", "policy": policy.to_string()}),
    );
}

fn import(access_points: &[String]) -> (Imported, Vec<String>) {
    let (_, imported, found) = import_shares(access_points);
    (imported, found)
}

fn import_shares(
    access_points: &[String],
) -> (Vec<xacct_deploy::import::Share>, Imported, Vec<String>) {
    let specs = all_specs(&["111111111111", "222222222222", "333333333333"]);
    let source = runtime()
        .block_on(read_shares(
            access_points,
            &specs,
            std::time::Duration::from_secs(20),
        ))
        .unwrap();
    let mut imported = Imported::default();
    for share in &source.shares {
        let one = recognise(share);
        imported.grants.extend(one.grants);
        imported.unexpressed.extend(one.unexpressed);
    }
    let deployment = policy_core::build(&to_input("IMPORTED", &imported))
        .unwrap_or_else(|d| panic!("{d}\n{}", to_code("IMPORTED", &imported)));
    // The sharing side alone, and with the identity policies read from the reachable accounts:
    // the same verdict.
    let resource_side = differences(&source.shares, &imported, deployment.documents()).unwrap();
    let compared = runtime()
        .block_on(source.compare(&imported, &deployment))
        .unwrap();
    assert_eq!(resource_side.differences, compared.differences);
    assert!(
        compared.allowed > 0 && compared.allowed < compared.requests,
        "a comparison that decides something: {compared:?} {access_points:?}"
    );
    (source.shares, imported, compared.differences)
}

#[test]
fn the_guides_share_imports_as_one_grant_and_a_deny_is_said_not_dropped() {
    let _emulator = emulator();
    emulator_reset();
    guide_share(
        json!({"s3:DataAccessPointAccount": "222222222222"}),
        json!([
            {"Sid": "ConsumerReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
             "Action": "s3:GetObject", "Resource": format!("{AP}/object/reports/*")},
            {"Sid": "ConsumerLists", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
             "Action": "s3:ListBucket", "Resource": AP, "Condition": {"StringLike": {"s3:prefix": "reports/*"}}},
            {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
             "Resource": format!("{AP}/object/*")},
        ]),
    );
    let (out_code, stdout, stderr) = run_cli_output(&[
        "import".into(),
        "--access-point".into(),
        AP.into(),
        "--account".into(),
        "222222222222=role:arn:aws:iam::222222222222:role/xacct-deployer".into(),
        "--name".into(),
        "GUIDE".into(),
    ]);
    assert_eq!(out_code, Some(0), "{stdout}{stderr}");
    // The block printed is the one the UI tests compile as a crate (tests/tests/pass).
    let compiled = include_str!("../../../tests/tests/pass/imported-guide-share.rs");
    let start = compiled.find("xacct::grants! {").unwrap();
    let end = compiled.find("\nfn main()").unwrap();
    assert!(
        stdout.starts_with(compiled[start..end].trim_end()),
        "{stdout}\n---\n{}",
        &compiled[start..end]
    );
    for expected in [
        "pub static GUIDE = {",
        "grant consumer_reads_guide_ap {",
        "requester: \"arn:aws:iam::111111111111:role/consumer\",",
        "actions: [s3:GetObject, s3:ListBucket],",
        "prefixes: [\"reports/\"],",
        "/// From statement `ConsumerReads` of the policy of",
        "// Not imported: statement `NoDeletes`",
        "Equivalent: the code grants exactly what the account grants",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
}

#[test]
fn a_public_statement_and_a_condition_without_a_field_are_said_and_the_difference_shown() {
    let _emulator = emulator();
    emulator_reset();
    guide_share(
        json!({"s3:DataAccessPointArn": AP}),
        json!([
            {"Sid": "PartnerReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:role/partner"},
             "Action": ["s3:GetObject"], "Resource": format!("{AP}/object/outbound/*")},
            {"Sid": "PartnerAlsoCreatesBuckets", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:role/partner"},
             "Action": ["s3:GetObject", "s3:CreateBucket"], "Resource": format!("{AP}/object/outbound/*")},
            {"Sid": "WholeAccount", "Effect": "Allow", "Principal": {"AWS": "444444444444"},
             "Action": ["s3:GetObject"], "Resource": format!("{AP}/object/outbound/*")},
            {"Sid": "TaggedReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/tagged"},
             "Action": "s3:GetObject", "Resource": format!("{AP}/object/*"),
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}},
            {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": format!("{AP}/object/public/*")},
        ]),
    );
    let (shares, mut imported, found) = import_shares(&[AP.to_owned()]);
    // The partner's role, and the whole account 444444444444 (its root).
    assert_eq!(imported.grants.len(), 2, "{:#?}", imported.grants);
    assert!(imported
        .grants
        .iter()
        .any(|g| g.requester == "arn:aws:iam::444444444444:root"));
    imported
        .grants
        .sort_by_key(|g| g.requester != "arn:aws:iam::333333333333:role/partner");
    let imported = imported;
    // Code that grants another prefix is caught by the comparison.
    let mut narrowed = imported.clone();
    narrowed.grants[0].prefixes = vec!["inbound/".into()];
    let rendered = policy_core::build(&to_input("IMPORTED", &narrowed)).unwrap();
    let other = differences(&shares, &narrowed, rendered.documents()).unwrap();
    assert!(
        other
            .differences
            .iter()
            .any(|d| d.contains("object/outbound/file")
                && d.contains("arn:aws:iam::333333333333:role/partner")),
        "{other:#?}"
    );
    let partner = &imported.grants[0];
    assert_eq!(partner.requester, "arn:aws:iam::333333333333:role/partner");
    assert_eq!(partner.prefixes, ["outbound/"]);
    let said: Vec<(&str, bool)> = imported
        .unexpressed
        .iter()
        .map(|u| (u.why.as_str(), u.public))
        .collect();
    assert!(
        said.iter()
            .any(|(why, public)| why.contains("aws:PrincipalTag/team") && !public),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|(why, public)| why.contains("PUBLIC") && *public),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|(why, _)| why.contains("cannot serve s3:CreateBucket")),
        "{said:?}"
    );
    assert!(imported.grants[0]
        .sources
        .iter()
        .any(|s| s.contains("PartnerAlsoCreatesBuckets")));
    // What the public statement allows is a request the code refuses.
    assert!(
        found.iter().any(|d| d.contains("someone-else")
            && d.contains("object/public/")
            && d.contains("the account allows, the code does not allow")),
        "{found:#?}"
    );
}

#[test]
fn every_examples_applied_access_points_import_as_their_own_grants() {
    let _emulator = emulator();
    for deployment in [
        &shared_data::SHARING,
        &data_lake::DATA_LAKE,
        &private_network::PRIVATE_LAKE,
        &temporary_audit::LEDGER_AUDIT,
        &organization_share::ORG_LAKE,
        &encrypted_lake::ENCRYPTED_LAKE,
    ] {
        emulator_reset();
        seed(deployment);
        runtime().block_on(apply(deployment, Mode::Apply));
        // An SSE-KMS bucket encrypts with the key its grants name.
        for key in deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::KeyPolicy)
        {
            for bucket in deployment
                .documents()
                .iter()
                .filter(|d| d.kind == DocumentKind::BucketPolicy)
            {
                fixture(
                    "bucket-encryption",
                    &json!({"account": bucket.account, "bucket": bucket.name, "key": key.target}),
                );
            }
        }
        let access_points: Vec<String> = deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::AccessPoint)
            .map(|d| d.target.to_string())
            .collect();
        let (imported, found) = import(&access_points);
        assert!(
            found.is_empty(),
            "{}: the imported code differs:\n{found:#?}\n{}",
            deployment.name,
            to_code("IMPORTED", &imported)
        );
        assert!(
            imported.unexpressed.is_empty(),
            "{}: {:#?}",
            deployment.name,
            imported.unexpressed
        );
        // The same grants: requester, bridge role, access point, actions, prefixes.
        let key = |requester: &str,
                   role: Option<&str>,
                   ap: &str,
                   actions: &[String],
                   prefixes: &[String],
                   kms: Option<&str>| {
            let mut actions = actions.to_vec();
            actions.sort();
            let mut prefixes = prefixes.to_vec();
            prefixes.sort();
            (
                requester.to_owned(),
                role.map(str::to_owned),
                ap.to_owned(),
                actions,
                prefixes,
                kms.map(str::to_owned),
            )
        };
        let mut declared: Vec<_> = deployment
            .grants()
            .iter()
            .map(|g| {
                let actions: Vec<String> = g.actions.iter().map(|a| a.full_name()).collect();
                let prefixes: Vec<String> = g.prefixes.iter().map(|p| p.to_string()).collect();
                key(
                    &g.requester.to_string(),
                    g.bridge_role.as_ref().map(|r| r.arn()).as_deref(),
                    &g.access_point.arn(),
                    &actions,
                    &prefixes,
                    g.kms_key.as_ref().map(|k| k.arn()).as_deref(),
                )
            })
            .collect();
        let mut found: Vec<_> = imported
            .grants
            .iter()
            .map(|g| {
                key(
                    &g.requester,
                    g.assume_role.as_deref(),
                    &g.access_point,
                    &g.actions,
                    &g.prefixes,
                    g.kms_key.as_deref(),
                )
            })
            .collect();
        declared.sort();
        found.sort();
        assert_eq!(found, declared, "{}", deployment.name);
    }
}

/// A Terraform-style statement (`aws_iam_policy_document`: an empty `Sid`, two principals, a
/// listing and a read under one `s3:prefix` condition — so the read never applies) and CDK-style
/// statements (no `Sid`, one action per statement), imported by `--bucket`.
#[test]
fn terraform_and_cdk_layouts_import_by_meaning() {
    let _emulator = emulator();
    emulator_reset();
    guide_share(
        json!({"s3:DataAccessPointAccount": "222222222222"}),
        json!([
            {"Sid": "", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111111111111:role/etl", "arn:aws:iam::333333333333:role/bi"]},
             "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [AP, format!("{AP}/object/sales/*")],
             "Condition": {"StringLike": {"s3:prefix": ["sales/*"]}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/etl"},
             "Action": "s3:GetObject", "Resource": format!("{AP}/object/sales/*")},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/etl"},
             "Action": "s3:PutObject", "Resource": format!("{AP}/object/sales/*")},
        ]),
    );
    let (out_code, stdout, stderr) = run_cli_output(&[
        "import".into(),
        "--bucket".into(),
        "guide-bucket".into(),
        "--account".into(),
        "222222222222=role:arn:aws:iam::222222222222:role/xacct-deployer".into(),
    ]);
    assert_eq!(out_code, Some(0), "{stdout}{stderr}");
    for expected in [
        "grant etl_uses_guide_ap {",
        "actions: [s3:ListBucket, s3:GetObject, s3:PutObject],",
        "grant bi_reads_guide_ap {",
        "actions: [s3:ListBucket],",
        "/// From statement 3 of the policy of",
        "// Not imported: statement 1 of the policy of",
        "s3:GetObject never apply",
        "Equivalent: the code grants exactly what the account grants",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
}

/// The guide's share as `import` prints it, pasted into a deployment crate.
mod guide_code {
    policy_macros::grants! {
        /// The guide's share, imported.
        pub static GUIDE = {
            /// From statements `ConsumerReads` and `ConsumerLists` of the access point policy.
            grant consumer_reads_guide_ap {
                requester: "arn:aws:iam::111111111111:role/consumer",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap",
                bucket: "guide-bucket",
                actions: [s3:GetObject, s3:ListBucket],
                prefixes: ["reports/"],
            }
        };
    }
}

/// Whether the documents stored now let the consumer read under `reports/` through the access
/// point (its own role policy, written by hand before the migration, stays in place).
fn consumer_can_read() -> bool {
    let shares = runtime()
        .block_on(read_shares(
            &[AP.to_owned()],
            &all_specs(&["222222222222"]),
            std::time::Duration::from_secs(20),
        ))
        .unwrap()
        .shares;
    let mut set = policy_core::eval::PolicySet::from_documents(
        &xacct_deploy::import::live_documents(&shares),
    )
    .unwrap();
    set.assume_unknown_identities_allow = true;
    let request = policy_core::eval::Request {
        principal: "arn:aws:iam::111111111111:role/consumer".into(),
        action: "s3:GetObject".into(),
        resource: format!("{AP}/object/reports/2026.csv"),
        context: Default::default(),
    };
    policy_core::eval::evaluate(&set, &request).verdict == policy_core::eval::Verdict::Allow
}

/// Once the imported grants are in the code, `apply --adopt --supersede` takes the access point
/// over: after every single write of the apply (stopped there, as a crash would), the consumer
/// can still read; a bucket statement with the same meaning as the code's (another Sid) is
/// removed in the write that adds the code's, the broader old delegation is kept; a second plan
/// is empty.
#[test]
fn migrating_the_guides_share_never_interrupts_its_access() {
    let _emulator = emulator();
    let deployment = &guide_code::GUIDE;
    let setup = || {
        emulator_reset();
        guide_share(
            json!({"s3:DataAccessPointAccount": "222222222222"}),
            json!([
                {"Sid": "ConsumerReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
                 "Action": "s3:GetObject", "Resource": format!("{AP}/object/reports/*")},
                {"Sid": "ConsumerLists", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
                 "Action": "s3:ListBucket", "Resource": AP, "Condition": {"StringLike": {"s3:prefix": "reports/*"}}},
            ]),
        );
        fixture(
            "create-role",
            &json!({"account": "111111111111", "role": "consumer"}),
        );
        // The delegation the code writes, written before by someone else under another Sid (as
        // Terraform would): the same meaning.
        let ours = deployment
            .documents()
            .iter()
            .find(|d| d.kind == DocumentKind::BucketPolicy)
            .unwrap();
        let ours: Value = serde_json::from_str(ours.policy.as_deref().unwrap()).unwrap();
        let mut same = ours["Statement"][0].clone();
        same["Sid"] = json!("TerraformDelegation");
        let mut stored = fixture(
            "read",
            &json!([{"account": "222222222222", "kind": "bucket-policy", "target": "arn:aws:s3:::guide-bucket", "name": "guide-bucket"}]),
        )[0]
            .clone();
        stored["Statement"].as_array_mut().unwrap().push(same);
        fixture(
            "seed",
            &json!({"bucket_policies": [["222222222222", "guide-bucket", stored.to_string()]]}),
        );
        assert!(consumer_can_read(), "the share works before the migration");
    };
    let mut writes = 0;
    for n in 0.. {
        setup();
        let finished = runtime().block_on(async {
            let mut session = xacct_deploy::Session::connect(deployment, &specs(deployment))
                .await
                .unwrap();
            session.set_supersede(true);
            let plan = session.plan(Mode::Apply, true).await.unwrap();
            assert!(
                plan.superseded
                    .iter()
                    .any(|s| s.contains("`TerraformDelegation`")
                        && s.contains("removed in the write that adds them")),
                "{:#?}",
                plan.superseded
            );
            assert!(
                !plan
                    .superseded
                    .iter()
                    .any(|s| s.contains("DelegateToAccessPoints")),
                "the broad delegation is not the code's: {:#?}",
                plan.superseded
            );
            session.fail_after_writes(n);
            session.apply(&plan, &|_| {}).await.is_ok()
        });
        assert!(consumer_can_read(), "access refused after write {n}");
        if finished {
            writes = n;
            break;
        }
    }
    assert!(writes > 2, "{writes} writes");
    let mut session = runtime()
        .block_on(xacct_deploy::Session::connect(
            deployment,
            &specs(deployment),
        ))
        .unwrap();
    session.set_supersede(true);
    let second = runtime()
        .block_on(session.plan(Mode::Apply, false))
        .unwrap();
    assert!(!second.has_changes(), "{:#?}", second.changes);
    // The hand-written statements are gone from the access point the deployment now owns; the
    // bucket's delegation is still there.
    let stored = fixture(
        "read",
        &json!([{"account": "222222222222", "kind": "access-point-policy", "target": AP, "name": "guide-ap"},
                {"account": "222222222222", "kind": "bucket-policy", "target": "arn:aws:s3:::guide-bucket", "name": "guide-bucket"}]),
    );
    let sids = |doc: &Value| -> Vec<String> {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["Sid"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        sids(&stored[0]).iter().all(|s| s.starts_with("Xacct")),
        "{}",
        stored[0]
    );
    assert!(
        sids(&stored[1]).contains(&"DelegateToAccessPoints".to_owned()),
        "{}",
        stored[1]
    );
    assert!(
        !sids(&stored[1]).contains(&"TerraformDelegation".to_owned()),
        "{}",
        stored[1]
    );
}
