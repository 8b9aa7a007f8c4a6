//! `export cloudtrail`: every example's trail templates pass cfn-lint, select exactly the
//! deployment's access points for data events, share an output directory with the CloudFormation
//! export without removing its files, and come with a log-bucket policy the evaluator proves
//! lets exactly these trails write. No AWS call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::eval::{evaluate, Context, Policy, PolicyDoc, PolicySet, Request, Verdict};
use policy_core::DocumentKind;
use serde_json::Value;
use std::process::Command;
use xacct_deploy::cloudtrail::per_account;
use xacct_deploy::export::{self, BucketPolicies};

/// The selector of data events of a template, when it has one.
fn data_selector(template: &Value) -> Option<&Value> {
    template["Resources"]["Trail"]["Properties"]["AdvancedEventSelectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["FieldSelectors"][0]["Equals"][0] == "Data")
}

#[test]
fn every_example_trail_passes_cfn_lint_and_logs_exactly_its_access_points() {
    let mut lint = CfnLint::new();
    for deployment in EXAMPLES {
        let dir = scratch(&format!("cloudtrail-{}", deployment.name));
        // The deployment's own templates first, in the same directory.
        let stacks = export::per_account(deployment, BucketPolicies::Export, None).unwrap();
        export::write(deployment, &dir, &stacks).unwrap();
        for data_events in [true, false] {
            let trails = per_account(deployment, "central-trail-logs", data_events);
            export::write(deployment, &dir, &trails).unwrap();
            lint.add(&format!("{}-{data_events}", deployment.name), &dir, &trails);
            let accounts = deployment.accounts();
            assert_eq!(
                trails.templates.len(),
                accounts.len(),
                "one trail per account"
            );
            for t in &trails.templates {
                let account = t.account.as_deref().unwrap();
                let mut declared: Vec<&str> = deployment
                    .documents()
                    .iter()
                    .filter(|d| d.kind == DocumentKind::AccessPoint && d.account == account)
                    .map(|d| d.target.as_ref())
                    .collect();
                declared.sort_unstable();
                match data_selector(&t.body) {
                    Some(selector) => {
                        assert!(data_events);
                        let arns: Vec<&str> = selector["FieldSelectors"][2]["StartsWith"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_str().unwrap())
                            .collect();
                        assert_eq!(arns, declared, "{}: {account}", deployment.name);
                    }
                    None => assert!(!data_events || declared.is_empty()),
                }
            }
            // The CloudFormation templates are still there: each export removes only its own.
            for t in &stacks.templates {
                assert!(dir.join(&t.file).exists(), "{} was removed", t.file);
            }
        }
        assert!(dir.join("ORDER").exists() && dir.join("ORDER.cloudtrail").exists());
    }
    lint.assert_clean();
}

/// The log bucket's statements, judged by the evaluator: CloudTrail may write each trail's logs
/// under its own account's prefix, with `bucket-owner-full-control`, for these trails only.
#[test]
fn the_log_bucket_policy_lets_exactly_these_trails_write() {
    let deployment = &shared_data::SHARING;
    let trails = per_account(deployment, "central-trail-logs", false);
    let note = &trails.notes[0];
    let policy: Value = serde_json::from_str(&note[note.find('{').unwrap()..]).unwrap();
    let mut set = PolicySet::default();
    set.push(PolicyDoc {
        kind: DocumentKind::BucketPolicy,
        account: "999999999999".into(),
        target: "arn:aws:s3:::central-trail-logs".into(),
        policy: Policy::from_value(&policy).unwrap(),
    });
    let write = |trail: &str, key: &str, acl: &str| {
        let context: Context = [
            ("aws:SourceArn".to_owned(), vec![trail.to_owned()]),
            ("s3:x-amz-acl".to_owned(), vec![acl.to_owned()]),
        ]
        .into();
        evaluate(
            &set,
            &Request {
                principal: "cloudtrail.amazonaws.com".into(),
                action: "s3:PutObject".into(),
                resource: format!("arn:aws:s3:::central-trail-logs/{key}"),
                context,
            },
        )
        .verdict
    };
    let ours = "arn:aws:cloudtrail:us-east-1:111111111111:trail/xacct-sharing";
    let key = "xacct-sharing/AWSLogs/111111111111/CloudTrail/us-east-1/2026/12/05/log.json.gz";
    assert_eq!(
        write(ours, key, "bucket-owner-full-control"),
        Verdict::Allow
    );
    assert_eq!(write(ours, key, "private"), Verdict::Deny);
    let theirs = "arn:aws:cloudtrail:us-east-1:333333333333:trail/other";
    assert_eq!(
        write(theirs, key, "bucket-owner-full-control"),
        Verdict::Deny
    );
    let elsewhere = "other/AWSLogs/111111111111/x.json.gz";
    assert_eq!(
        write(ours, elsewhere, "bucket-owner-full-control"),
        Verdict::Deny
    );
}

#[test]
fn a_bad_log_bucket_is_a_one_line_error() {
    let dir = scratch("cloudtrail-bad-bucket");
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(["export", "cloudtrail", "--out"])
        .arg(&dir)
        .args(["--bucket", "Not_A_Bucket"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: invalid `--bucket Not_A_Bucket`"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written");
}
