//! End-to-end: the examples deployed into the local AWS emulator through the real AWS SDK, and
//! read back with an independent client (boto3). Run by `scripts/test.sh`, which starts the
//! emulator and sets `XACCT_TEST_ENDPOINT` and `XACCT_TEST_PYTHON`; without them these tests fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::eval::Verdict;
use policy_core::{Deployment, DocumentKind};
use serde_json::{json, Value};
use std::process::Command;
use xacct_deploy::{AccountSpec, DeployError, Mode, Op, Session};

#[test]
fn apply_writes_every_document_and_a_second_apply_writes_nothing() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(async {
        let (_, writes) = apply(deployment, Mode::Apply).await;
        assert_eq!(
            writes,
            6 + 8,
            "role (with its trust), two inline policies, access point, its policy, bucket policy; \
             their six entries in the record and the list of accounts in each of the two accounts"
        );
        assert_stored_equals_render(deployment);
        assert!(
            !has_changes(deployment, Mode::Apply).await,
            "plan after apply shows no change"
        );
        let (reads, writes) = apply(deployment, Mode::Apply).await;
        assert_eq!(writes, 0, "a second apply makes no write call");
        println!("shared-data no-op apply: {reads} reads, {writes} writes");
    });
}

#[test]
fn every_example_applies_and_destroys_cleanly() {
    let _emulator = emulator();
    for deployment in EXAMPLES {
        seed(deployment);
        runtime().block_on(async {
            apply(deployment, Mode::Apply).await;
            assert_stored_equals_render(deployment);
            assert!(
                !has_changes(deployment, Mode::Apply).await,
                "{}: converged",
                deployment.name
            );
            // What AWS holds now gives exactly the declared access, by the same proof.
            let session = Session::connect(deployment, &specs(deployment))
                .await
                .unwrap();
            let differences = session.verify(None).await.unwrap();
            assert!(
                differences.is_empty(),
                "{}: verify: {differences:#?}",
                deployment.name
            );
            apply(deployment, Mode::Destroy).await;
            assert!(
                !has_changes(deployment, Mode::Destroy).await,
                "{}: nothing left to destroy",
                deployment.name
            );
        });
        // Gone, except a key's policy, which stays with its owners' statements only.
        let ours = format!("\"{}", deployment.sid_prefix());
        let left: Vec<(DocumentKind, Value)> = deployment
            .documents()
            .iter()
            .map(|d| d.kind)
            .zip(read_back(deployment))
            .filter(|(kind, v)| {
                !v.is_null() && (*kind != DocumentKind::KeyPolicy || v.to_string().contains(&ours))
            })
            .collect();
        assert!(
            left.is_empty(),
            "{}: destroy left {left:?}",
            deployment.name
        );
    }
}

