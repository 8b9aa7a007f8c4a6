//! The evaluator against cases from AWS's documentation of policy evaluation, cross-account access,
//! access point policies and the policy language. Each case cites its page; `Pn` refers to:
//!
//! - P1  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//! - P2  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
//! - P3  https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
//! - P4  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//! - P5  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
//!   (and ..._notresource.html, ..._notprincipal.html)
//! - P6  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//! - P7  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//! - P8  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html (external id)
//! - P9  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
//! - P10 https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//! - P11 https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//! - P12 https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//! - P13 https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
//! - P14 https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
//! - P15 https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (global keys)
//! - P16 https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
//! - P17 https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
//!   (what SCPs do not limit: the management account, service-linked roles; they grant nothing)
//! - P18 https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
//! - P19 https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
//!   (supported services, the management account's resources)
//! - P20 https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-auth-workflow-object-operation.html
//!   (user context, then the bucket owner's context: who owns the bucket decides which policies judge)
//! - P21 https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
//!   (`aws:SourceVpce`, `aws:SourceVpc`: set only on requests through a VPC endpoint)
//! - P23 https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
//!   (network origin VPC: S3 rejects requests through the access point from anywhere else)
//! - P24 https://aws.amazon.com/blogs/security/iam-share-aws-resources-groups-aws-accounts-aws-organizations/
//!   (`aws:PrincipalOrgPaths` with `ForAnyValue:StringLike` and a trailing `*`: an OU and the OUs below)
//! - P25 https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
//!   (no one may use a key unless its key policy allows it: IAM policies alone never do)
//! - P26 https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
//!   (another account's principal needs the key policy and its own identity policy)
//! - P27 https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
//! - P28 https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
//!   (no permission is required; an explicit deny of `sts:GetCallerIdentity` does not stop it)
//! - P29 https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html and
//!   https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
//!   (alias operations and account-level actions on `*` are controlled by IAM policies alone)
//! - P22 https://repost.aws/knowledge-center/iam-restrict-access-policy
//!   (`aws:SourceIp` is in every request except those through a VPC endpoint)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::eval::{evaluate, Policy, PolicySet, Request};
use policy_core::eval::{AccessPointInfo, PolicyDoc};
use policy_core::eval::{ControlKind, ControlPolicy, Level, Organization, Verdict};
use policy_core::DocumentKind::{self, *};
use serde_json::{json, Value};

const ALICE: &str = "arn:aws:iam::111111111111:role/alice";
const ALICE_SESSION: &str = "arn:aws:sts::111111111111:assumed-role/alice/session-1";
const BOB: &str = "arn:aws:iam::111111111111:user/bob";
const OWNER_ROLE: &str = "arn:aws:iam::222222222222:role/reader";
const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/shared";
const BUCKET: &str = "arn:aws:s3:::shared-bucket";
/// A bucket in the account of ALICE and BOB, for cases about identity policies alone.
const HOME_BUCKET: &str = "arn:aws:s3:::home-bucket";

fn doc(kind: DocumentKind, account: &str, target: &str, statements: Value) -> PolicyDoc {
    // A fixture that does not parse fails here, never becomes an empty policy that denies.
    let policy = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements}))
        .unwrap_or_else(|p| panic!("a corpus fixture does not parse: {}", p.message));
    PolicyDoc {
        kind,
        account: account.into(),
        target: target.into(),
        policy,
    }
}

fn set(docs: Vec<PolicyDoc>) -> PolicySet {
    let mut set = PolicySet::default();
    set.add_access_point(AccessPointInfo {
        arn: AP.into(),
        account: "222222222222".into(),
        bucket: "shared-bucket".into(),
        bucket_account: "222222222222".into(),
        vpc: None,
    });
    // Whether a request needs the bucket's policy depends on who owns the bucket.
    set.set_bucket_owner("b", "222222222222");
    for bucket in ["home-bucket", "home-bucket-2"] {
        set.set_bucket_owner(bucket, "111111111111");
    }
    for d in docs {
        set.push(d);
    }
    set
}

fn allowed(
    set: &PolicySet,
    principal: &str,
    action: &str,
    resource: &str,
    context: &[(&str, &str)],
) -> bool {
    let mut ctx = policy_core::eval::Context::new();
    for (k, v) in context {
        ctx.entry((*k).to_owned())
            .or_default()
            .push((*v).to_owned());
    }
    let decision = evaluate(
        set,
        &Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: ctx,
        },
    );
    // `Unknown` is neither: a case that expects it asks `verdict_of`, so a denial assertion
    // cannot pass because the set lacked what AWS would decide with.
    match decision.verdict {
        Verdict::Allow => true,
        Verdict::Deny => false,
        Verdict::Unknown(what) => {
            panic!("{principal} {action} on {resource}: unknown, not allowed or denied: {what}")
        }
    }
}

fn identity(principal: &str, statements: Value) -> PolicyDoc {
    let kind = if principal.contains(":user/") {
        UserInlinePolicy
    } else {
        RoleInlinePolicy
    };
    doc(
        kind,
        principal.split(':').nth(4).unwrap_or_default(),
        principal,
        statements,
    )
}

fn bucket(statements: Value) -> PolicyDoc {
    doc(BucketPolicy, "222222222222", BUCKET, statements)
}

fn bucket_in(account: &str, statements: Value) -> PolicyDoc {
    doc(BucketPolicy, account, BUCKET, statements)
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn allow_to(principal: Value, action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource})
}

// ---- Evaluation logic within one account (P1) ----

