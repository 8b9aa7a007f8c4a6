//! `export config`: every example's AWS Config templates pass cfn-lint and their Guard rules
//! parse; after a real apply in the emulator, the configuration items built from the live state
//! are COMPLIANT under AWS's own Guard engine (the `cfn-guard` crate, as the command tests/guard), and each kind of drift the
//! other end-to-end tests create makes them NON_COMPLIANT with a message naming the statement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::{Deployment, DocumentKind};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use xacct_deploy::config_rules::{per_account, GUARD_RUNTIME, POLICY_TEXT_LIMIT};
use xacct_deploy::export::{self, Export};
use xacct_deploy::Mode;

/// Every Guard policy text of an export, by the resource type its rule is scoped to.
fn guard_texts(export: &Export) -> BTreeMap<String, Vec<String>> {
    let mut texts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &export.templates {
        if t.file.ends_with("conformance-pack.json") {
            continue;
        }
        for rule in t.body["Resources"].as_object().unwrap().values() {
            let props = &rule["Properties"];
            if props["Source"]["Owner"] == "CUSTOM_POLICY" {
                let details = &props["Source"]["CustomPolicyDetails"];
                assert_eq!(details["PolicyRuntime"], GUARD_RUNTIME);
                let text = details["PolicyText"].as_str().unwrap().to_owned();
                assert!(text.len() <= POLICY_TEXT_LIMIT);
                let resource_type = props["Scope"]["ComplianceResourceTypes"][0]
                    .as_str()
                    .unwrap()
                    .to_owned();
                texts.entry(resource_type).or_default().push(text);
            }
        }
    }
    texts
}

/// Guard's verdict on one configuration item: "PASS", "FAIL" or "SKIP", and the report. Guard
/// runs as its own command (tests/guard, built by scripts/test.sh, named by XACCT_TEST_GUARD).
fn guard(item: &Value, rules: &str) -> (String, String) {
    let dir = scratch("guard-inputs");
    std::fs::create_dir_all(&*dir).unwrap();
    let (rules_file, data_file) = (dir.join("rules.guard"), dir.join("item.json"));
    std::fs::write(&rules_file, rules).unwrap();
    std::fs::write(&data_file, item.to_string()).unwrap();
    let out = std::process::Command::new(env("XACCT_TEST_GUARD"))
        .arg(&rules_file)
        .arg(&data_file)
        .output()
        .expect("XACCT_TEST_GUARD runs");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "Guard cannot run the rules: {}\n{rules}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_str(&report).unwrap();
    let status = parsed["status"].as_str().unwrap_or_default().to_owned();
    (status, report)
}

/// Each configuration item's verdict under every rule of its resource type: "FAIL" if any
/// fails, else "PASS" if any passes, else "SKIP"; with the failing reports.
fn verdicts(deployment: &Deployment, export: &Export) -> Vec<(String, String, String)> {
    let texts = guard_texts(export);
    let docs: Value = serde_json::from_str(deployment.render_json()).unwrap();
    let items = fixture("configuration-items", &docs);
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let (verdict, reports) = verdict(item, &texts);
            (item["ARN"].as_str().unwrap().to_owned(), verdict, reports)
        })
        .collect()
}

/// One configuration item's verdict under every rule of its resource type, as AWS Config gives
/// it: NON_COMPLIANT ("FAIL") if any rule fails, else COMPLIANT ("PASS") if any applies.
fn verdict(item: &Value, texts: &BTreeMap<String, Vec<String>>) -> (String, String) {
    let resource_type = item["resourceType"].as_str().unwrap();
    let mut verdict = "SKIP".to_owned();
    let mut reports = String::new();
    for text in texts.get(resource_type).into_iter().flatten() {
        let (status, report) = guard(item, text);
        match status.as_str() {
            "FAIL" => {
                verdict = "FAIL".into();
                reports.push_str(&report);
            }
            "PASS" if verdict == "SKIP" => verdict = "PASS".into(),
            "PASS" | "SKIP" => {}
            other => panic!("Guard said {other}: {report}"),
        }
    }
    (verdict, reports)
}

