//! End-to-end: the examples deployed into the local AWS emulator through the real AWS SDK, and
//! read back with an independent client (boto3). Run by `scripts/test.sh`, which starts the
//! emulator and sets `XACCT_TEST_ENDPOINT` and `XACCT_TEST_PYTHON`; without them these tests fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::eval::Verdict;
use policy_core::DocumentKind;
use serde_json::{json, Value};
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