#[test]
fn p1_implicit_deny_when_nothing_allows() {
    assert!(!allowed(
        &set(vec![]),
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_identity_policy_allows_in_same_account() {
    let s = set(vec![identity(
        "arn:aws:iam::222222222222:role/reader",
        json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_resource_policy_alone_allows_in_same_account() {
    let s = set(vec![bucket(json!([allow_to(
        json!({"AWS": OWNER_ROLE}),
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/*"
    )]))]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_explicit_deny_in_identity_beats_resource_allow() {
    let s = set(vec![
        identity(
            OWNER_ROLE,
            json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]),
        ),
        bucket(json!([allow_to(
            json!({"AWS": OWNER_ROLE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_explicit_deny_in_resource_beats_identity_allow() {
    let s = set(vec![
        identity(OWNER_ROLE, json!([allow("s3:*", "*")])),
        bucket(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::shared-bucket/*"}]),
        ),
    ]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:DeleteObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_deny_with_unmet_condition_does_not_apply() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:GetObject", "*"), {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[("aws:SecureTransport", "true")]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[("aws:SecureTransport", "false")]
    ));
}

#[test]
fn p1_allow_for_other_action_does_not_help() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:PutObject", "*")]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p1_statements_of_several_policies_add_up() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([
            allow("s3:GetObject", "arn:aws:s3:::shared-bucket/a"),
            allow("s3:GetObject", "arn:aws:s3:::shared-bucket/b")
        ]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/b",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/c",
        &[]
    ));
}

// ---- Cross-account (P2) ----

#[test]
fn p2_cross_account_needs_the_resource_policy() {
    let s = set(vec![identity(
        ALICE,
        json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
    )]);
    assert!(
        !allowed(
            &s,
            ALICE,
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/a",
            &[]
        ) || s.documents().iter().all(|d| d.kind != BucketPolicy)
    );
    let s = set(vec![
        identity(
            ALICE,
            json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
        ),
        bucket(json!([])),
    ]);
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_cross_account_needs_the_identity_policy() {
    let s = set(vec![
        identity(ALICE, json!([])),
        bucket(json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_cross_account_with_both_is_allowed() {
    let s = set(vec![
        identity(
            ALICE,
            json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
        ),
        bucket(json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_resource_policy_naming_the_account_root_trusts_the_account() {
    let s = set(vec![
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
        bucket(json!([allow_to(
            json!({"AWS": "arn:aws:iam::111111111111:root"}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_account_id_as_principal_equals_the_root() {
    let s = set(vec![
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
        bucket(json!([allow_to(
            json!({"AWS": "111111111111"}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_other_account_principal_is_not_trusted() {
    let s = set(vec![
        identity(
            "arn:aws:iam::333333333333:role/eve",
            json!([allow("s3:GetObject", "*")]),
        ),
        bucket(json!([allow_to(
            json!({"AWS": "arn:aws:iam::111111111111:root"}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(!allowed(
        &s,
        "arn:aws:iam::333333333333:role/eve",
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_deny_in_the_trusting_account_wins() {
    let s = set(vec![
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
        bucket(
            json!([allow_to(json!({"AWS": ALICE}), "s3:GetObject", "arn:aws:s3:::shared-bucket/*"), {"Effect": "Deny", "Principal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/secret/*"}]),
        ),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/open",
        &[]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/secret/x",
        &[]
    ));
}

#[test]
fn p2_role_session_acts_as_its_role() {
    let s = set(vec![
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
        bucket(json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
    ]);
    assert!(allowed(
        &s,
        ALICE_SESSION,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p2_assume_role_needs_identity_and_trust_across_accounts() {
    let trust = doc(
        RoleTrustPolicy,
        "222222222222",
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}]),
    );
    let s = set(vec![trust.clone()]);
    assert!(
        !allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]),
        "no identity policy in 111111111111"
    );
    let s = set(vec![
        trust,
        identity(ALICE, json!([allow("sts:AssumeRole", OWNER_ROLE)])),
    ]);
    assert!(allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]));
}

#[test]
fn p2_assume_role_refused_without_trust() {
    let s = set(vec![
        identity(ALICE, json!([allow("sts:AssumeRole", "*")])),
        doc(RoleTrustPolicy, "222222222222", OWNER_ROLE, json!([])),
    ]);
    assert!(!allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]));
}

#[test]
fn p2_trust_in_account_root_delegates_to_the_accounts_identity_policies() {
    let trust = doc(
        RoleTrustPolicy,
        "222222222222",
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]),
    );
    let s = set(vec![
        trust,
        identity(ALICE, json!([allow("sts:AssumeRole", OWNER_ROLE)])),
        identity(BOB, json!([])),
    ]);
    assert!(allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]));
    assert!(!allowed(&s, BOB, "sts:AssumeRole", OWNER_ROLE, &[]));
}

#[test]
fn p2_same_account_trust_naming_the_principal_is_enough() {
    let s = set(vec![
        doc(
            RoleTrustPolicy,
            "222222222222",
            OWNER_ROLE,
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/ops"}, "Action": "sts:AssumeRole"}]),
        ),
        identity("arn:aws:iam::222222222222:role/ops", json!([])),
    ]);
    assert!(allowed(
        &s,
        "arn:aws:iam::222222222222:role/ops",
        "sts:AssumeRole",
        OWNER_ROLE,
        &[]
    ));
}

#[test]
fn p2_service_principal_in_trust() {
    let s = set(vec![doc(
        RoleTrustPolicy,
        "111111111111",
        ALICE,
        json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
    )]);
    assert!(allowed(
        &s,
        "lambda.amazonaws.com",
        "sts:AssumeRole",
        ALICE,
        &[]
    ));
    assert!(!allowed(
        &s,
        "ec2.amazonaws.com",
        "sts:AssumeRole",
        ALICE,
        &[]
    ));
}

// ---- Access points (P3) ----

fn ap_case(
    ap_statements: Value,
    bucket_statements: Value,
    identity_statements: Value,
) -> PolicySet {
    set(vec![
        doc(AccessPointPolicy, "222222222222", AP, ap_statements),
        bucket(bucket_statements),
        identity(ALICE, identity_statements),
    ])
}

fn delegation() -> Value {
    json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": [BUCKET, "arn:aws:s3:::shared-bucket/*"], "Condition": {"StringEquals": {"s3:DataAccessPointAccount": "222222222222"}}}])
}

#[test]
fn p3_access_point_policy_and_bucket_delegation_and_identity_allow() {
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        delegation(),
        json!([allow("s3:GetObject", &format!("{AP}/object/*"))]),
    );
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_without_bucket_delegation_the_access_point_is_not_enough() {
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        json!([]),
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_without_access_point_policy_the_bucket_is_not_enough_cross_account() {
    let s = ap_case(json!([]), delegation(), json!([allow("s3:GetObject", "*")]));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_delegation_to_another_access_point_does_not_apply() {
    let other = json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "arn:aws:s3:::shared-bucket/*", "Condition": {"StringEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-east-1:222222222222:accesspoint/other"}}}]);
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        other,
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_delegation_by_access_point_arn() {
    let by_arn = json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*", "Condition": {"StringEquals": {"s3:DataAccessPointArn": AP}}}]);
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        by_arn,
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_access_point_policy_sees_access_point_arns_not_bucket_arns() {
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )]),
        delegation(),
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_bucket_policy_sees_bucket_arns_not_access_point_arns() {
    let wrong = json!([allow_to(
        json!({"AWS": ALICE}),
        "s3:GetObject",
        &format!("{AP}/object/*")
    )]);
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        wrong,
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_deny_in_bucket_policy_applies_through_the_access_point() {
    let mut bucket_statements = delegation();
    bucket_statements.as_array_mut().unwrap().push(json!({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/secret/*"}));
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        bucket_statements,
        json!([allow("s3:GetObject", "*")]),
    );
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/open"),
        &[]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/secret/x"),
        &[]
    ));
}

#[test]
fn p3_identity_policy_must_name_the_access_point_cross_account() {
    let s = ap_case(
        json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            &format!("{AP}/object/*")
        )]),
        delegation(),
        json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
    );
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        &[]
    ));
}

#[test]
fn p3_list_through_access_point_with_prefix_condition() {
    let ap = json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:ListBucket", "Resource": AP, "Condition": {"StringLike": {"s3:prefix": "reports/*"}}}]);
    let s = ap_case(ap, delegation(), json!([allow("s3:ListBucket", AP)]));
    assert!(allowed(
        &s,
        ALICE,
        "s3:ListBucket",
        AP,
        &[("s3:prefix", "reports/2026/")]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:ListBucket",
        AP,
        &[("s3:prefix", "hr/")]
    ));
    assert!(
        !allowed(&s, ALICE, "s3:ListBucket", AP, &[]),
        "a listing without a prefix is outside `reports/*`"
    );
}

#[test]
fn p3_same_account_principal_needs_no_access_point_policy() {
    let s = set(vec![
        doc(AccessPointPolicy, "222222222222", AP, json!([])),
        bucket(delegation()),
        identity(
            OWNER_ROLE,
            json!([allow("s3:GetObject", &format!("{AP}/object/*"))]),
        ),
    ]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        &format!("{AP}/object/a"),
        &[]
    ));
}

#[test]
fn p3_cross_account_bucket_owner_must_delegate() {
    let mut s = set(vec![
        doc(
            AccessPointPolicy,
            "222222222222",
            AP,
            json!([allow_to(
                json!({"AWS": ALICE}),
                "s3:GetObject",
                &format!("{AP}/object/*")
            )]),
        ),
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
    ]);
    s.add_access_point(AccessPointInfo {
        bucket_account: "333333333333".into(),
        ..s.access_point(AP).unwrap().clone()
    });
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a"),
        &[]
    ));
    s.push(bucket_in("333333333333", delegation()));
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a"),
        &[]
    ));
}

// ---- Condition operators (P4, P14) ----

fn with_condition(condition: Value) -> PolicySet {
    set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}]),
    )])
}

fn cond(condition: Value, context: &[(&str, &str)]) -> bool {
    allowed(
        &with_condition(condition),
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        context,
    )
}

#[test]
fn p4_string_equals_is_case_sensitive() {
    assert!(cond(
        json!({"StringEquals": {"aws:PrincipalTag/team": "Data"}}),
        &[("aws:PrincipalTag/team", "Data")]
    ));
    assert!(!cond(
        json!({"StringEquals": {"aws:PrincipalTag/team": "Data"}}),
        &[("aws:PrincipalTag/team", "data")]
    ));
}

#[test]
fn p4_string_equals_ignore_case() {
    assert!(cond(
        json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}}),
        &[("aws:PrincipalTag/team", "data")]
    ));
}

#[test]
fn p4_string_not_equals() {
    assert!(cond(
        json!({"StringNotEquals": {"aws:PrincipalTag/team": "hr"}}),
        &[("aws:PrincipalTag/team", "data")]
    ));
    assert!(!cond(
        json!({"StringNotEquals": {"aws:PrincipalTag/team": "hr"}}),
        &[("aws:PrincipalTag/team", "hr")]
    ));
}

#[test]
fn p4_string_like_wildcards() {
    assert!(cond(
        json!({"StringLike": {"s3:prefix": "home/*"}}),
        &[("s3:prefix", "home/ana/")]
    ));
    assert!(cond(
        json!({"StringLike": {"s3:prefix": "home/?"}}),
        &[("s3:prefix", "home/a")]
    ));
    assert!(!cond(
        json!({"StringLike": {"s3:prefix": "home/?"}}),
        &[("s3:prefix", "home/ab")]
    ));
}

#[test]
fn p4_string_not_like() {
    assert!(cond(
        json!({"StringNotLike": {"s3:prefix": "secret/*"}}),
        &[("s3:prefix", "open/")]
    ));
    assert!(!cond(
        json!({"StringNotLike": {"s3:prefix": "secret/*"}}),
        &[("s3:prefix", "secret/x")]
    ));
}

#[test]
fn p4_numeric_operators() {
    assert!(cond(
        json!({"NumericLessThanEquals": {"s3:max-keys": "10"}}),
        &[("s3:max-keys", "10")]
    ));
    assert!(!cond(
        json!({"NumericLessThan": {"s3:max-keys": "10"}}),
        &[("s3:max-keys", "10")]
    ));
    assert!(cond(
        json!({"NumericGreaterThan": {"s3:max-keys": "10"}}),
        &[("s3:max-keys", "11")]
    ));
    assert!(cond(
        json!({"NumericEquals": {"s3:max-keys": "10"}}),
        &[("s3:max-keys", "10.0")]
    ));
}

#[test]
fn p4_date_operators() {
    assert!(cond(
        json!({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}),
        &[("aws:CurrentTime", "2026-11-28T00:00:00Z")]
    ));
    assert!(!cond(
        json!({"DateGreaterThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}),
        &[("aws:CurrentTime", "2026-11-28T00:00:00Z")]
    ));
    assert!(cond(
        json!({"DateGreaterThanEquals": {"aws:EpochTime": "1700000000"}}),
        &[("aws:EpochTime", "1800000000")]
    ));
}

#[test]
fn p4_bool() {
    assert!(cond(
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        &[("aws:SecureTransport", "true")]
    ));
    assert!(!cond(
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        &[("aws:SecureTransport", "false")]
    ));
    assert!(
        cond(
            json!({"Bool": {"aws:SecureTransport": true}}),
            &[("aws:SecureTransport", "true")]
        ),
        "JSON booleans compare as text"
    );
}

#[test]
fn p4_ip_address() {
    assert!(cond(
        json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        &[("aws:SourceIp", "203.0.113.9")]
    ));
    assert!(!cond(
        json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        &[("aws:SourceIp", "198.51.100.1")]
    ));
    assert!(cond(
        json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        &[("aws:SourceIp", "198.51.100.1")]
    ));
    assert!(cond(
        json!({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}),
        &[("aws:SourceIp", "2001:db8:1::5")]
    ));
}

#[test]
fn p4_arn_like_matches_part_by_part() {
    assert!(cond(
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::shared-*"}}),
        &[("aws:SourceArn", "arn:aws:s3:::shared-bucket")]
    ));
    assert!(!cond(
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::shared-*"}}),
        &[("aws:SourceArn", "arn:aws:sqs:::shared-bucket")]
    ));
    assert!(cond(
        json!({"ArnEquals": {"aws:SourceArn": "arn:aws:lambda:*:111111111111:function:f"}}),
        &[(
            "aws:SourceArn",
            "arn:aws:lambda:eu-west-1:111111111111:function:f"
        )]
    ));
}

#[test]
fn p4_null_checks_presence() {
    assert!(cond(json!({"Null": {"aws:TokenIssueTime": "true"}}), &[]));
    assert!(!cond(
        json!({"Null": {"aws:TokenIssueTime": "true"}}),
        &[("aws:TokenIssueTime", "2026-01-01T00:00:00Z")]
    ));
    assert!(cond(
        json!({"Null": {"aws:TokenIssueTime": "false"}}),
        &[("aws:TokenIssueTime", "2026-01-01T00:00:00Z")]
    ));
}

#[test]
fn p4_missing_key_fails_positive_operators() {
    assert!(!cond(
        json!({"StringEquals": {"aws:PrincipalTag/team": "data"}}),
        &[]
    ));
}

#[test]
fn p4_if_exists_holds_when_the_key_is_missing() {
    assert!(cond(
        json!({"StringEqualsIfExists": {"aws:PrincipalTag/team": "data"}}),
        &[]
    ));
    assert!(!cond(
        json!({"StringEqualsIfExists": {"aws:PrincipalTag/team": "data"}}),
        &[("aws:PrincipalTag/team", "hr")]
    ));
}

#[test]
fn p14_values_of_one_key_are_ored() {
    assert!(cond(
        json!({"StringEquals": {"aws:PrincipalTag/team": ["hr", "data"]}}),
        &[("aws:PrincipalTag/team", "data")]
    ));
}

#[test]
fn p14_keys_and_operators_are_anded() {
    let c = json!({"StringEquals": {"aws:PrincipalTag/team": "data", "aws:PrincipalTag/env": "prod"}, "Bool": {"aws:SecureTransport": "true"}});
    assert!(cond(
        c.clone(),
        &[
            ("aws:PrincipalTag/team", "data"),
            ("aws:PrincipalTag/env", "prod"),
            ("aws:SecureTransport", "true")
        ]
    ));
    assert!(!cond(
        c.clone(),
        &[
            ("aws:PrincipalTag/team", "data"),
            ("aws:PrincipalTag/env", "dev"),
            ("aws:SecureTransport", "true")
        ]
    ));
    assert!(!cond(
        c,
        &[
            ("aws:PrincipalTag/team", "data"),
            ("aws:PrincipalTag/env", "prod")
        ]
    ));
}

#[test]
fn p14_condition_key_names_are_case_insensitive() {
    assert!(cond(
        json!({"Bool": {"AWS:SecureTransport": "true"}}),
        &[("aws:securetransport", "true")]
    ));
}

// ---- Multi-valued keys (P7) ----

#[test]
fn p7_for_any_value() {
    let c = json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}});
    assert!(cond(
        c.clone(),
        &[("aws:TagKeys", "team"), ("aws:TagKeys", "other")]
    ));
    assert!(!cond(c.clone(), &[("aws:TagKeys", "other")]));
    assert!(!cond(c, &[]), "ForAnyValue with no values is false");
}

#[test]
fn p7_for_all_values() {
    let c = json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}});
    assert!(cond(
        c.clone(),
        &[("aws:TagKeys", "team"), ("aws:TagKeys", "env")]
    ));
    assert!(!cond(
        c.clone(),
        &[("aws:TagKeys", "team"), ("aws:TagKeys", "other")]
    ));
    assert!(cond(c, &[]), "ForAllValues with no values is true");
}

#[test]
fn p7_for_all_values_like() {
    let c = json!({"ForAllValues:StringLike": {"aws:TagKeys": ["project-*"]}});
    assert!(cond(
        c.clone(),
        &[("aws:TagKeys", "project-a"), ("aws:TagKeys", "project-b")]
    ));
    assert!(!cond(
        c,
        &[("aws:TagKeys", "project-a"), ("aws:TagKeys", "cost")]
    ));
}

// ---- MFA and external id (P8, P9) ----

fn trust_with(condition: Value) -> PolicySet {
    set(vec![
        doc(
            RoleTrustPolicy,
            "222222222222",
            OWNER_ROLE,
            json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole", "Condition": condition}]),
        ),
        identity(ALICE, json!([allow("sts:AssumeRole", OWNER_ROLE)])),
    ])
}

#[test]
fn p8_external_id_must_match() {
    let s = trust_with(json!({"StringEquals": {"sts:ExternalId": "analytics-2026"}}));
    assert!(allowed(
        &s,
        ALICE,
        "sts:AssumeRole",
        OWNER_ROLE,
        &[("sts:ExternalId", "analytics-2026")]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "sts:AssumeRole",
        OWNER_ROLE,
        &[("sts:ExternalId", "guess")]
    ));
    assert!(!allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]));
}

#[test]
fn p9_mfa_required_by_trust() {
    let s = trust_with(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}));
    assert!(allowed(
        &s,
        ALICE,
        "sts:AssumeRole",
        OWNER_ROLE,
        &[("aws:MultiFactorAuthPresent", "true")]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "sts:AssumeRole",
        OWNER_ROLE,
        &[("aws:MultiFactorAuthPresent", "false")]
    ));
    assert!(
        !allowed(&s, ALICE, "sts:AssumeRole", OWNER_ROLE, &[]),
        "long-term keys carry no MFA key at all"
    );
}

#[test]
fn p9_deny_without_mfa_using_bool_if_exists() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:DeleteObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:DeleteObject",
        "arn:aws:s3:::shared-bucket/a",
        &[("aws:MultiFactorAuthPresent", "true")]
    ));
}

#[test]
fn p9_mfa_age() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[("aws:MultiFactorAuthAge", "60")]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[("aws:MultiFactorAuthAge", "7200")]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

// ---- NotAction, NotResource, NotPrincipal (P5) ----

#[test]
fn p5_not_action_allows_everything_else() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "*"}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:DeleteObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

#[test]
fn p5_deny_not_action_denies_everything_else() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("*", "*"), {"Effect": "Deny", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "*"}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:PutObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

#[test]
fn p5_not_resource() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::shared-bucket/secret/*"}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/open",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/secret/x",
        &[]
    ));
}

#[test]
fn p5_deny_not_principal() {
    let s = set(vec![
        identity(ALICE, json!([allow("s3:*", "*")])),
        identity(
            "arn:aws:iam::111111111111:role/carol",
            json!([allow("s3:*", "*")]),
        ),
        bucket(
            // Exempting a role takes its account too (P5, NotPrincipal key points).
            json!([allow_to(json!({"AWS": "111111111111"}), "s3:GetObject", "arn:aws:s3:::shared-bucket/*"), {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, "arn:aws:iam::111111111111:root"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}]),
        ),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        "arn:aws:iam::111111111111:role/carol",
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

// ---- Principal (P10) ----

#[test]
fn p10_wildcard_principal_is_everyone() {
    let s = set(vec![
        bucket(json!([allow_to(
            json!("*"),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
        identity(
            "arn:aws:iam::333333333333:role/eve",
            json!([allow("s3:GetObject", "*")]),
        ),
    ]);
    assert!(allowed(
        &s,
        "arn:aws:iam::333333333333:role/eve",
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p10_user_principal_names_exactly_that_user() {
    let s = set(vec![
        bucket(json!([allow_to(
            json!({"AWS": BOB}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
        identity(BOB, json!([allow("s3:GetObject", "*")])),
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
    ]);
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p10_role_principal_does_not_match_another_role_of_the_same_name_elsewhere() {
    let s = set(vec![
        bucket(json!([allow_to(
            json!({"AWS": ALICE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
        identity(
            "arn:aws:iam::333333333333:role/alice",
            json!([allow("s3:GetObject", "*")]),
        ),
    ]);
    assert!(!allowed(
        &s,
        "arn:aws:iam::333333333333:role/alice",
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p10_several_principals_in_a_list() {
    let s = set(vec![
        bucket(json!([allow_to(
            json!({"AWS": [BOB, ALICE]}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
        identity(ALICE, json!([allow("s3:GetObject", "*")])),
    ]);
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

// ---- Resource and action matching (P11, P12) ----

#[test]
fn p11_resource_wildcards() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/reports/*/summary.csv"
        )]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/reports/2026/summary.csv",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/reports/2026/detail.csv",
        &[]
    ));
}

#[test]
fn p11_resource_matching_is_case_sensitive() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/Reports/*"
        )]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/reports/a",
        &[]
    ));
}

#[test]
fn p11_bucket_arn_does_not_cover_its_objects() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket")]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

#[test]
fn p11_question_mark_matches_one_character() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/log-?.txt"
        )]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/log-1.txt",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/log-10.txt",
        &[]
    ));
}

#[test]
fn p12_action_names_are_case_insensitive() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("S3:getobject", "*")]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

#[test]
fn p12_action_wildcards() {
    let s = set(vec![identity(OWNER_ROLE, json!([allow("s3:Get*", "*")]))]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObjectTagging",
        "arn:aws:s3:::b/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:PutObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

#[test]
fn p12_action_of_another_service_does_not_match() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3express:*", "*")]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[]
    ));
}

// ---- Policy variables (P6) ----

#[test]
fn p6_username_variable_in_resource() {
    let s = set(vec![identity(
        BOB,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::home-bucket/home/${aws:username}/*"
        )]),
    )]);
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/home/bob/a",
        &[("aws:username", "bob")]
    ));
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/home/eve/a",
        &[("aws:username", "bob")]
    ));
}

#[test]
fn p6_missing_variable_matches_nothing() {
    let s = set(vec![identity(
        BOB,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::home-bucket/home/${aws:username}/*"
        )]),
    )]);
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/home//a",
        &[]
    ));
}

#[test]
fn p6_variable_default_value() {
    let s = set(vec![identity(
        BOB,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::home-bucket/${aws:PrincipalTag/team, 'shared'}/*"
        )]),
    )]);
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/shared/a",
        &[]
    ));
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/data/a",
        &[("aws:PrincipalTag/team", "data")]
    ));
}

#[test]
fn p6_escaped_wildcard_is_literal_after_substitution() {
    let s = set(vec![identity(
        BOB,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:prefix": "${*}"}}}]),
    )]);
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[("s3:prefix", "*")]
    ));
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[("s3:prefix", "x")]
    ));
}

#[test]
fn p6_variable_in_condition_value() {
    let s = set(vec![identity(
        BOB,
        json!([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": HOME_BUCKET, "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}}]),
    )]);
    assert!(allowed(
        &s,
        BOB,
        "s3:ListBucket",
        HOME_BUCKET,
        &[("aws:username", "bob"), ("s3:prefix", "home/bob/x")]
    ));
    assert!(!allowed(
        &s,
        BOB,
        "s3:ListBucket",
        HOME_BUCKET,
        &[("aws:username", "bob"), ("s3:prefix", "home/eve/x")]
    ));
}

// ---- S3 condition keys (P13) ----

#[test]
fn p13_prefix_condition_limits_listing() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET, "Condition": {"StringEquals": {"s3:prefix": ["", "projects/"]}}}]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:ListBucket",
        BUCKET,
        &[("s3:prefix", "projects/")]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:ListBucket",
        BUCKET,
        &[("s3:prefix", "private/")]
    ));
}

#[test]
fn p13_data_access_point_account_condition() {
    let s = set(vec![
        bucket(delegation()),
        doc(
            AccessPointPolicy,
            "222222222222",
            AP,
            json!([allow_to(json!({"AWS": ALICE}), "s3:ListBucket", AP)]),
        ),
        identity(ALICE, json!([allow("s3:ListBucket", AP)])),
    ]);
    assert!(allowed(&s, ALICE, "s3:ListBucket", AP, &[]));
    assert!(
        !allowed(&s, ALICE, "s3:ListBucket", BUCKET, &[]),
        "the delegation only holds through an access point"
    );
}

#[test]
fn reasons_name_the_deciding_statement() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}, allow("s3:*", "*")]),
    )]);
    let decision = evaluate(
        &s,
        &Request {
            principal: OWNER_ROLE.into(),
            action: "s3:DeleteObject".into(),
            resource: "arn:aws:s3:::b/a".into(),
            context: Default::default(),
        },
    );
    assert!(!decision.allowed());
    assert_eq!(decision.reasons.len(), 1);
    assert_eq!(
        decision.reasons[0].to_string(),
        format!("denied by statement `NoDeletes` of the role inline policy of {OWNER_ROLE}")
    );
}

// ---- Rules brought in line with the documentation (issue 9) ----

/// P11 "Using wildcards in resource ARNs": a `*` ending a segment expands across colons.
#[test]
fn p11_a_star_ending_a_segment_matches_across_colons() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:GetObject", "arn:aws:s3:*")]),
    )]);
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    let iam = set(vec![identity(
        OWNER_ROLE,
        json!([allow("iam:GetRole", "arn:aws:iam::*")]),
    )]);
    assert!(allowed(
        &iam,
        OWNER_ROLE,
        "iam:GetRole",
        "arn:aws:iam::222222222222:role/x",
        &[]
    ));
    // Within a segment it stays a segment: `s3:::other-*` is not every bucket.
    let other = set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:GetObject", "arn:aws:s3:::other-*")]),
    )]);
    assert!(!allowed(
        &other,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P11 and P5: `NotResource: "arn:aws:s3:*"` leaves out every S3 ARN, so the Allow covers no S3
/// object.
#[test]
fn p5_not_resource_with_a_trailing_star_excludes_all_of_s3() {
    let s = set(vec![identity(
        OWNER_ROLE,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:*"}]),
    )]);
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P4 date operators: a time with an offset is the instant it names (12:00+02:00 is 10:00Z).
#[test]
fn p4_dates_with_a_positive_offset_compare_as_instants() {
    let before_noon_cest =
        json!({"DateLessThan": {"aws:CurrentTime": "2026-01-01T12:00:00+02:00"}});
    assert!(!cond(
        before_noon_cest.clone(),
        &[("aws:CurrentTime", "2026-01-01T10:30:00Z")]
    ));
    assert!(cond(
        before_noon_cest,
        &[("aws:CurrentTime", "2026-01-01T09:30:00Z")]
    ));
}

#[test]
fn p4_dates_with_a_negative_offset_compare_as_instants() {
    let after = json!({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T05:00:00-05:00"}});
    assert!(!cond(
        after.clone(),
        &[("aws:CurrentTime", "2026-01-01T09:00:00Z")]
    ));
    assert!(cond(
        after.clone(),
        &[("aws:CurrentTime", "2026-01-01T11:00:00Z")]
    ));
    assert!(cond(
        after,
        &[("aws:CurrentTime", "2026-01-01T06:30:00-05:00")]
    ));
}

/// P15 aws:PrincipalArn: for a role session it is the role's ARN, never the session's.
#[test]
fn p15_principal_arn_of_a_session_is_the_role() {
    let only = |arn: &str| {
        set(vec![identity(
            ALICE,
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalArn": arn}}}]),
        )])
    };
    let object = "arn:aws:s3:::home-bucket/a";
    assert!(allowed(
        &only(ALICE),
        ALICE_SESSION,
        "s3:GetObject",
        object,
        &[]
    ));
    assert!(!allowed(
        &only(ALICE_SESSION),
        ALICE_SESSION,
        "s3:GetObject",
        object,
        &[]
    ));
}

#[test]
fn p15_principal_arn_of_a_session_carries_the_role_path() {
    let role = "arn:aws:iam::111111111111:role/team/carol";
    let s = set(vec![identity(
        role,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/team/*"}}}]),
    )]);
    let session = "arn:aws:sts::111111111111:assumed-role/carol/s1";
    assert!(allowed(
        &s,
        session,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[]
    ));
}

/// P3: `s3:DataAccessPointArn` describes the request, so an identity policy can require it.
#[test]
fn p3_identity_policies_see_the_access_point_keys() {
    let through = |condition: Value| {
        ap_case(
            json!([allow_to(
                json!({"AWS": ALICE}),
                "s3:GetObject",
                &format!("{AP}/object/*")
            )]),
            delegation(),
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}]),
        )
    };
    let object = format!("{AP}/object/a.csv");
    let right = through(json!({"StringEquals": {"s3:DataAccessPointArn": AP}}));
    assert!(allowed(&right, ALICE, "s3:GetObject", &object, &[]));
    let wrong = through(json!({"StringEquals": {"s3:DataAccessPointArn": format!("{AP}-other")}}));
    assert!(!allowed(&wrong, ALICE, "s3:GetObject", &object, &[]));
}

/// P3: the access point policy sees them too.
#[test]
fn p3_access_point_policies_see_the_access_point_keys() {
    let ap_statement = |account: &str| {
        json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject", "Resource": format!("{AP}/object/*"),
            "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account}}}])
    };
    let identity_allows = json!([allow("s3:GetObject", &format!("{AP}/object/*"))]);
    let object = format!("{AP}/object/a.csv");
    let right = ap_case(
        ap_statement("222222222222"),
        delegation(),
        identity_allows.clone(),
    );
    assert!(allowed(&right, ALICE, "s3:GetObject", &object, &[]));
    let wrong = ap_case(ap_statement("333333333333"), delegation(), identity_allows);
    assert!(!allowed(&wrong, ALICE, "s3:GetObject", &object, &[]));
}

/// P10 "AWS service principals": a service named in a bucket policy is allowed by it alone; it
/// has no identity policies to consult.
#[test]
fn p10_a_service_principal_in_a_bucket_policy_is_allowed_by_it_alone() {
    let logging = "logging.s3.amazonaws.com";
    let s = set(vec![bucket(json!([allow_to(
        json!({"Service": logging}),
        "s3:PutObject",
        "arn:aws:s3:::shared-bucket/logs/*"
    )]))]);
    assert!(allowed(
        &s,
        logging,
        "s3:PutObject",
        "arn:aws:s3:::shared-bucket/logs/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        logging,
        "s3:PutObject",
        "arn:aws:s3:::shared-bucket/other/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        "delivery.logs.amazonaws.com",
        "s3:PutObject",
        "arn:aws:s3:::shared-bucket/logs/a",
        &[]
    ));
}

#[test]
fn p10_a_service_principal_through_an_access_point_needs_only_its_policies() {
    let service = "logging.s3.amazonaws.com";
    let s = ap_case(
        json!([allow_to(
            json!({"Service": service}),
            "s3:PutObject",
            &format!("{AP}/object/*")
        )]),
        delegation(),
        json!([]),
    );
    assert!(allowed(
        &s,
        service,
        "s3:PutObject",
        &format!("{AP}/object/a"),
        &[]
    ));
}

/// P1/P10: in the same account, a bucket policy naming the account (id or `:root`) delegates to
/// the account's identity policies; naming the role itself grants on its own.
#[test]
fn p10_same_account_account_principal_is_a_delegation_not_a_grant() {
    let object = "arn:aws:s3:::shared-bucket/a";
    for account in [
        json!({"AWS": "222222222222"}),
        json!({"AWS": "arn:aws:iam::222222222222:root"}),
    ] {
        let s = set(vec![
            bucket(json!([allow_to(
                account.clone(),
                "s3:GetObject",
                "arn:aws:s3:::shared-bucket/*"
            )])),
            identity(OWNER_ROLE, json!([])),
        ]);
        assert!(
            !allowed(&s, OWNER_ROLE, "s3:GetObject", object, &[]),
            "{account}"
        );
        let with_identity = set(vec![
            bucket(json!([allow_to(
                account.clone(),
                "s3:GetObject",
                "arn:aws:s3:::shared-bucket/*"
            )])),
            identity(OWNER_ROLE, json!([allow("s3:GetObject", object)])),
        ]);
        assert!(
            allowed(&with_identity, OWNER_ROLE, "s3:GetObject", object, &[]),
            "{account}"
        );
    }
    let named = set(vec![
        bucket(json!([allow_to(
            json!({"AWS": OWNER_ROLE}),
            "s3:GetObject",
            "arn:aws:s3:::shared-bucket/*"
        )])),
        identity(OWNER_ROLE, json!([])),
    ]);
    assert!(allowed(&named, OWNER_ROLE, "s3:GetObject", object, &[]));
}

/// P10 / "Granting a user permissions to switch roles": a trust policy naming its own account lets
/// the account's identities assume the role only if their identity policies allow it.
#[test]
fn p10_same_account_trust_in_the_account_root_needs_the_identity_policy() {
    let ops = "arn:aws:iam::222222222222:role/ops";
    let trust = || {
        doc(
            RoleTrustPolicy,
            "222222222222",
            OWNER_ROLE,
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}]),
        )
    };
    let without = set(vec![trust(), identity(ops, json!([]))]);
    assert!(!allowed(&without, ops, "sts:AssumeRole", OWNER_ROLE, &[]));
    let with = set(vec![
        trust(),
        identity(ops, json!([allow("sts:AssumeRole", OWNER_ROLE)])),
    ]);
    assert!(allowed(&with, ops, "sts:AssumeRole", OWNER_ROLE, &[]));
}

/// P3 with P10: an access point policy naming its own account delegates to identity policies.
#[test]
fn p3_access_point_policy_naming_its_account_needs_the_identity_policy() {
    let object = format!("{AP}/object/a.csv");
    let case = |principal: Value, identity_statements: Value| {
        set(vec![
            doc(
                AccessPointPolicy,
                "222222222222",
                AP,
                json!([allow_to(
                    principal,
                    "s3:GetObject",
                    &format!("{AP}/object/*")
                )]),
            ),
            bucket(delegation()),
            identity(OWNER_ROLE, identity_statements),
        ])
    };
    let root = json!({"AWS": "arn:aws:iam::222222222222:root"});
    assert!(!allowed(
        &case(root.clone(), json!([])),
        OWNER_ROLE,
        "s3:GetObject",
        &object,
        &[]
    ));
    assert!(allowed(
        &case(root, json!([allow("s3:GetObject", &object)])),
        OWNER_ROLE,
        "s3:GetObject",
        &object,
        &[]
    ));
    assert!(allowed(
        &case(json!({"AWS": OWNER_ROLE}), json!([])),
        OWNER_ROLE,
        "s3:GetObject",
        &object,
        &[]
    ));
}

/// P5 "NotPrincipal", key points: AWS checks the account, then the role, then the session; each
/// must be listed for the caller to be exempt from a `Deny` with `NotPrincipal`.
fn deny_all_but(listed: Value) -> PolicySet {
    set(vec![
        identity(ALICE, json!([allow("s3:*", "*")])),
        bucket(json!([
            allow_to(json!({"AWS": "111111111111"}), "s3:GetObject", "arn:aws:s3:::shared-bucket/*"),
            {"Effect": "Deny", "NotPrincipal": {"AWS": listed}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}
        ])),
    ])
}

#[test]
fn p5_not_principal_naming_a_role_without_its_account_exempts_nobody() {
    let object = "arn:aws:s3:::shared-bucket/a";
    assert!(!allowed(
        &deny_all_but(json!([ALICE])),
        ALICE,
        "s3:GetObject",
        object,
        &[]
    ));
    assert!(allowed(
        &deny_all_but(json!([ALICE, "arn:aws:iam::111111111111:root"])),
        ALICE,
        "s3:GetObject",
        object,
        &[]
    ));
}

#[test]
fn p5_not_principal_naming_a_role_does_not_exempt_its_sessions() {
    let object = "arn:aws:s3:::shared-bucket/a";
    let role_and_account = json!([ALICE, "arn:aws:iam::111111111111:root"]);
    assert!(!allowed(
        &deny_all_but(role_and_account),
        ALICE_SESSION,
        "s3:GetObject",
        object,
        &[]
    ));
    let all_three = json!([ALICE, ALICE_SESSION, "arn:aws:iam::111111111111:root"]);
    assert!(allowed(
        &deny_all_but(all_three),
        ALICE_SESSION,
        "s3:GetObject",
        object,
        &[]
    ));
}

#[test]
fn p5_not_principal_naming_the_account_does_not_exempt_its_users() {
    let object = "arn:aws:s3:::shared-bucket/a";
    let s = set(vec![
        identity(BOB, json!([allow("s3:*", "*")])),
        bucket(json!([
            allow_to(json!({"AWS": "111111111111"}), "s3:GetObject", "arn:aws:s3:::shared-bucket/*"),
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}
        ])),
    ]);
    assert!(!allowed(&s, BOB, "s3:GetObject", object, &[]));
}

/// P6: `${*}` is a literal `*` in a Resource, never a wildcard.
#[test]
fn p6_escaped_star_in_a_resource_is_literal() {
    let s = set(vec![identity(
        BOB,
        json!([allow("s3:GetObject", "arn:aws:s3:::home-bucket/${*}")]),
    )]);
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/*",
        &[]
    ));
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[]
    ));
}

/// P6: a variable AWS cannot resolve makes the statement not apply — also under NotResource.
#[test]
fn p6_an_unresolvable_variable_makes_the_statement_not_apply() {
    let s = set(vec![identity(
        BOB,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::home-bucket/${aws:username}/*"}]),
    )]);
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket-2/a",
        &[]
    ));
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket-2/a",
        &[("aws:username", "bob")]
    ));
}

/// P6: variables are substituted only in policies of version 2012-10-17.
#[test]
fn p6_variables_need_the_2012_version() {
    let old = Policy::from_value(&json!({"Version": "2008-10-17", "Statement": [allow("s3:GetObject", "arn:aws:s3:::home-bucket/${aws:username}/*")]})).unwrap();
    let mut s = set(vec![]);
    s.push(PolicyDoc {
        kind: UserInlinePolicy,
        account: "111111111111".into(),
        target: BOB.into(),
        policy: old,
    });
    let ctx = [("aws:username", "bob")];
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/bob/a",
        &ctx
    ));
    assert!(allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/${aws:username}/a",
        &ctx
    ));
}

/// P6: variables work in string and ARN operators only; in a numeric operator `${...}` is text.
#[test]
fn p6_variables_are_not_substituted_in_numeric_operators() {
    let s = set(vec![identity(
        BOB,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:username}"}}}]),
    )]);
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::b/a",
        &[("aws:username", "100"), ("s3:max-keys", "5")]
    ));
}

/// P6: a multivalued key is never a policy variable.
#[test]
fn p6_a_multivalued_key_is_not_a_variable() {
    let s = set(vec![identity(
        BOB,
        json!([allow(
            "s3:GetObject",
            "arn:aws:s3:::home-bucket/${aws:TagKeys}/*"
        )]),
    )]);
    let two = [("aws:TagKeys", "a"), ("aws:TagKeys", "b")];
    assert!(!allowed(
        &s,
        BOB,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a/x",
        &two
    ));
}

// ---- Organizations: service and resource control policies (P16–P19) ----

const MANAGEMENT: &str = "999999999999";
const OUTSIDER: &str = "arn:aws:iam::333333333333:role/partner";

fn control(kind: ControlKind, id: &str, statements: Value) -> ControlPolicy {
    ControlPolicy {
        id: id.into(),
        name: id.trim_start_matches("p-").into(),
        kind,
        policy: Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements}))
            .unwrap(),
    }
}

fn scp(id: &str, statements: Value) -> ControlPolicy {
    control(ControlKind::Service, id, statements)
}

fn rcp(id: &str, statements: Value) -> ControlPolicy {
    control(ControlKind::Resource, id, statements)
}

/// 111111111111 in ou-analytics and 222222222222 in ou-marketing, managed by 999999999999. Every
/// level has FullAWSAccess and RCPFullAWSAccess (as AWS attaches them), except FullAWSAccess at
/// the targets in `bare`; `extra` attaches more policies at a root, OU or account.
fn organization(extra: Vec<(&str, ControlPolicy)>, bare: &[&str]) -> Organization {
    let mut org = Organization::new("o-exampleorgid", MANAGEMENT);
    let full = [
        org.add_policy(scp("p-FullAWSAccess", json!([allow("*", "*")]))),
        org.add_policy(rcp(
            "p-RCPFullAWSAccess",
            json!([allow_to(json!("*"), "*", "*")]),
        )),
    ];
    let extra: Vec<(String, usize)> = extra
        .into_iter()
        .map(|(target, policy)| (target.to_owned(), org.add_policy(policy)))
        .collect();
    for (account, ou) in [
        ("111111111111", "ou-analytics"),
        ("222222222222", "ou-marketing"),
    ] {
        let levels = ["r-root", ou, account]
            .into_iter()
            .map(|target| Level {
                target: target.to_owned(),
                policies: full
                    .iter()
                    .copied()
                    .filter(|i| *i != full[0] || !bare.contains(&target))
                    .chain(extra.iter().filter(|(t, _)| t == target).map(|(_, i)| *i))
                    .collect(),
            })
            .collect();
        org.add_member(account, levels);
    }
    org
}

fn with_org(mut set: PolicySet, org: Organization) -> PolicySet {
    set.organization = Some(org);
    set
}

/// The owner's role reading its own bucket: allowed by its identity policy alone.
fn owner_reads() -> PolicySet {
    set(vec![identity(
        OWNER_ROLE,
        json!([allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")]),
    )])
}

fn decide(
    set: &PolicySet,
    principal: &str,
    action: &str,
    resource: &str,
) -> policy_core::eval::Decision {
    evaluate(
        set,
        &Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: policy_core::eval::Context::new(),
        },
    )
}

/// P16: a `Deny` in an SCP of the caller's account denies, whatever its identity policy allows;
/// the reason names the SCP and where it is attached.
#[test]
fn p16_an_scp_deny_limits_a_member_principal() {
    let deny = scp(
        "p-nos3reads",
        json!([{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let s = with_org(
        owner_reads(),
        organization(vec![("ou-marketing", deny)], &[]),
    );
    let decision = decide(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
    );
    assert_eq!(decision.verdict, Verdict::Deny);
    assert!(
        decision.reasons[0]
            .to_string()
            .contains("service control policy p-nos3reads (nos3reads) attached to ou-marketing"),
        "{:?}",
        decision.reasons
    );
    assert!(allowed(
        &with_org(owner_reads(), organization(vec![], &[])),
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P16: at every level from the root to the account an SCP must allow; an OU whose only SCP
/// allows listing blocks reading, though the root and the account allow everything.
#[test]
fn p16_every_level_must_allow() {
    let listing = scp("p-listonly", json!([allow("s3:ListBucket", "*")]));
    let s = with_org(
        owner_reads(),
        organization(vec![("ou-marketing", listing)], &["ou-marketing"]),
    );
    let decision = decide(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
    );
    assert_eq!(decision.verdict, Verdict::Deny);
    assert!(decision.reasons.iter().any(|r| r
        .document
        .contains("no service control policy attached to ou-marketing allows it")));
}

/// P16: an allow at every level (not the same policy) is enough.
#[test]
fn p16_an_allow_at_each_level_from_different_policies_is_enough() {
    let reads = scp("p-reads", json!([allow("s3:Get*", "*")]));
    let objects = scp(
        "p-objects",
        json!([allow("s3:GetObject", "arn:aws:s3:::*/*")]),
    );
    let s = with_org(
        owner_reads(),
        organization(
            vec![("ou-marketing", reads), ("222222222222", objects)],
            &["ou-marketing", "222222222222"],
        ),
    );
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObjectAcl",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P17: an SCP grants nothing: FullAWSAccess everywhere and no identity policy is a deny.
#[test]
fn p17_an_scp_grants_nothing() {
    let s = with_org(set(vec![]), organization(vec![], &[]));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P17: SCPs do not limit the management account's principals.
#[test]
fn p17_scps_do_not_limit_the_management_account() {
    let admin = "arn:aws:iam::999999999999:role/admin";
    let mut org = organization(
        vec![(
            "r-root",
            scp(
                "p-denyall",
                json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]),
            ),
        )],
        &[],
    );
    // Even recorded with levels, the management account is never limited.
    org.add_member(
        MANAGEMENT,
        vec![Level {
            target: "r-root".into(),
            policies: vec![2],
        }],
    );
    let s = with_org(
        set(vec![identity(admin, json!([allow("s3:GetObject", "*")]))]),
        org,
    );
    let mut s = s;
    s.set_bucket_owner("admin-bucket", MANAGEMENT);
    assert!(allowed(
        &s,
        admin,
        "s3:GetObject",
        "arn:aws:s3:::admin-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P17: SCPs do not limit service-linked roles.
#[test]
fn p17_scps_do_not_limit_service_linked_roles() {
    let linked = "arn:aws:iam::222222222222:role/aws-service-role/replication.s3.amazonaws.com/AWSServiceRoleForS3Replication";
    let deny = scp(
        "p-denyall",
        json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]),
    );
    let s = with_org(
        set(vec![identity(linked, json!([allow("s3:GetObject", "*")]))]),
        organization(vec![("ou-marketing", deny)], &[]),
    );
    assert!(allowed(
        &s,
        linked,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P16: a role session is a principal of the member account: its role's account's SCPs apply.
#[test]
fn p16_scps_limit_role_sessions() {
    let deny = scp(
        "p-nos3",
        json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]),
    );
    let s = with_org(
        set(vec![identity(ALICE, json!([allow("s3:GetObject", "*")]))]),
        organization(vec![("ou-analytics", deny)], &[]),
    );
    assert!(!allowed(
        &s,
        ALICE_SESSION,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::home-bucket/a",
        &[]
    ));
}

/// P16: SCPs limit the caller's account, not the resource's: a deny in the bucket owner's SCP
/// does not stop a principal of another account.
#[test]
fn p16_scps_follow_the_caller_not_the_resource() {
    let deny = scp(
        "p-nos3",
        json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]),
    );
    let s = with_org(
        set(vec![
            identity(ALICE, json!([allow("s3:GetObject", "*")])),
            bucket(json!([allow_to(
                json!({"AWS": ALICE}),
                "s3:GetObject",
                "arn:aws:s3:::shared-bucket/*"
            )])),
        ]),
        organization(vec![("ou-marketing", deny)], &[]),
    );
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P16: SCPs apply to every action, sts:AssumeRole included.
#[test]
fn p16_scps_apply_to_assuming_a_role() {
    let reader = "arn:aws:iam::222222222222:role/reader";
    let deny = scp(
        "p-noassume",
        json!([{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]),
    );
    let docs = || {
        vec![
            identity(ALICE, json!([allow("sts:AssumeRole", reader)])),
            doc(
                RoleTrustPolicy,
                "222222222222",
                reader,
                json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}]),
            ),
        ]
    };
    assert!(allowed(
        &with_org(set(docs()), organization(vec![], &[])),
        ALICE,
        "sts:AssumeRole",
        reader,
        &[]
    ));
    assert!(!allowed(
        &with_org(set(docs()), organization(vec![("ou-analytics", deny)], &[])),
        ALICE,
        "sts:AssumeRole",
        reader,
        &[]
    ));
}

/// P16: an SCP statement applies only when its conditions hold.
#[test]
fn p16_an_scp_condition_decides_whether_it_applies() {
    let deny = scp(
        "p-tlsonly",
        json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
    );
    let s = with_org(owner_reads(), organization(vec![("r-root", deny)], &[]));
    let object = "arn:aws:s3:::shared-bucket/a";
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        object,
        &[("aws:SecureTransport", "true")]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        object,
        &[("aws:SecureTransport", "false")]
    ));
}

/// P16: a policy type that is not enabled on the root limits nothing.
#[test]
fn p16_a_policy_type_not_enabled_limits_nothing() {
    let deny = scp(
        "p-nos3",
        json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]),
    );
    let mut org = organization(vec![("ou-marketing", deny)], &[]);
    org.enabled = vec![ControlKind::Resource];
    assert!(allowed(
        &with_org(owner_reads(), org),
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P18: an RCP limits everyone who acts on a member account's resources, principals of accounts
/// outside the organization included — the data perimeter example.
#[test]
fn p18_an_rcp_limits_principals_outside_the_organization() {
    let perimeter = rcp(
        "p-perimeter",
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"}}}]),
    );
    let docs = || {
        vec![
            identity(OUTSIDER, json!([allow("s3:GetObject", "*")])),
            identity(ALICE, json!([allow("s3:GetObject", "*")])),
            bucket(json!([allow_to(
                json!({"AWS": [OUTSIDER, ALICE]}),
                "s3:GetObject",
                "arn:aws:s3:::shared-bucket/*"
            )])),
        ]
    };
    let object = "arn:aws:s3:::shared-bucket/a";
    assert!(allowed(
        &with_org(set(docs()), organization(vec![], &[])),
        OUTSIDER,
        "s3:GetObject",
        object,
        &[]
    ));
    let s = with_org(
        set(docs()),
        organization(vec![("ou-marketing", perimeter)], &[]),
    );
    let decision = decide(&s, OUTSIDER, "s3:GetObject", object);
    assert_eq!(decision.verdict, Verdict::Deny);
    assert!(decision.reasons[0]
        .to_string()
        .contains("resource control policy p-perimeter"));
    // A member account's principal carries the organization id and passes.
    assert!(allowed(&s, ALICE, "s3:GetObject", object, &[]));
}

/// P18: RCPs judge requests through an access point of a member account.
#[test]
fn p18_an_rcp_judges_requests_through_an_access_point() {
    let deny = rcp(
        "p-noreads",
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let docs = || {
        vec![
            identity(
                ALICE,
                json!([allow("s3:GetObject", &format!("{AP}/object/*"))]),
            ),
            doc(
                AccessPointPolicy,
                "222222222222",
                AP,
                json!([allow_to(
                    json!({"AWS": ALICE}),
                    "s3:GetObject",
                    &format!("{AP}/object/*")
                )]),
            ),
            bucket(delegation()),
        ]
    };
    let object = format!("{AP}/object/a");
    assert!(allowed(
        &with_org(set(docs()), organization(vec![], &[])),
        ALICE,
        "s3:GetObject",
        &object,
        &[]
    ));
    assert!(!allowed(
        &with_org(set(docs()), organization(vec![("222222222222", deny)], &[])),
        ALICE,
        "s3:GetObject",
        &object,
        &[]
    ));
}

/// P18: a level of the resource's account with no RCP that allows blocks every request.
#[test]
fn p18_a_level_without_an_allowing_rcp_blocks() {
    let only_lists = rcp(
        "p-lists",
        json!([allow_to(json!("*"), "s3:ListBucket", "*")]),
    );
    let s = with_org(owner_reads(), {
        let mut org = organization(vec![("ou-marketing", only_lists)], &[]);
        // Keep the SCPs; replace the OU's RCPFullAWSAccess by the listing-only RCP.
        org.add_member(
            "222222222222",
            vec![
                Level {
                    target: "r-root".into(),
                    policies: vec![0, 1],
                },
                Level {
                    target: "ou-marketing".into(),
                    policies: vec![0, 2],
                },
                Level {
                    target: "222222222222".into(),
                    policies: vec![0, 1],
                },
            ],
        );
        org
    });
    let decision = decide(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
    );
    assert_eq!(decision.verdict, Verdict::Deny);
    assert!(decision.reasons.iter().any(|r| r
        .document
        .contains("no resource control policy attached to ou-marketing")));
}

/// P19: RCPs do not affect resources of the management account.
#[test]
fn p19_rcps_do_not_limit_the_management_accounts_resources() {
    let deny = rcp(
        "p-denyall",
        json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]),
    );
    let admin = "arn:aws:iam::999999999999:role/admin";
    let mut s = with_org(
        set(vec![identity(admin, json!([allow("s3:GetObject", "*")]))]),
        organization(vec![("r-root", deny)], &[]),
    );
    s.set_bucket_owner("admin-bucket", MANAGEMENT);
    assert!(allowed(
        &s,
        admin,
        "s3:GetObject",
        "arn:aws:s3:::admin-bucket/a",
        &[]
    ));
}

/// P19: RCPs apply to the services that support them only; IAM is not one of them.
#[test]
fn p19_rcps_apply_only_to_supported_services() {
    let deny = rcp(
        "p-denyall",
        json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]),
    );
    let s = with_org(
        set(vec![identity(
            OWNER_ROLE,
            json!([allow("iam:GetRole", "*"), allow("s3:GetObject", "*")]),
        )]),
        organization(vec![("ou-marketing", deny)], &[]),
    );
    assert!(allowed(
        &s,
        OWNER_ROLE,
        "iam:GetRole",
        "arn:aws:iam::222222222222:role/reader",
        &[]
    ));
    assert!(!allowed(
        &s,
        OWNER_ROLE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

/// P18: RCPs judge AWS service principals too (SCPs cannot: a service is in no account), which is
/// why AWS's examples exempt them with `aws:PrincipalIsAWSService`.
#[test]
fn p18_rcps_apply_to_service_principals() {
    let logs = "logging.s3.amazonaws.com";
    let docs = || {
        vec![bucket(json!([allow_to(
            json!({"Service": logs}),
            "s3:PutObject",
            "arn:aws:s3:::shared-bucket/*"
        )]))]
    };
    let deny = rcp(
        "p-noput",
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]),
    );
    let object = "arn:aws:s3:::shared-bucket/logs/a";
    assert!(allowed(
        &with_org(set(docs()), organization(vec![], &[])),
        logs,
        "s3:PutObject",
        object,
        &[]
    ));
    assert!(!allowed(
        &with_org(set(docs()), organization(vec![("ou-marketing", deny)], &[])),
        logs,
        "s3:PutObject",
        object,
        &[]
    ));
}

/// P15: aws:PrincipalOrgID is the organization of the caller's account when it is known.
#[test]
fn p15_principal_org_id_comes_from_the_organization() {
    let s = with_org(
        set(vec![
            identity(ALICE, json!([allow("s3:GetObject", "*")])),
            bucket(
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}}]),
            ),
            identity(OUTSIDER, json!([allow("s3:GetObject", "*")])),
        ]),
        organization(vec![], &[]),
    );
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
    assert!(!allowed(
        &s,
        OUTSIDER,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/a",
        &[]
    ));
}