#[test]
fn every_example_exports_config_rules_that_pass_cfn_lint_and_parse_in_guard() {
    let mut lint = CfnLint::new();
    for deployment in EXAMPLES {
        let dir = scratch(&format!("config-{}", deployment.name));
        let exported = per_account(deployment).unwrap();
        export::write(deployment, &dir, &exported).unwrap();
        lint.add(&deployment.name, &dir, &exported);
        // The StackSet template holds every account's rules, each under its account's condition.
        let dir = scratch(&format!("config-stack-set-{}", deployment.name));
        let set = xacct_deploy::config_rules::stack_set(deployment).unwrap();
        export::write(deployment, &dir, &set).unwrap();
        lint.add(&format!("{}-stack-set", deployment.name), &dir, &set);
        let rules: usize = exported
            .templates
            .iter()
            .filter(|t| t.file.ends_with(".config.json"))
            .map(|t| t.body["Resources"].as_object().unwrap().len())
            .sum();
        let in_set = set.templates[0].body["Resources"].as_object().unwrap();
        assert_eq!(in_set.len(), rules);
        assert!(in_set.values().all(|r| r["Condition"].is_string()));
        // Every rule parses, and says nothing of a resource it is not about.
        let stranger =
            json!({"resourceType": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::someone-elses"});
        for (resource_type, texts) in guard_texts(&exported) {
            for text in texts {
                let item =
                    json!({"resourceType": resource_type, "ARN": "arn:aws:s3:::someone-elses"});
                assert_eq!(guard(&item, &text).0, "SKIP", "{}: {text}", deployment.name);
                assert_eq!(guard(&stranger, &text).0, "SKIP");
            }
        }
        // Every document is checked by some rule.
        let all: String = guard_texts(&exported).into_values().flatten().collect();
        for doc in deployment.documents() {
            if doc.kind != DocumentKind::AccessPoint {
                assert!(
                    all.contains(&format!("ARN == \"{}\"", doc.target)),
                    "{}: no rule checks the {} of {}",
                    deployment.name,
                    doc.kind.describe(),
                    doc.target
                );
            }
        }
        // The conformance pack holds the same rules.
        for pack in exported
            .templates
            .iter()
            .filter(|t| t.file.ends_with("conformance-pack.json"))
        {
            let body: Value = serde_json::from_str(
                pack.body["Resources"]["ConformancePack"]["Properties"]["TemplateBody"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
            let rules = exported
                .templates
                .iter()
                .find(|t| t.file == pack.file.replace("conformance-pack", "config"))
                .unwrap();
            assert_eq!(body, rules.body);
        }
    }
    lint.assert_clean();
}

#[test]
fn live_state_is_compliant_after_apply_and_each_drift_fails_naming_its_statement() {
    let _guard = emulator();
    emulator_reset();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let exported = per_account(deployment).unwrap();

    let compliant = verdicts(deployment, &exported);
    assert!(!compliant.is_empty());
    for (arn, verdict, report) in &compliant {
        assert_eq!(verdict, "PASS", "{arn} after apply: {report}");
    }

    let docs = deployment.documents();
    let find = |kind| docs.iter().find(|d| d.kind == kind).unwrap();

    // The bridge role's item, as other encoders would write it and with its parts taken away.
    let role = find(DocumentKind::RoleTrustPolicy);
    let rendered: Value = serde_json::from_str(deployment.render_json()).unwrap();
    let items = fixture("configuration-items", &rendered);
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ARN"] == role.target.as_ref())
        .unwrap()
        .clone();
    let texts = guard_texts(&exported);
    let loosely_encoded = item.to_string().replace("%2F", "/").replace("%2A", "*");
    assert_eq!(
        verdict(&serde_json::from_str(&loosely_encoded).unwrap(), &texts).0,
        "PASS",
        "`/` and `*` left as they are"
    );
    let mut untagged = item.clone();
    untagged["configuration"]["tags"] = json!([]);
    let (status, report) = verdict(&untagged, &texts);
    assert!(
        status == "FAIL" && report.contains("lost its tag xacct:deployment=SHARING"),
        "{report}"
    );
    let mut without_inline = item.clone();
    without_inline["configuration"]["rolePolicyList"] = json!([]);
    let (status, report) = verdict(&without_inline, &texts);
    assert!(
        status == "FAIL" && report.contains("role inline policy of"),
        "{report}"
    );
    let ours = |doc: &policy_core::Document| -> Value {
        serde_json::from_str(doc.policy.as_deref().unwrap()).unwrap()
    };
    let verdict_of = |arn: &str| {
        verdicts(deployment, &exported)
            .into_iter()
            .find(|(a, _, _)| a == arn)
            .unwrap()
    };

    // A foreign statement in the policy of an access point the deployment created.
    let ap = find(DocumentKind::AccessPointPolicy);
    let mut policy = ours(ap);
    let stranger = json!({"Sid": "StrangerReads", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "s3:GetObject",
        "Resource": format!("{}/object/*", ap.target)});
    policy["Statement"].as_array_mut().unwrap().push(stranger);
    fixture(
        "put-access-point-policy",
        &json!({"account": ap.account, "name": ap.name, "policy": policy.to_string()}),
    );
    let (_, verdict, report) = verdict_of(&ap.target);
    assert_eq!(verdict, "FAIL");
    assert!(
        report.contains("holds a statement this deployment did not write")
            && report.contains("StrangerReads"),
        "{report}"
    );
    fixture(
        "put-access-point-policy",
        &json!({"account": ap.account, "name": ap.name, "policy": ours(ap).to_string()}),
    );
    assert_eq!(verdict_of(&ap.target).1, "PASS");

    // A widened trust: another account may assume the bridge role.
    let trust = find(DocumentKind::RoleTrustPolicy);
    let mut widened = ours(trust);
    let statement = &mut widened["Statement"][0];
    let sid = statement["Sid"].as_str().unwrap().to_owned();
    let principal = statement["Principal"]["AWS"].clone();
    statement["Principal"]["AWS"] = json!([principal, "arn:aws:iam::999999999999:root"]);
    fixture(
        "update-trust",
        &json!({"account": trust.account, "role": trust.target.rsplit('/').next(), "policy": widened.to_string()}),
    );
    let (_, verdict, report) = verdict_of(&trust.target);
    assert_eq!(verdict, "FAIL");
    assert!(
        report.contains(&format!("statement `{sid}` of the trust policy")),
        "{report}"
    );
    fixture(
        "update-trust",
        &json!({"account": trust.account, "role": trust.target.rsplit('/').next(), "policy": trust.policy.as_deref().unwrap()}),
    );
    assert_eq!(verdict_of(&trust.target).1, "PASS");

    // The bucket's delegation to access points removed, someone else's statement kept: only the
    // missing statement is reported.
    let bucket = find(DocumentKind::BucketPolicy);
    let delegation = ours(bucket)["Statement"][0].clone();
    let sid = delegation["Sid"].as_str().unwrap();
    let (foreign, _) = foreign_bucket_statement(deployment);
    let (_, verdict, report) = verdict_of(&bucket.target);
    assert_eq!(
        verdict, "FAIL",
        "the delegation was replaced by the foreign policy"
    );
    assert!(
        report.contains(&format!("statement `{sid}` of the bucket policy")),
        "{report}"
    );
    let mut both = ours(bucket);
    both["Statement"].as_array_mut().unwrap().insert(0, foreign);
    fixture(
        "seed",
        &json!({"bucket_policies": [[bucket.account, bucket.name, both.to_string()]]}),
    );
    let (_, verdict, report) = verdict_of(&bucket.target);
    assert_eq!(
        verdict, "PASS",
        "someone else's statement in a shared policy: {report}"
    );
}
