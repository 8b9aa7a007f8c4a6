//! End-to-end: `export cloudformation` — every example's templates pass cfn-lint and hold the
//! rendered documents, and stacks deployed in `ORDER` agree with `plan`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::DocumentKind;
use serde_json::{json, Value};
use xacct_deploy::{Mode, Op, Session};

/// A fresh directory for one test's files.
/// Every example's templates, per account and for a StackSet, pass cfn-lint (pinned, in the
/// venv) with no error and no warning, and hold the documents `render` gives, byte for byte: the
/// compile-time proof covers what CloudFormation deploys.
#[test]
fn exported_templates_pass_cfn_lint_and_hold_the_rendered_documents() {
    use xacct_deploy::export::{per_account, stack_set, write, BucketPolicies};
    // Bucket policies are never dropped or exported whole without a choice.
    let unchosen = scratch("export-unchosen");
    let (code, out, err) = run_cli_output(&[
        "export".into(),
        "cloudformation".into(),
        "--out".into(),
        unchosen.display().to_string(),
    ]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.starts_with("error: invalid `--bucket-policy`") && !unchosen.exists(),
        "{err}"
    );
    let mut lint = CfnLint::new();
    for deployment in EXAMPLES {
        for as_stack_set in [false, true] {
            let exported = if as_stack_set {
                stack_set(deployment, BucketPolicies::Export, None)
            } else {
                per_account(deployment, BucketPolicies::Export, None)
            }
            .unwrap();
            let dir = scratch(&format!("export-{}-{as_stack_set}", deployment.name));
            write(deployment, &dir, &exported).unwrap();
            lint.add(
                &format!("{}-{as_stack_set}", deployment.name),
                &dir,
                &exported,
            );
            let mut policies = std::collections::BTreeSet::new();
            for t in &exported.templates {
                for resource in t.body["Resources"].as_object().unwrap().values() {
                    for key in ["AssumeRolePolicyDocument", "PolicyDocument", "Policy"] {
                        let policy = &resource["Properties"][key];
                        if !policy.is_null() {
                            policies.insert(policy.to_string());
                        }
                    }
                }
            }
            for doc in deployment.documents() {
                // A key policy is the key's own property: said in the notes, not a resource.
                if doc.kind == DocumentKind::KeyPolicy {
                    assert!(
                        exported
                            .notes
                            .iter()
                            .any(|n| n.contains(doc.target.as_ref())
                                && n.contains(&deployment.sid_prefix())),
                        "{}: the key policy's statements are printed: {:?}",
                        deployment.name,
                        exported.notes
                    );
                    continue;
                }
                if let Some(policy) = doc.policy.as_deref() {
                    assert!(
                        policies.contains(policy),
                        "{}: the {} of {} is not in the templates as rendered",
                        deployment.name,
                        doc.kind.describe(),
                        doc.target
                    );
                }
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
    lint.assert_clean();
}

/// The per-account templates of every example, created as CloudFormation stacks in the emulator
/// in the exported order, leave nothing for `plan` to do: the two routes agree. A second export
/// with `--read-live` keeps a bucket-policy statement someone else wrote.
#[test]
fn exported_stacks_deployed_in_order_agree_with_plan() {
    use xacct_deploy::export::{per_account, write, BucketPolicies};
    let _emulator = emulator();
    for deployment in EXAMPLES {
        seed(deployment);
        let exported = per_account(deployment, BucketPolicies::Export, None).unwrap();
        let dir = scratch(&format!("stacks-{}", deployment.name));
        write(deployment, &dir, &exported).unwrap();
        let stacks: Vec<Value> = exported
            .order
            .iter()
            .flatten()
            .flat_map(|account| {
                exported
                    .templates
                    .iter()
                    .filter(move |t| t.account.as_deref() == Some(account.as_str()))
            })
            .map(|t| {
                json!([
                    t.account,
                    t.region,
                    format!(
                        "xacct-{}-{}",
                        deployment.name.replace('_', "-"),
                        t.file.trim_end_matches(".json").replace('.', "-")
                    ),
                    dir.join(&t.file).display().to_string()
                ])
            })
            .collect();
        let created = fixture("create-stacks", &json!({ "stacks": stacks }));
        assert_eq!(
            created["created"].as_array().unwrap().len(),
            exported.templates.len()
        );
        // What the export's note asks of the key's owners: our statements added to its policy.
        for doc in deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::KeyPolicy)
        {
            let ours: Value = serde_json::from_str(doc.policy.as_deref().unwrap()).unwrap();
            fixture(
                "add-key-statements",
                &json!({ "account": doc.account, "region": doc.region, "key": doc.target, "statements": ours["Statement"] }),
            );
        }
        assert_stored_equals_render(deployment);
        runtime().block_on(async {
            let session = Session::connect(deployment, &specs(deployment))
                .await
                .unwrap();
            let plan = session.plan(Mode::Apply, false).await.unwrap();
            assert!(
                !plan.has_changes(),
                "{}: plan after the stacks: {:?} {:?}",
                deployment.name,
                plan.changes
                    .iter()
                    .filter(|c| c.op != Op::NoOp)
                    .map(|c| (c.op, c.doc.target.to_string()))
                    .collect::<Vec<_>>(),
                plan.record
            );
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Someone else's statement in a bucket policy: kept by an export that reads the live policy,
    // and reported as a warning by one that does not.
    let deployment = &shared_data::SHARING;
    let (foreign, _) = foreign_bucket_statement(deployment);
    let read = runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        session.read_all().await.unwrap()
    });
    let live = xacct_deploy::export::live_bucket_policies(&read);
    let exported = per_account(deployment, BucketPolicies::Export, Some(&live)).unwrap();
    let template = exported
        .templates
        .iter()
        .find(|t| t.file == "222222222222.json")
        .unwrap();
    assert!(
        template
            .body
            .to_string()
            .contains(&foreign["Sid"].to_string()),
        "the foreign statement is kept: {foreign}"
    );
    let blind = per_account(deployment, BucketPolicies::Export, None).unwrap();
    assert!(blind
        .notes
        .iter()
        .any(|n| n.starts_with("warning: the bucket policy of")));
    let left_out = per_account(deployment, BucketPolicies::LeaveOut, None).unwrap();
    assert!(!left_out
        .templates
        .iter()
        .any(|t| t.body.to_string().contains("AWS::S3::BucketPolicy")));
    assert!(left_out
        .notes
        .iter()
        .any(|n| n.contains("add these statements")));
}