// ---- Who owns the bucket (P20, P2) ----

/// P20: a bucket the set knows nothing about may be the caller's or another account's: an
/// identity allow is not enough to decide, and the evaluator says so instead of guessing.
#[test]
fn p20_an_unknown_bucket_owner_is_unknown_when_only_the_identity_allows() {
    let s = set(vec![identity(ALICE, json!([allow("s3:GetObject", "*")]))]);
    let decision = decide(&s, ALICE, "s3:GetObject", "arn:aws:s3:::somewhere/a");
    let Verdict::Unknown(what) = &decision.verdict else {
        panic!("{decision:?}");
    };
    assert!(what.contains("arn:aws:s3:::somewhere"), "{what}");
    assert!(!decision.allowed());
}

/// P20: when nothing allows, the owner does not matter: denied.
#[test]
fn p20_an_unknown_bucket_owner_with_nothing_allowing_is_denied() {
    let s = set(vec![identity(ALICE, json!([allow("s3:PutObject", "*")]))]);
    assert_eq!(
        decide(&s, ALICE, "s3:GetObject", "arn:aws:s3:::somewhere/a").verdict,
        Verdict::Deny
    );
}

/// P1: an explicit deny decides wherever the bucket is.
#[test]
fn p1_an_explicit_deny_decides_for_an_unknown_bucket() {
    let s = set(vec![identity(
        ALICE,
        json!([allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]),
    )]);
    assert_eq!(
        decide(&s, ALICE, "s3:GetObject", "arn:aws:s3:::somewhere/a").verdict,
        Verdict::Deny
    );
}