#[test]
fn drift_shows_in_plan_and_apply_repairs_it() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let widened = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Xacct7SharingAnalyticsReadsCustomersDelegateObjects", "Effect": "Allow",
        "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "arn:aws:s3:::marketing-customer-data/*"}]});
    fixture(
        "seed",
        &json!({ "bucket_policies": [["222222222222", "marketing-customer-data", widened.to_string()]] }),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let drifted: Vec<_> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.op))
            .collect();
        assert_eq!(drifted, vec![(DocumentKind::BucketPolicy, Op::Update)]);
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(deployment, Mode::Apply).await);
    });
    assert_stored_equals_render(deployment);
}

#[test]
fn foreign_bucket_policy_statements_survive_apply_and_destroy() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let foreign = json!({"Version": "2012-10-17", "Statement": [{"Sid": "BackupReads", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::marketing-customer-data", "arn:aws:s3:::marketing-customer-data/*"]}]});
    fixture(
        "seed",
        &json!({ "bucket_policies": [["222222222222", "marketing-customer-data", foreign.to_string()]] }),
    );
    let bucket_policy = || {
        let docs = json!([{"account": "222222222222", "kind": "bucket-policy", "target": "arn:aws:s3:::marketing-customer-data", "name": "marketing-customer-data"}]);
        fixture("read", &docs)[0].clone()
    };
    runtime().block_on(apply(deployment, Mode::Apply));
    let applied = bucket_policy();
    let statements = applied["Statement"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        3,
        "the foreign statement and the two delegations: {applied}"
    );
    assert!(
        statements.contains(&foreign["Statement"][0]),
        "foreign statement kept as it was: {applied}"
    );
    runtime().block_on(apply(deployment, Mode::Destroy));
    assert_eq!(
        bucket_policy(),
        foreign,
        "destroy leaves exactly the foreign statement"
    );
}

#[test]
fn wrong_account_credentials_stop_before_anything_is_written() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    // Account 111111111111 falls back to the base identity, which the emulator puts in 123456789012.
    let only_b: Vec<AccountSpec> = vec![
        "222222222222=role:arn:aws:iam::222222222222:role/xacct-deployer"
            .parse()
            .unwrap(),
    ];
    let error = runtime()
        .block_on(Session::connect(deployment, &only_b))
        .expect_err("wrong account is refused");
    assert!(
        matches!(&error, DeployError::WrongAccount { expected, actual, .. } if expected == "111111111111" && actual == "123456789012"),
        "{error}"
    );
    assert!(
        error
            .help()
            .is_some_and(|h| h.contains("nothing was written")),
        "{error}"
    );
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(0)
    );
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(0)
    );
    assert!(read_back(deployment).iter().all(Value::is_null));
}

#[test]
fn an_interrupted_apply_converges_on_rerun() {
    let _emulator = emulator();
    let deployment = &data_lake::DATA_LAKE;
    seed(deployment);
    runtime().block_on(async {
        let mut session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        // Past the record's writes, into the resources.
        session.fail_after_writes(plan.record.before.len() + 5);
        let error = session
            .apply(&plan, &|_| {})
            .await
            .expect_err("the injected failure stops the apply");
        assert_eq!(error.code(), Some("InjectedFailure"));
        assert!(has_changes(deployment, Mode::Apply).await, "half applied");
        apply(deployment, Mode::Apply).await;
        assert!(!has_changes(deployment, Mode::Apply).await);
    });
    assert_stored_equals_render(deployment);
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(3),
        "one bridge role per grant, none twice"
    );
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(3)
    );
}

#[test]
fn cli_plan_exit_codes() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let mut args: Vec<String> = vec![
        "shared-data".into(),
        "plan".into(),
        "--detailed-exitcode".into(),
    ];
    for a in deployment.accounts() {
        args.extend([
            "--account".into(),
            format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer"),
        ]);
    }
    // `run_from` starts its own runtime: call it from a plain thread.
    let run = |args: Vec<String>| {
        std::thread::spawn(move || xacct_deploy::cli::run_from(&shared_data::SHARING, args))
            .join()
            .unwrap()
    };
    assert_eq!(
        run(args.clone()),
        std::process::ExitCode::from(2),
        "changes pending"
    );
    let mut apply_args = args.clone();
    apply_args[1] = "apply".into();
    apply_args[2] = "--auto-approve".into();
    assert_eq!(run(apply_args), std::process::ExitCode::SUCCESS);
    assert_eq!(
        run(args.clone()),
        std::process::ExitCode::SUCCESS,
        "no changes"
    );
    assert_eq!(
        run(vec![
            "shared-data".into(),
            "plan".into(),
            "--account".into(),
            "12=role:x".into()
        ]),
        std::process::ExitCode::from(1)
    );
}

#[test]
fn a_resource_changed_after_the_plan_stops_the_apply() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment)).await.unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let someone_else = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Audit", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "s3:GetBucketPolicy", "Resource": "arn:aws:s3:::marketing-customer-data"}]});
        fixture("seed", &json!({ "bucket_policies": [["222222222222", "marketing-customer-data", someone_else.to_string()]] }));
        let error = session.apply(&plan, &|_| {}).await.expect_err("the bucket policy changed after the plan");
        assert!(matches!(&error, DeployError::Changed { resource, .. } if resource.contains("bucket policy")), "{error}");
        // A fresh plan keeps the newcomer's statement and converges.
        apply(deployment, Mode::Apply).await;
        assert!(!has_changes(deployment, Mode::Apply).await);
    });
}

#[test]
fn an_existing_role_is_adopted_only_when_asked() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    fixture(
        "seed",
        &json!({ "roles": [["222222222222", "arn:aws:iam::222222222222:role/analytics-reader"]] }),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let error = session
            .plan(Mode::Apply, false)
            .await
            .expect_err("a role the deployment did not create");
        assert!(error.to_string().contains("pass --adopt"), "{error}");
        let plan = session.plan(Mode::Apply, true).await.unwrap();
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(
            !has_changes(deployment, Mode::Apply).await,
            "adopted: tagged, trust and policies written"
        );
    });
    assert_stored_equals_render(deployment);
}

#[test]
fn verify_reports_a_foreign_statement_that_widens_access() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(async {
        apply(deployment, Mode::Apply).await;
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        assert_eq!(
            session.verify(None).await.unwrap(),
            Vec::<String>::new(),
            "freshly applied: live access is the declaration"
        );
    });
    // Someone adds a statement of their own that opens the bucket to everybody.
    let docs = json!([{"account": "222222222222", "kind": "bucket-policy", "target": "arn:aws:s3:::marketing-customer-data", "name": "marketing-customer-data"}]);
    let mut policy = fixture("read", &docs)[0].clone();
    policy["Statement"].as_array_mut().unwrap().push(json!({"Sid": "Oops", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::marketing-customer-data/*"}));
    fixture(
        "seed",
        &json!({ "bucket_policies": [["222222222222", "marketing-customer-data", policy.to_string()]] }),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let differences = session.verify(None).await.unwrap();
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert!(
            differences[0].contains("is allowed `s3:GetObject`")
                && differences[0].contains("statement `Oops`"),
            "{}",
            differences[0]
        );
        // Plan leaves the foreign statement alone: verify is what sees it.
        assert!(!has_changes(deployment, Mode::Apply).await);
    });
    let mut args = vec!["shared-data".to_owned(), "verify".to_owned()];
    for a in deployment.accounts() {
        args.extend([
            "--account".into(),
            format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer"),
        ]);
    }
    let code = std::thread::spawn(move || xacct_deploy::cli::run_from(&shared_data::SHARING, args))
        .join()
        .unwrap();
    assert_eq!(
        code,
        std::process::ExitCode::from(2),
        "verify exits non-zero when live access differs"
    );
}

#[test]
fn explain_follows_the_requester_through_the_bridge_role() {
    use policy_core::eval::{Context, PolicySet};
    use policy_core::explain::explain;
    let deployment = &shared_data::SHARING;
    let set = PolicySet::from_documents(deployment.documents()).unwrap();
    let object =
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/2026.csv";
    let etl = "arn:aws:iam::111111111111:role/analytics-etl";
    let with_id: Context = [(
        "sts:ExternalId".to_owned(),
        vec!["analytics-2026".to_owned()],
    )]
    .into();
    let allowed = explain(
        &set,
        deployment.grants(),
        etl,
        "s3:GetObject",
        object,
        &with_id,
    );
    assert_eq!(allowed.verdict, Verdict::Allow);
    assert_eq!(allowed.steps.len(), 2);
    assert!(allowed.steps[1]
        .decision
        .reasons
        .iter()
        .any(|r| r.to_string().contains("bucket policy")));
    let no_id = explain(
        &set,
        deployment.grants(),
        etl,
        "s3:GetObject",
        object,
        &Context::new(),
    );
    assert!(
        no_id.verdict == Verdict::Deny && no_id.steps.len() == 1,
        "without the external id the bridge role cannot be assumed"
    );
    let outside = explain(
        &set,
        deployment.grants(),
        etl,
        "s3:GetObject",
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/orders/1.csv",
        &with_id,
    );
    assert_eq!(outside.verdict, Verdict::Deny);
    let put = explain(
        &set,
        deployment.grants(),
        etl,
        "s3:PutObject",
        object,
        &with_id,
    );
    assert_eq!(put.verdict, Verdict::Deny, "only declared actions");
}

/// A deployment of two grants, and the same deployment (same name) after its code changed: one
/// grant deleted (its requester's account is no longer named), the other renamed, moved to
/// another access point, its bridge role dropped and its actions narrowed.
mod sales_before {
    policy_macros::grants! {
        /// Sales data shared with two consumers.
        pub static SALES = {
            grant etl_reads_sales {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/etl-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales",
                bucket: "sales-data",
                actions: [s3:GetObject, s3:ListBucket],
                prefixes: ["sales/"],
            }
            grant bi_reads_sales {
                requester: "arn:aws:iam::333333333333:role/bi",
                assume_role: "arn:aws:iam::222222222222:role/bi-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales",
                bucket: "sales-data",
                actions: [s3:GetObject],
                prefixes: ["sales/"],
            }
        };
    }
}

mod sales_after {
    policy_macros::grants! {
        /// Sales data shared with one consumer, directly.
        pub static SALES = {
            grant etl_reads_reports {
                requester: "arn:aws:iam::111111111111:role/etl",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales-reports",
                bucket: "sales-data",
                actions: [s3:GetObject],
                prefixes: ["sales/"],
            }
        };
    }
}

fn all_specs(accounts: &[&str]) -> Vec<AccountSpec> {
    accounts
        .iter()
        .map(|a| {
            format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer")
                .parse()
                .unwrap()
        })
        .collect()
}

/// The decision for `principal` reading `object` through `access_point`, judged by the
/// evaluator on every document of `deployment` (declared or left behind) as read back from AWS.
async fn live_decision(
    deployment: &Deployment,
    specs: &[AccountSpec],
    principal: &str,
    access_point: &str,
    object: &str,
) -> bool {
    use policy_core::eval::{Context, PolicySet};
    let session = Session::connect(deployment, specs).await.unwrap();
    let mut documents = Vec::new();
    for (target, live) in session.read_all().await.unwrap() {
        documents.extend(live.stored(target.doc));
    }
    let set = PolicySet::from_documents(&documents).unwrap();
    let resource = format!("{access_point}/object/{object}");
    policy_core::explain::explain(
        &set,
        deployment.grants(),
        principal,
        "s3:GetObject",
        &resource,
        &Context::new(),
    )
    .verdict
    .decided()
        || {
            // Through a bridge role the grant no longer declares: assume it, then read.
            let bridge = "arn:aws:iam::222222222222:role/bi-reader";
            let assume = policy_core::eval::Request {
                principal: principal.to_owned(),
                action: "sts:AssumeRole".into(),
                resource: bridge.into(),
                context: Context::new(),
            };
            let read = policy_core::eval::Request {
                principal: bridge.into(),
                action: "s3:GetObject".into(),
                resource,
                context: Context::new(),
            };
            policy_core::eval::evaluate(&set, &assume).verdict.decided()
                && policy_core::eval::evaluate(&set, &read).verdict.decided()
        }
}

#[test]
fn a_grant_deleted_from_the_code_loses_every_access_path() {
    let _emulator = emulator();
    let before = &sales_before::SALES;
    let after = &sales_after::SALES;
    seed(before);
    let everyone = all_specs(&["111111111111", "222222222222", "333333333333"]);
    let bi = "arn:aws:iam::333333333333:role/bi";
    let old_ap = "arn:aws:s3:us-east-1:222222222222:accesspoint/sales";
    runtime().block_on(async {
        apply(before, Mode::Apply).await;
        assert!(live_decision(before, &everyone, bi, old_ap, "sales/q1.csv").await, "bi reads before");

        // The account of the deleted grant's requester is no longer named: plan asks for it.
        let error = Session::connect(after, &specs(after))
            .await
            .unwrap()
            .plan(Mode::Apply, false)
            .await
            .expect_err("account 333333333333 still holds the deployment's resources");
        assert!(
            matches!(&error, DeployError::UndeclaredAccount { account, .. } if account == "333333333333"),
            "{error}"
        );

        let session = Session::connect(after, &everyone).await.unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        // Another process, with nothing but AWS to go by, plans the same.
        let again = Session::connect(after, &everyone)
            .await
            .unwrap()
            .plan(Mode::Apply, false)
            .await
            .unwrap();
        let summary = |p: &xacct_deploy::Plan| {
            p.changes
                .iter()
                .map(|c| (c.doc.kind, c.doc.target.to_string(), c.op))
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(&plan), summary(&again));
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences
                .iter()
                .any(|d| d.contains("role/bi-reader") && d.contains("no grant declares it")),
            "verify reports the access left by the deleted grant: {differences:?}"
        );
        let gone: Vec<(DocumentKind, &str, Option<&str>)> = plan
            .changes
            .iter()
            .filter(|c| c.op == Op::Delete)
            .map(|c| (c.doc.kind, c.doc.target.as_ref(), c.reason.as_deref()))
            .collect();
        for (kind, target) in [
            (DocumentKind::Role, "arn:aws:iam::222222222222:role/bi-reader"),
            (DocumentKind::Role, "arn:aws:iam::222222222222:role/etl-reader"),
            (DocumentKind::RoleInlinePolicy, bi),
            (DocumentKind::AccessPoint, old_ap),
        ] {
            assert!(gone.iter().any(|(k, t, _)| *k == kind && *t == target), "{kind:?} {target} in {gone:?}");
        }
        assert!(
            gone.iter().any(|(_, t, reason)| *t == bi && *reason == Some("grant bi_reads_sales is no longer declared")),
            "{gone:?}"
        );
        session.apply(&plan, &|_| {}).await.unwrap();

        // A fresh session (no state but AWS's) plans nothing, with only the declared accounts.
        assert!(!has_changes(after, Mode::Apply).await, "converged");
        assert!(!live_decision(before, &everyone, bi, old_ap, "sales/q1.csv").await, "bi reads after");
        let etl = "arn:aws:iam::111111111111:role/etl";
        let new_ap = "arn:aws:s3:us-east-1:222222222222:accesspoint/sales-reports";
        assert!(live_decision(after, &specs(after), etl, new_ap, "sales/q1.csv").await);
        assert!(!live_decision(before, &everyone, etl, old_ap, "sales/q1.csv").await);
    });
    assert_stored_equals_render(after);
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(0)
    );
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(1)
    );
}

#[test]
fn a_statement_added_to_a_policy_the_deployment_created_is_removed_and_one_in_a_shared_policy_kept()
{
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let stranger = json!({"Sid": "Stranger", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/*"});
    let docs: Value = serde_json::from_str(deployment.render_json()).unwrap();
    let policy_docs: Vec<&Value> = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "access-point-policy" || d["kind"] == "bucket-policy")
        .collect();
    for doc in &policy_docs {
        let mut stored = fixture("read", &json!([doc]))[0].clone();
        stored["Statement"]
            .as_array_mut()
            .unwrap()
            .push(stranger.clone());
        if doc["kind"] == "access-point-policy" {
            fixture(
                "put-access-point-policy",
                &json!({"account": doc["account"], "name": doc["name"], "policy": stored.to_string()}),
            );
        } else {
            fixture(
                "seed",
                &json!({"bucket_policies": [[doc["account"], doc["name"], stored.to_string()]]}),
            );
        }
    }
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let changed: Vec<DocumentKind> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| c.doc.kind)
            .collect();
        assert_eq!(
            changed,
            vec![DocumentKind::AccessPointPolicy],
            "only the access point we created drifted"
        );
        let change = plan.changes.iter().find(|c| c.op != Op::NoOp).unwrap();
        assert!(change
            .before
            .as_deref()
            .is_some_and(|b| b.contains("Stranger")));
        assert!(!change
            .after
            .as_deref()
            .is_some_and(|a| a.contains("Stranger")));
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    let ap_doc = policy_docs
        .iter()
        .find(|d| d["kind"] == "access-point-policy")
        .unwrap();
    assert_eq!(
        xacct_deploy::plan::normalize(&fixture("read", &json!([ap_doc]))[0]),
        xacct_deploy::plan::normalize(&ap_doc["policy"]),
        "the access point policy is exactly what the deployment declares"
    );
    let bucket = fixture(
        "read",
        &json!([policy_docs
            .iter()
            .find(|d| d["kind"] == "bucket-policy")
            .unwrap()]),
    )[0]
    .clone();
    assert!(
        bucket["Statement"].as_array().unwrap().contains(&stranger),
        "the bucket policy is shared: {bucket}"
    );
    // Destroy deletes the access point it created, whatever its policy held.
    runtime().block_on(apply(deployment, Mode::Destroy));
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(0)
    );
}

#[test]
fn an_access_point_someone_else_created_is_neither_taken_over_nor_deleted() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    fixture(
        "create-access-point",
        &json!({"account": "222222222222", "name": "marketing-data", "bucket": "marketing-customer-data"}),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let error = session
            .plan(Mode::Apply, false)
            .await
            .expect_err("refused without --adopt");
        assert!(
            error.to_string().contains("access point") && error.to_string().contains("--adopt"),
            "{error}"
        );
        let plan = session.plan(Mode::Destroy, false).await.unwrap();
        assert!(plan
            .changes
            .iter()
            .all(|c| c.doc.kind != DocumentKind::AccessPoint || c.op == Op::NoOp));
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(1)
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, true).await.unwrap();
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(deployment, Mode::Apply).await, "adopted");
    });
}

/// Two deployments whose names differ only by case, in the same accounts, on the same bucket and
/// the same requester role.
mod upper {
    policy_macros::grants! {
        pub static D = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/reader-upper",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/d-upper",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

mod lower {
    #![allow(non_upper_case_globals)]
    policy_macros::grants! {
        pub static d = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/reader-lower",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/d-lower",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

#[test]
fn deployments_named_d_and_lowercase_d_never_touch_each_other() {
    let _emulator = emulator();
    let (upper, lower) = (&upper::D, &lower::d);
    assert_ne!(upper.sid_prefix(), lower.sid_prefix());
    assert_ne!(
        upper.inline_policy_name().to_lowercase(),
        lower.inline_policy_name().to_lowercase()
    );
    seed(upper);
    runtime().block_on(async {
        apply(upper, Mode::Apply).await;
        apply(lower, Mode::Apply).await;
        assert!(
            !has_changes(upper, Mode::Apply).await,
            "D untouched by d's apply"
        );
        apply(lower, Mode::Destroy).await;
        assert!(
            !has_changes(upper, Mode::Apply).await,
            "D untouched by d's destroy"
        );
        assert!(!has_changes(lower, Mode::Destroy).await);
    });
    assert_stored_equals_render(upper);
    for (doc, stored) in lower.documents().iter().zip(read_back(lower)) {
        if doc.kind == DocumentKind::BucketPolicy {
            let text = stored.to_string();
            assert!(
                !text.contains(&format!("\"{}", lower.sid_prefix())),
                "{text}"
            );
            assert!(
                text.contains(&format!("\"{}", upper.sid_prefix())),
                "{text}"
            );
        } else {
            assert!(
                stored.is_null(),
                "{} {} left: {stored}",
                doc.kind.as_str(),
                doc.target
            );
        }
    }
}

#[test]
fn a_trust_policy_naming_a_deleted_role_by_its_unique_id_is_reported_and_repaired() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let trust = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::RoleTrustPolicy)
        .unwrap();
    let broken = trust.policy.as_deref().unwrap().replace(
        "arn:aws:iam::111111111111:role/analytics-etl",
        "AROAEXAMPLEUNIQUEID42",
    );
    fixture(
        "update-trust",
        &json!({"account": trust.account, "role": trust.target.rsplit('/').next(), "policy": broken}),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let change = plan
            .changes
            .iter()
            .find(|c| c.op != Op::NoOp)
            .expect("the trust policy changes");
        assert_eq!(change.doc.kind, DocumentKind::RoleTrustPolicy);
        assert!(
            change
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("AROAEXAMPLEUNIQUEID42")),
            "{:?}",
            change.reason
        );
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences
                .iter()
                .any(|d| d.contains("AROAEXAMPLEUNIQUEID42")),
            "{differences:?}"
        );
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(deployment, Mode::Apply).await, "repaired");
    });
    assert_stored_equals_render(deployment);
}

/// The example's command line as a process, its stdout closed before it writes or on a full disk.
fn run_cli(args: &[&str], stdout: std::process::Stdio) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A reader that went away: the read end closes before anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_one_line() {
    let explain = [
        "explain",
        "--principal",
        "arn:aws:iam::111111111111:role/analytics-etl",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/a.csv",
    ];
    for args in [&["render"][..], &explain[..]] {
        let (code, stderr) = run_cli(args, std::process::Stdio::piped());
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_cli(args, full.into());
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output"),
            "{stderr}"
        );
    }
}

/// The fault-injecting proxy of `fault_proxy.py` in front of the emulator; AWS calls of sessions
/// connected while it is set go through it.
struct FaultProxy {
    child: std::process::Child,
    port: u16,
}

impl FaultProxy {
    fn start() -> FaultProxy {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fault_proxy.py");
        let mut child = Command::new(env("XACCT_TEST_PYTHON"))
            .args([script, endpoint()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the proxy prints its port");
        std::env::set_var("AWS_ENDPOINT_URL", format!("http://localhost:{port}"));
        FaultProxy { child, port }
    }

    /// Sets the faults (see `fault_proxy.py`) and returns the counts so far.
    fn faults(&self, faults: Value) -> Value {
        use std::io::{Read, Write};
        let body = faults.to_string();
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST /__faults HTTP/1.1\r\nHost: proxy\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let json = answer.split("\r\n\r\n").nth(1).unwrap_or("{}");
        serde_json::from_str(json).unwrap()
    }

    fn off(&self) -> Value {
        self.faults(json!({"rate": 0.0, "kinds": []}))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::env::set_var("AWS_ENDPOINT_URL", endpoint());
    }
}

/// A statement of someone else's in the data lake's first bucket, which nothing may lose.
fn foreign_bucket_statement(deployment: &Deployment) -> (Value, Value) {
    let doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::BucketPolicy)
        .unwrap();
    let statement = json!({"Sid": "SomeoneElse", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{}/public/*", doc.name.as_deref().unwrap())});
    fixture(
        "seed",
        &json!({"bucket_policies": [[doc.account, doc.name, json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()]]}),
    );
    let read = json!([{"account": doc.account, "kind": "bucket-policy", "target": doc.target, "name": doc.name}]);
    (statement, read)
}

async fn try_run(deployment: &Deployment, mode: Mode) -> Result<(), DeployError> {
    try_run_with(deployment, mode, xacct_deploy::DEFAULT_CONCURRENCY).await
}

async fn try_run_with(
    deployment: &Deployment,
    mode: Mode,
    concurrency: usize,
) -> Result<(), DeployError> {
    let mut session = Session::connect(deployment, &specs(deployment)).await?;
    session.set_concurrency(concurrency);
    let plan = session.plan(mode, false).await?;
    session.apply(&plan, &|_| {}).await
}

/// Apply, then destroy, of the data-lake example through the fault proxy at `rate` (every kind of
/// fault): whatever failed, one clean rerun converges, a foreign bucket statement survives, and
/// destroy leaves no role or access point. One test per rate, so that they run side by side.
fn faults_at_a_rate_converge_on_one_clean_rerun(fault_seed: u64, rate: f64) {
    let _emulator = emulator();
    let deployment = &data_lake::DATA_LAKE;
    let kinds = ["503", "throttle", "reset-before", "reset-after", "delay"];
    let (mut runs, mut failed, mut converged) = (0, 0, 0);
    seed(deployment);
    let (foreign, read) = foreign_bucket_statement(deployment);
    let proxy = FaultProxy::start();
    for mode in [Mode::Apply, Mode::Destroy] {
        proxy.faults(json!({"rate": rate, "kinds": kinds, "seed": fault_seed}));
        runs += 1;
        let result = runtime().block_on(try_run(deployment, mode));
        failed += usize::from(result.is_err());
        let counts = proxy.off();
        println!(
            "rate {rate} {mode:?}: {counts} -> {:?}",
            result.err().map(|e| e.to_string())
        );
        runtime().block_on(async {
            apply(deployment, mode).await;
            assert!(
                !has_changes(deployment, mode).await,
                "rate {rate} {mode:?}: one clean rerun converges"
            );
        });
        converged += 1;
        let bucket = fixture("read", &read)[0].clone();
        assert!(
            bucket.to_string().contains(&foreign["Sid"].to_string()),
            "foreign statement kept: {bucket}"
        );
    }
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(0)
    );
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(0)
    );
    println!("fault runs: {runs}, failed under faults: {failed}, converged on one clean rerun: {converged}");
}

#[test]
fn faults_at_a_tenth_of_the_calls_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(1, 0.1);
}

#[test]
fn faults_at_three_tenths_of_the_calls_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(2, 0.3);
}

#[test]
fn faults_at_half_the_calls_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(3, 0.5);
}

#[test]
fn a_write_whose_answer_is_lost_still_succeeds() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    // Every write is carried out, its answer dropped; the SDK's retry then meets "already exists"
    // or "no such entity". One call at a time: the re-read that checks such a write must not wait
    // for the place its own write holds.
    for mode in [Mode::Apply, Mode::Destroy] {
        proxy.faults(
            json!({"rate": 1.0, "kinds": ["reset-after"], "writes_only": true, "first_only": true}),
        );
        runtime()
            .block_on(try_run_with(deployment, mode, 1))
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        let counts = proxy.off();
        assert!(counts["faults"].as_u64().unwrap() > 5, "{counts}");
        assert!(
            !runtime().block_on(has_changes(deployment, mode)),
            "{mode:?} converged"
        );
    }
    assert!(read_back(deployment).iter().all(Value::is_null));
}

#[test]
fn a_call_that_never_answers_times_out_with_a_clear_error() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(json!({"rate": 1.0, "kinds": ["hang"], "writes_only": true}));
    let started = std::time::Instant::now();
    let error = runtime().block_on(async {
        let session = Session::connect_with_timeout(
            deployment,
            &specs(deployment),
            std::time::Duration::from_secs(1),
        )
        .await
        .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        session
            .apply(&plan, &|_| {})
            .await
            .expect_err("the first write never gets an answer")
    });
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.code(), Some("Timeout"), "{error}");
    assert!(
        error.help().is_some_and(|h| h.contains("resumes")),
        "{:?}",
        error.help()
    );
    drop(proxy);
    runtime().block_on(apply(deployment, Mode::Apply));
    assert!(
        !runtime().block_on(has_changes(deployment, Mode::Apply)),
        "a rerun resumes"
    );
}

/// Crashes an apply or destroy after each of its writes in turn; each time one clean rerun
/// converges, keeps the foreign bucket statement and leaves no duplicate. Returns how many crashes.
fn a_crash_after_any_write_converges_on_rerun(mode: Mode) -> usize {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    let mut crashes = 0;
    for n in 0.. {
        emulator_reset();
        seed(deployment);
        let (foreign, read) = foreign_bucket_statement(deployment);
        if mode == Mode::Destroy {
            runtime().block_on(apply(deployment, Mode::Apply));
        }
        let crashed = runtime().block_on(async {
            let mut session = Session::connect(deployment, &specs(deployment))
                .await
                .unwrap();
            let plan = session.plan(mode, false).await.unwrap();
            session.fail_after_writes(n);
            session.apply(&plan, &|_| {}).await.is_err()
        });
        if !crashed {
            break;
        }
        crashes += 1;
        runtime().block_on(async {
            apply(deployment, mode).await;
            assert!(
                !has_changes(deployment, mode).await,
                "{mode:?} after a crash at write {n}"
            );
        });
        let bucket = fixture("read", &read)[0].clone();
        assert!(
            bucket["Statement"].as_array().unwrap().contains(&foreign),
            "{bucket}"
        );
        let roles = fixture("count-roles", &json!({"account": "222222222222"}));
        assert_eq!(
            roles,
            json!(usize::from(mode == Mode::Apply)),
            "no duplicate, nothing left over"
        );
    }
    crashes
}

#[test]
fn a_crash_after_any_write_of_an_apply_converges_on_rerun() {
    let crashes = a_crash_after_any_write_converges_on_rerun(Mode::Apply);
    assert!(crashes >= 10, "{crashes}");
}

#[test]
fn a_crash_after_any_write_of_a_destroy_converges_on_rerun() {
    let crashes = a_crash_after_any_write_converges_on_rerun(Mode::Destroy);
    assert!(crashes >= 10, "{crashes}");
}

#[test]
fn an_html_page_instead_of_aws_says_what_answered() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(json!({"rate": 1.0, "kinds": ["html502"], "writes_only": true}));
    let error = runtime()
        .block_on(try_run(deployment, Mode::Apply))
        .expect_err("every write meets a gateway");
    assert_eq!(error.code(), Some("Http502"), "{error}");
    assert!(
        error.to_string().contains("HTTP 502") && error.to_string().contains("Bad Gateway"),
        "{error}"
    );
    assert!(!error.to_string().contains("Request {"), "{error}");
}

/// The example's command line as a process with `env` set, its exit code and stderr.
fn run_cli_env(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .envs(env.iter().copied())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_connection_options_are_one_clear_error_before_any_call() {
    let keys = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut env = keys.to_vec();
        env.push(extra);
        env
    };
    type Case<'a> = (&'a [&'a str], Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 3] = [
        (
            &[
                "plan",
                "--account",
                "111111111111=profile:a",
                "--account",
                "111111111111=profile:b",
            ],
            keys.to_vec(),
            "account 111111111111 is given more than once",
        ),
        (
            // Environment credentials are set: the profile must still be the one used.
            &["plan", "--account", "111111111111=profile:no-such-profile"],
            with(("AWS_ENDPOINT_URL", "http://127.0.0.1:9")),
            "profile `no-such-profile` gives no credentials",
        ),
        (
            &["plan"],
            with(("AWS_ENDPOINT_URL", "notaurl")),
            "the endpoint `notaurl`",
        ),
    ];
    for (args, env, expected) in cases {
        let (code, stderr) = run_cli_env(args, &env);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("Request {") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

#[test]
fn a_bucket_policy_written_by_someone_else_meanwhile_keeps_both() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(
        json!({"rate": 1.0, "kinds": ["interleave"], "writes_only": true, "first_only": true}),
    );
    runtime()
        .block_on(try_run(deployment, Mode::Apply))
        .unwrap();
    let counts = proxy.off();
    assert!(counts["faults"].as_u64().unwrap() >= 1, "{counts}");
    drop(proxy);
    assert!(
        !runtime().block_on(has_changes(deployment, Mode::Apply)),
        "our statements are back"
    );
    let doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::BucketPolicy)
        .unwrap();
    let read = json!([{"account": doc.account, "kind": "bucket-policy", "target": doc.target, "name": doc.name}]);
    let stored = fixture("read", &read)[0].to_string();
    assert!(
        stored.contains("Interleaved"),
        "their statement is kept: {stored}"
    );
}

#[test]
fn two_applies_at_once_both_end_cleanly() {
    let _emulator = emulator();
    let deployment = &data_lake::DATA_LAKE;
    seed(deployment);
    let (first, second) = runtime().block_on(async {
        futures_join(
            try_run(deployment, Mode::Apply),
            try_run(deployment, Mode::Apply),
        )
        .await
    });
    for result in [&first, &second] {
        if let Err(error) = result {
            assert!(
                matches!(error, DeployError::Changed { .. })
                    && error.help().is_some_and(|h| h.contains("another apply")),
                "{error}"
            );
        }
    }
    runtime().block_on(apply(deployment, Mode::Apply));
    assert!(!runtime().block_on(has_changes(deployment, Mode::Apply)));
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(3)
    );
}

/// Both futures, run concurrently on the test's runtime.
async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    tokio::join!(a, b)
}

/// Runs the shared-data binary against the emulator: exit code, stdout, stderr.
fn run_cli_output(args: &[String]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Organizations: `verify` and `explain --organization` read the SCPs and RCPs of an organization
/// of three accounts (management 999999999999; 111111111111 in OU analytics, 222222222222 in OU
/// marketing), report the declared access a guardrail blocks with the policy that blocks it, and
/// say when they could not read them.
#[test]
fn verify_and_explain_name_the_organization_policy_that_blocks_a_grant() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let organization = "role:arn:aws:iam::999999999999:role/xacct-deployer";
    let with_accounts = |command: &str, extra: &[&str]| {
        let mut args = vec![command.to_owned()];
        for a in deployment.accounts() {
            args.extend([
                "--account".to_owned(),
                format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer"),
            ]);
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        run_cli_output(&args)
    };

    // Not asked: said. Asked, but 999999999999 manages no organization yet: said, and the
    // verification without the guardrails still runs.
    let (code, out, err) = with_accounts("verify", &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("were not consulted"), "{out}");
    let (code, out, err) = with_accounts("verify", &["--organization", organization]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("could not be read") && out.contains("AWSOrganizationsNotInUseException"),
        "{out}"
    );

    let deny_assume = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]});
    let deny_reads = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]});
    let org = fixture(
        "organization",
        &json!({
            "management": "999999999999",
            "members": {"111111111111": "analytics", "222222222222": "marketing"},
            "scps": {"analytics": deny_assume},
            "rcps": {"marketing": deny_reads},
        }),
    );
    let scp_id = org["policies"]["analytics-scps"].as_str().unwrap();
    let analytics_ou = org["ous"]["analytics"].as_str().unwrap();
    let (code, out, err) = with_accounts("verify", &["--organization", organization]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        out.contains(&format!(
            "service control policy {scp_id} (analytics-scps) attached to {analytics_ou}"
        )) && out.contains("is denied `sts:AssumeRole`"),
        "{out}"
    );
    assert!(
        out.contains(org["id"].as_str().unwrap()),
        "says which organization: {out}"
    );

    // explain: the ETL role cannot assume the bridge role (the SCP of its account), and the bridge
    // role cannot read (the RCP of the bucket's account).
    let object =
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/2026.csv";
    let explain = |principal: &str| {
        run_cli_output(
            &[
                "explain",
                "--principal",
                principal,
                "--action",
                "s3:GetObject",
                "--resource",
                object,
                "--context",
                "sts:ExternalId=analytics-2026",
                "--organization",
                organization,
                "--json",
            ]
            .map(str::to_owned),
        )
    };
    let (code, out, err) = explain("arn:aws:iam::111111111111:role/analytics-etl");
    assert_eq!(code, Some(0), "{err}");
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["decision"], "deny", "{answer:#}");
    let step = &answer["steps"][0];
    assert!(
        step["reasons"][0]["document"]
            .as_str()
            .unwrap()
            .contains(&format!("service control policy {scp_id}")),
        "{step:#}"
    );
    let consulted = step["documents_consulted"].to_string();
    assert!(
        consulted.contains("trust policy of arn:aws:iam::222222222222:role/analytics-reader")
            && consulted.contains("service control policy p-FullAWSAccess"),
        "{consulted}"
    );
    let (_, out, err) = explain("arn:aws:iam::222222222222:role/analytics-reader");
    let answer: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!(answer["decision"], "deny", "{answer:#}");
    assert!(
        answer["steps"][0]["reasons"]
            .to_string()
            .contains("resource control policy"),
        "{answer:#}"
    );
}

/// A fresh directory for one test's files.
/// Every example's templates, per account and for a StackSet, pass cfn-lint (pinned, in the
/// venv) with no error and no warning, and hold the documents `render` gives, byte for byte: the
/// compile-time proof covers what CloudFormation deploys.
#[test]
fn exported_templates_pass_cfn_lint_and_hold_the_rendered_documents() {
    use xacct_deploy::export::{per_account, stack_set, write, BucketPolicies};
    let python = std::path::PathBuf::from(env("XACCT_TEST_PYTHON"));
    let cfn_lint = python.with_file_name("cfn-lint");
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
            let files: Vec<std::path::PathBuf> = exported
                .templates
                .iter()
                .map(|t| dir.join(&t.file))
                .collect();
            let lint = Command::new(&cfn_lint).args(&files).output().unwrap();
            assert!(
                lint.status.success(),
                "{}: cfn-lint: {}{}",
                deployment.name,
                String::from_utf8_lossy(&lint.stdout),
                String::from_utf8_lossy(&lint.stderr)
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

/// The deployment in force now, as the command line computes it.
fn in_force_now(deployment: &Deployment) -> policy_core::pipeline::InForce<'_> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    policy_core::pipeline::in_force(deployment, i64::try_from(now).unwrap()).unwrap()
}

/// A grant whose expiry has passed is planned away like a deleted one, with the expiry as the
/// reason: its own documents go, its statements leave the documents it shared, and the grant
/// still in force keeps exactly its access. `verify` says so before the apply.
#[test]
fn an_expired_grant_is_reported_and_its_access_removed() {
    let _emulator = emulator();
    let declared = &private_network::PRIVATE_LAKE;
    seed(declared);
    runtime().block_on(apply(declared, Mode::Apply));
    // The same code after `bi_reads`'s expiry (an expiry in the past).
    let mut expired = declared.clone();
    let mut grants = expired.grants.to_vec();
    let bi = grants.iter_mut().find(|g| g.name == "bi_reads").unwrap();
    bi.expires = Some("2020-01-01T00:00:00Z".into());
    expired.grants = grants.into();
    let in_force = in_force_now(&expired);
    assert_eq!(in_force.expired.len(), 1);
    assert_eq!(in_force.expired[0].0, "bi_reads");
    let specs = specs(declared);
    runtime().block_on(async {
        let session =
            Session::connect_in_force(&in_force, &specs, std::time::Duration::from_secs(20))
                .await
                .unwrap();
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences.iter().any(|d| d
                .contains("grant bi_reads expired at 2020-01-01T00:00:00Z")
                && d.contains("run apply")),
            "{differences:#?}"
        );
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        assert_eq!(
            plan.expired,
            [("bi_reads".to_owned(), "2020-01-01T00:00:00Z".to_owned())]
        );
        let mut changes: Vec<(DocumentKind, Op, String)> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.op, c.reason.clone().unwrap_or_default()))
            .collect();
        changes.sort_by_key(|c| c.0);
        let reason = "grant bi_reads expired at 2020-01-01T00:00:00Z".to_owned();
        assert_eq!(
            changes,
            vec![
                (DocumentKind::RoleInlinePolicy, Op::Delete, reason.clone()),
                (DocumentKind::AccessPointPolicy, Op::Update, reason.clone()),
                (DocumentKind::BucketPolicy, Op::Update, reason.clone()),
            ]
        );
        session.apply(&plan, &|_| {}).await.unwrap();
        let again = session.plan(Mode::Apply, false).await.unwrap();
        assert!(!again.has_changes(), "converged after the removal");
        assert!(session.verify(None).await.unwrap().is_empty());
    });
    assert_stored_equals_render(&in_force.deployment);
    let gone = read_back(declared);
    let bi_policy = declared
        .documents()
        .iter()
        .position(|d| d.target.as_ref() == "arn:aws:iam::111111111111:role/bi-dashboards")
        .unwrap();
    assert!(
        gone[bi_policy].is_null(),
        "the expired grant's identity policy is deleted: {}",
        gone[bi_policy]
    );
}

/// An access point's network origin is fixed when it is created: changing `access_point_vpc` of
/// an access point the deployment created replaces it (deleted, created with the VPC, its policy
/// written again), and the plan says why.
#[test]
fn a_new_network_origin_replaces_the_access_point() {
    let _emulator = emulator();
    let with_vpc = &private_network::PRIVATE_LAKE;
    // The same grants on an internet-facing access point.
    let grants: Vec<policy_core::Grant> = with_vpc
        .grants()
        .iter()
        .map(|g| {
            let mut g = policy_core::Grant::from_data(g).unwrap();
            g.restrictions.access_point_vpc = None;
            g
        })
        .collect();
    let internet = policy_core::pipeline::build_from_grants(&with_vpc.name, &grants).unwrap();
    seed(&internet);
    runtime().block_on(apply(&internet, Mode::Apply));
    assert_stored_equals_render(&internet);
    runtime().block_on(async {
        let session = Session::connect(with_vpc, &specs(with_vpc)).await.unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let changes: Vec<(DocumentKind, Op, String)> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.op, c.reason.clone().unwrap_or_default()))
            .collect();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert_eq!((changes[0].0, changes[0].1), (DocumentKind::AccessPoint, Op::Replace));
        assert!(
            changes[0].2.contains("it has network origin Internet, the grants declare network origin VPC vpc-0f1e2d3c4b5a69788"),
            "{}",
            changes[0].2
        );
        assert_eq!(
            changes[1],
            (
                DocumentKind::AccessPointPolicy,
                Op::Update,
                "the access point is replaced".to_owned()
            )
        );
        assert!(plan.summary().contains("1 to replace"), "{}", plan.summary());
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(with_vpc, Mode::Apply).await, "converged");
    });
    assert_stored_equals_render(with_vpc);
    // Back to the internet: the other way round, too.
    runtime().block_on(async {
        let session = Session::connect(&internet, &specs(&internet))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        assert_eq!(plan.count(Op::Replace), 1);
        session.apply(&plan, &|_| {}).await.unwrap();
        apply(&internet, Mode::Destroy).await;
    });
    assert!(read_back(&internet).iter().all(Value::is_null));
}

/// The key policy of an SSE-KMS bucket's key is shared: apply adds the deployment's statements
/// after the key's administrators', which stay first and untouched; destroy takes out only ours.
#[test]
fn a_key_policy_keeps_its_administrators_and_loses_only_our_statements() {
    let _emulator = emulator();
    let deployment = &encrypted_lake::ENCRYPTED_LAKE;
    seed(deployment);
    let key_doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::KeyPolicy)
        .unwrap();
    let read_key = || fixture("read", &json!([key_doc.to_json()]))[0].clone();
    let sids = |policy: &Value| -> Vec<String> {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    runtime().block_on(apply(deployment, Mode::Apply));
    let applied = read_key();
    let prefix = deployment.sid_prefix();
    let applied_sids = sids(&applied);
    assert_eq!(applied_sids[0], "KeyAdministrators", "{applied}");
    assert_eq!(
        applied_sids[1..]
            .iter()
            .filter(|s| s.starts_with(&prefix))
            .count(),
        2,
        "{applied}"
    );
    assert_stored_equals_render(deployment);
    runtime().block_on(async {
        assert!(!has_changes(deployment, Mode::Apply).await, "converged");
        apply(deployment, Mode::Destroy).await;
    });
    assert_eq!(sids(&read_key()), ["KeyAdministrators"]);
}