/// P20 / P2: once the owner is known, the rule is the usual one: the caller's own bucket needs its
/// identity policy, another account's bucket needs that bucket's policy as well.
#[test]
fn p20_a_known_owner_decides_which_policies_are_needed() {
    let mut s = set(vec![identity(ALICE, json!([allow("s3:GetObject", "*")]))]);
    s.set_bucket_owner("mine", "111111111111");
    s.set_bucket_owner("theirs", "333333333333");
    assert!(allowed(
        &s,
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::mine/a",
        &[]
    ));
    assert_eq!(
        decide(&s, ALICE, "s3:GetObject", "arn:aws:s3:::theirs/a").verdict,
        Verdict::Deny
    );
}

/// P20: an account-level action (`*`, no bucket) is judged in the caller's own account.
#[test]
fn p20_an_account_level_action_is_the_callers_account() {
    let s = set(vec![identity(
        ALICE,
        json!([allow("s3:ListAllMyBuckets", "*")]),
    )]);
    assert!(allowed(&s, ALICE, "s3:ListAllMyBuckets", "*", &[]));
}

/// P2: any other ARN names its account: a role of another account read with an identity allow
/// alone is a cross-account request that its (absent) resource policy does not allow.
#[test]
fn p2_an_arn_names_its_owner() {
    let s = set(vec![identity(ALICE, json!([allow("iam:GetRole", "*")]))]);
    assert!(allowed(
        &s,
        ALICE,
        "iam:GetRole",
        "arn:aws:iam::111111111111:role/x",
        &[]
    ));
    assert!(!allowed(
        &s,
        ALICE,
        "iam:GetRole",
        "arn:aws:iam::222222222222:role/x",
        &[]
    ));
}

// ---- What a decision consulted (for `explain --json`) ----

/// Through an access point: the caller's identity policy, the access point policy and the bucket
/// policy are read, and the SCPs and RCPs on the way.
#[test]
fn a_decision_lists_the_documents_it_consulted() {
    let s = with_org(
        set(vec![
            identity(
                ALICE,
                json!([allow("s3:GetObject", &format!("{AP}/object/*"))]),
            ),
            doc(
                AccessPointPolicy,
                "222222222222",
                AP,
                json!([allow_to(
                    json!({"AWS": ALICE}),
                    "s3:GetObject",
                    &format!("{AP}/object/*")
                )]),
            ),
            bucket(delegation()),
        ]),
        organization(vec![], &[]),
    );
    let decision = decide(&s, ALICE, "s3:GetObject", &format!("{AP}/object/a"));
    assert!(decision.allowed(), "{decision:?}");
    let consulted = decision.consulted_documents(&s).join("\n");
    let listed = decision.consulted_documents(&s);
    let unique: std::collections::BTreeSet<&String> = listed.iter().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "each document once: {listed:#?}"
    );
    for expected in [
        "role inline policy of arn:aws:iam::111111111111:role/alice in account 111111111111",
        "access point policy of arn:aws:s3:us-east-1:222222222222:accesspoint/shared in account 222222222222",
        "bucket policy of arn:aws:s3:::shared-bucket in account 222222222222",
        "service control policy p-FullAWSAccess",
        "resource control policy p-RCPFullAWSAccess",
    ] {
        assert!(consulted.contains(expected), "{expected} not in:\n{consulted}");
    }
}

// ---- Network and time limits (P15, P21, P22): the keys a grant's limits compare ----

/// An access point whose policy, the bucket's delegation and ALICE's identity policy all carry
/// `condition`, as the grants' documents do.
fn limited(condition: Value) -> PolicySet {
    let objects = format!("{AP}/object/*");
    let mut to_alice = allow_to(json!({"AWS": ALICE}), "s3:GetObject", &objects);
    to_alice["Condition"] = condition.clone();
    let mut own = allow("s3:GetObject", &objects);
    own["Condition"] = condition;
    ap_case(json!([to_alice]), delegation(), json!([own]))
}

fn get(s: &PolicySet, context: &[(&str, &str)]) -> bool {
    allowed(
        s,
        ALICE,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        context,
    )
}

/// P21: a statement limited to an endpoint allows requests through it, and neither requests
/// through another endpoint nor requests over the internet, which carry no `aws:SourceVpce`.
#[test]
fn p21_source_vpce_allows_only_requests_through_the_endpoint() {
    let s = limited(json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}));
    assert!(get(&s, &[("aws:SourceVpce", "vpce-1a2b3c4d")]));
    assert!(!get(&s, &[("aws:SourceVpce", "vpce-9f9f9f9f")]));
    assert!(!get(&s, &[("aws:SourceIp", "203.0.113.9")]));
}

/// P21: `aws:SourceVpc` names the VPC of the endpoint the request came through.
#[test]
fn p21_source_vpc_allows_only_requests_from_the_vpc() {
    let s = limited(json!({"StringEquals": {"aws:SourceVpc": "vpc-111bbb22"}}));
    assert!(get(
        &s,
        &[
            ("aws:SourceVpc", "vpc-111bbb22"),
            ("aws:SourceVpce", "vpce-1a2b3c4d")
        ]
    ));
    assert!(!get(&s, &[("aws:SourceVpc", "vpc-999fff00")]));
    assert!(!get(&s, &[]));
}

/// P21: the documented pattern "deny unless through the endpoint" (`StringNotEquals` on a key
/// the request lacks matches, so the deny applies to every request over the internet).
#[test]
fn p21_deny_unless_through_the_endpoint_denies_public_requests() {
    let objects = format!("{AP}/object/*");
    let mut deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET, "arn:aws:s3:::shared-bucket/*"]});
    deny["Condition"] = json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}});
    let mut bucket_statements = delegation();
    bucket_statements.as_array_mut().unwrap().push(deny);
    let s = ap_case(
        json!([allow_to(json!({"AWS": ALICE}), "s3:GetObject", &objects)]),
        bucket_statements,
        json!([allow("s3:GetObject", &objects)]),
    );
    assert!(get(&s, &[("aws:SourceVpce", "vpce-1a2b3c4d")]));
    assert!(!get(&s, &[("aws:SourceIp", "203.0.113.9")]));
    assert!(!get(&s, &[("aws:SourceVpce", "vpce-9f9f9f9f")]));
}

/// P22: a request through a VPC endpoint has no `aws:SourceIp`, so a statement limited to
/// public ranges does not allow it, whatever address the caller has inside the VPC.
#[test]
fn p22_source_ip_never_matches_a_request_through_an_endpoint() {
    let s = limited(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8:a0::/48"]}}));
    assert!(get(&s, &[("aws:SourceIp", "203.0.113.200")]));
    assert!(get(&s, &[("aws:SourceIp", "2001:db8:a0:1::7")]));
    assert!(!get(&s, &[("aws:SourceIp", "203.0.114.0")]));
    assert!(!get(&s, &[("aws:SourceVpce", "vpce-1a2b3c4d")]));
}

/// P4, P15: `DateLessThan` on `aws:CurrentTime` is strict: at the instant itself the statement
/// no longer applies; an epoch number in the request compares as the same instant.
#[test]
fn p15_current_time_before_the_expiry_only() {
    let s = limited(json!({"DateLessThan": {"aws:CurrentTime": "2027-04-01T00:00:00Z"}}));
    assert!(get(&s, &[("aws:CurrentTime", "2027-03-31T23:59:59Z")]));
    assert!(!get(&s, &[("aws:CurrentTime", "2027-04-01T00:00:00Z")]));
    assert!(!get(&s, &[("aws:CurrentTime", "2027-04-01T00:00:01Z")]));
    assert!(get(&s, &[("aws:CurrentTime", "1806537599")]));
    assert!(!get(&s, &[("aws:CurrentTime", "1806537600")]));
    assert!(!get(&s, &[]), "a request without the time is not before it");
}

/// P23: an access point with network origin VPC rejects requests that do not come from its VPC,
/// even when every policy allows them; from the VPC the policies decide as usual.
#[test]
fn p23_a_vpc_access_point_takes_requests_from_its_vpc_only() {
    let objects = format!("{AP}/object/*");
    let mut s = ap_case(
        json!([allow_to(json!({"AWS": ALICE}), "s3:GetObject", &objects)]),
        delegation(),
        json!([allow("s3:GetObject", &objects)]),
    );
    s.add_access_point(AccessPointInfo {
        vpc: Some("vpc-111bbb22".into()),
        ..s.access_point(AP).unwrap().clone()
    });
    assert!(get(
        &s,
        &[
            ("aws:SourceVpc", "vpc-111bbb22"),
            ("aws:SourceVpce", "vpce-1a2b3c4d")
        ]
    ));
    assert!(!get(&s, &[("aws:SourceVpc", "vpc-999fff00")]));
    assert!(!get(&s, &[("aws:SourceIp", "203.0.113.9")]));
    let decision = evaluate(
        &s,
        &Request {
            principal: ALICE.into(),
            action: "s3:GetObject".into(),
            resource: format!("{AP}/object/a.csv"),
            context: policy_core::eval::Context::new(),
        },
    );
    assert!(
        format!("{decision:?}").contains("network origin VPC"),
        "the reason names the origin: {decision:?}"
    );
}

/// A member account's role, reading through an access point shared with an organization.
const MEMBER: &str = "arn:aws:iam::444444444444:role/member-reader";

/// An access point and delegation naming everyone limited by `condition`, and the member's own
/// identity policy allowing the read (its account grants its identities).
fn shared_with(condition: Value) -> PolicySet {
    let objects = format!("{AP}/object/*");
    let mut everyone = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": objects});
    everyone["Condition"] = condition;
    let mut s = ap_case(json!([everyone]), delegation(), json!([]));
    s.push(identity(MEMBER, json!([allow("s3:GetObject", &objects)])));
    s
}

fn member_get(s: &PolicySet, context: &[(&str, &str)]) -> bool {
    allowed(
        s,
        MEMBER,
        "s3:GetObject",
        &format!("{AP}/object/a.csv"),
        context,
    )
}

/// P15, P10: `Principal: {"AWS": "*"}` limited by `aws:PrincipalOrgID` allows the identities of
/// the organization's accounts (whose own identity policies allow), and no one else.
#[test]
fn p15_principal_org_id_limits_everyone_to_the_organization() {
    let s = shared_with(json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}));
    assert!(member_get(&s, &[("aws:PrincipalOrgID", "o-a1b2c3d4e5")]));
    assert!(!member_get(&s, &[("aws:PrincipalOrgID", "o-zzzzzzzzzz")]));
    assert!(!member_get(&s, &[]), "an account outside any organization");
}

/// P24: `ForAnyValue:StringLike` on `aws:PrincipalOrgPaths` with `path*` takes the OU and every
/// OU below it, and not a sibling OU; the key holds one path per organization the account is in.
#[test]
fn p24_principal_org_paths_take_an_ou_and_the_ous_below_it() {
    let ou = "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/";
    let s =
        shared_with(json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": format!("{ou}*")}}));
    assert!(member_get(&s, &[("aws:PrincipalOrgPaths", ou)]));
    assert!(member_get(
        &s,
        &[(
            "aws:PrincipalOrgPaths",
            "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"
        )]
    ));
    assert!(!member_get(
        &s,
        &[(
            "aws:PrincipalOrgPaths",
            "o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/"
        )]
    ));
    assert!(!member_get(&s, &[]));
}

/// P2: an organization-wide statement does not stand in for the member's identity policy across
/// accounts: a member role its own account does not allow is denied.
#[test]
fn p2_an_organization_grant_still_needs_the_members_identity_policy() {
    let objects = format!("{AP}/object/*");
    let everyone = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": objects, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}});
    let mut s = ap_case(json!([everyone]), delegation(), json!([]));
    s.push(identity(MEMBER, json!([allow("s3:PutObject", &objects)])));
    assert!(!member_get(&s, &[("aws:PrincipalOrgID", "o-a1b2c3d4e5")]));
}

// ---- KMS keys (P25–P27) ----

const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn key_policy(statements: Value) -> PolicyDoc {
    doc(KeyPolicy, "222222222222", KEY, statements)
}

fn decrypt(s: &PolicySet, principal: &str, context: &[(&str, &str)]) -> bool {
    allowed(s, principal, "kms:Decrypt", KEY, context)
}

/// P25: in the key's own account, an identity policy alone does not open a key whose policy says
/// nothing of the caller; a key policy naming the caller does, without any identity policy.
#[test]
fn p25_the_key_policy_must_allow_even_in_the_keys_account() {
    let identity_only = set(vec![
        identity(OWNER_ROLE, json!([allow("kms:Decrypt", KEY)])),
        key_policy(json!([])),
    ]);
    assert!(!decrypt(&identity_only, OWNER_ROLE, &[]));
    let named = set(vec![key_policy(json!([allow_to(
        json!({"AWS": OWNER_ROLE}),
        "kms:Decrypt",
        "*"
    )]))]);
    assert!(decrypt(&named, OWNER_ROLE, &[]));
}

/// P25: a key policy trusting the account root delegates to the account's identity policies.
#[test]
fn p25_a_key_policy_trusting_the_account_delegates_to_identity_policies() {
    let root = json!([allow_to(
        json!({"AWS": "arn:aws:iam::222222222222:root"}),
        "kms:*",
        "*"
    )]);
    let with_identity = set(vec![
        key_policy(root.clone()),
        identity(OWNER_ROLE, json!([allow("kms:Decrypt", KEY)])),
    ]);
    assert!(decrypt(&with_identity, OWNER_ROLE, &[]));
    let without = set(vec![key_policy(root)]);
    assert!(!decrypt(&without, OWNER_ROLE, &[]));
}

/// P26: from another account, the key policy naming the principal is not enough: its own
/// identity policy must allow too, and the other way round.
#[test]
fn p26_another_accounts_principal_needs_both_policies() {
    let named = json!([allow_to(json!({"AWS": ALICE}), "kms:Decrypt", "*")]);
    let both = set(vec![
        key_policy(named.clone()),
        identity(ALICE, json!([allow("kms:Decrypt", KEY)])),
    ]);
    assert!(decrypt(&both, ALICE, &[]));
    let key_only = set(vec![key_policy(named)]);
    assert!(!decrypt(&key_only, ALICE, &[]));
    let identity_only = set(vec![
        key_policy(json!([])),
        identity(ALICE, json!([allow("kms:Decrypt", KEY)])),
    ]);
    assert!(!decrypt(&identity_only, ALICE, &[]));
}

/// P27: `kms:ViaService` limits the key to requests a service makes on the principal's behalf:
/// S3 in the key's region, not a direct call nor another service.
#[test]
fn p27_via_service_limits_the_key_to_requests_s3_makes() {
    let mut statement = allow_to(json!({"AWS": OWNER_ROLE}), "kms:Decrypt", "*");
    statement["Condition"] =
        json!({"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}});
    let s = set(vec![key_policy(json!([statement]))]);
    assert!(decrypt(
        &s,
        OWNER_ROLE,
        &[("kms:ViaService", "s3.us-east-1.amazonaws.com")]
    ));
    assert!(!decrypt(&s, OWNER_ROLE, &[]));
    assert!(!decrypt(
        &s,
        OWNER_ROLE,
        &[("kms:ViaService", "ec2.us-east-1.amazonaws.com")]
    ));
}

/// P15, P24: with the organization known, `aws:PrincipalOrgPaths` is set for its members from
/// where they sit (`o-…/r-…/ou-…/`), so an OU grant decides without the caller saying it.
#[test]
fn p24_an_ous_members_are_known_from_the_organization() {
    let objects = format!("{AP}/object/*");
    let for_ou = |ou: &str| {
        let everyone = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": objects,
            "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": format!("o-exampleorgid/r-root/{ou}/*")}}});
        let mut s = ap_case(
            json!([everyone]),
            delegation(),
            json!([allow("s3:GetObject", &objects)]),
        );
        s.push(identity(MEMBER, json!([allow("s3:GetObject", &objects)])));
        with_org(s, organization(vec![], &[]))
    };
    let object = format!("{AP}/object/a.csv");
    let analytics = for_ou("ou-analytics");
    assert!(allowed(&analytics, ALICE, "s3:GetObject", &object, &[]));
    assert!(!allowed(&analytics, MEMBER, "s3:GetObject", &object, &[]));
    let marketing = for_ou("ou-marketing");
    assert!(!allowed(&marketing, ALICE, "s3:GetObject", &object, &[]));
}

// ---- Rules outside the request-and-resource pattern (P5, P28, P29) ----

/// The decision itself, so that an `Unknown` never passes for a denial.
fn verdict_of(set: &PolicySet, principal: &str, action: &str, resource: &str) -> Verdict {
    evaluate(
        set,
        &Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: policy_core::eval::Context::new(),
        },
    )
    .verdict
}

/// P28: anyone may ask who they are, with no policy at all and against an explicit deny of it in
/// an identity policy or an SCP.
#[test]
fn p28_get_caller_identity_needs_no_permission_and_ignores_a_deny() {
    let deny = json!([{"Effect": "Deny", "Action": "sts:GetCallerIdentity", "Resource": "*"}]);
    for s in [
        set(vec![]),
        set(vec![identity(ALICE, deny.clone())]),
        set(vec![identity(
            ALICE,
            json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]),
        )]),
    ] {
        for principal in [ALICE, ALICE_SESSION, BOB] {
            assert_eq!(
                verdict_of(&s, principal, "sts:GetCallerIdentity", "*"),
                Verdict::Allow
            );
        }
    }
    // Any other STS action is judged as usual.
    assert_eq!(
        verdict_of(&set(vec![]), ALICE, "sts:GetSessionToken", "*"),
        Verdict::Deny
    );
}

/// P29: alias operations and account-level KMS actions are authorized by the caller's IAM
/// policies alone: no key policy is read for them. A key itself still needs its key policy
/// (P25).
#[test]
fn p29_kms_actions_on_aliases_and_on_star_need_only_iam_policies() {
    let alias = "arn:aws:kms:us-east-1:222222222222:alias/finance";
    let allowed_by_iam = set(vec![identity(
        OWNER_ROLE,
        json!([
            allow("kms:ListKeys", "*"),
            allow("kms:ListAliases", "*"),
            allow("kms:UpdateAlias", alias),
            allow("kms:CreateAlias", alias)
        ]),
    )]);
    for (action, resource) in [
        ("kms:ListKeys", "*"),
        ("kms:ListAliases", "*"),
        ("kms:UpdateAlias", alias),
        ("kms:CreateAlias", alias),
    ] {
        assert_eq!(
            verdict_of(&allowed_by_iam, OWNER_ROLE, action, resource),
            Verdict::Allow,
            "{action}"
        );
        // With nothing allowing it, still refused.
        assert_eq!(
            verdict_of(&set(vec![]), OWNER_ROLE, action, resource),
            Verdict::Deny,
            "{action}"
        );
    }
    // An alias of another account is not the caller's to manage by its own policies.
    assert_eq!(
        verdict_of(&allowed_by_iam, ALICE, "kms:UpdateAlias", alias),
        Verdict::Deny
    );
    // The key itself: an identity policy alone still opens nothing.
    let key_alone = set(vec![
        identity(OWNER_ROLE, json!([allow("kms:Decrypt", KEY)])),
        key_policy(json!([])),
    ]);
    assert_eq!(
        verdict_of(&key_alone, OWNER_ROLE, "kms:Decrypt", KEY),
        Verdict::Deny
    );
}

/// P5 "NotPrincipal": `NotPrincipal` with `Allow` is not supported, and under the older reading
/// it allowed everyone except the principals it names; a principal it names — the role, its
/// sessions, or anyone of a named account — never gets anything from it.
#[test]
fn p5_an_allow_with_not_principal_never_grants_a_principal_it_names() {
    let object = "arn:aws:s3:::shared-bucket/a";
    let allow_all_but = |listed: Value| {
        set(vec![
            identity(ALICE, json!([allow("s3:*", "*")])),
            identity(BOB, json!([allow("s3:*", "*")])),
            bucket(
                json!([{"Effect": "Allow", "NotPrincipal": {"AWS": listed}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}]),
            ),
        ])
    };
    for listed in [
        json!([ALICE]),
        json!([ALICE, "arn:aws:iam::111111111111:root"]),
        json!(["111111111111"]),
        json!("*"),
    ] {
        let s = allow_all_but(listed.clone());
        for principal in [ALICE, ALICE_SESSION] {
            assert_eq!(
                verdict_of(&s, principal, "s3:GetObject", object),
                Verdict::Deny,
                "{principal} named in {listed}"
            );
        }
    }
    // Naming the account names everyone in it.
    assert_eq!(
        verdict_of(
            &allow_all_but(json!(["111111111111"])),
            BOB,
            "s3:GetObject",
            object
        ),
        Verdict::Deny
    );
}
