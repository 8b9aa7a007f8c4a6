//! Properties of the evaluator and of the proof: decisions do not depend on formatting or on the
//! order of statements, and the proof catches documents that grant more, or less, than declared.

#![allow(clippy::expect_used)]

use policy_core::eval::PolicyDoc;
use policy_core::eval::{evaluate, Context, Policy, PolicySet, Request};
use policy_core::eval::{ControlKind, ControlPolicy, Level, Organization};
use policy_core::proof::prove;
use policy_core::{DeploymentInput, DocumentKind, GrantInput, Loc, Spanned};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "s3:ListBucket",
    "s3:DeleteObject",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/reports/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::other/*",
];

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        proptest::sample::subsequence(ACTIONS.to_vec(), 1..3),
        proptest::sample::subsequence(RESOURCES.to_vec(), 1..3),
        any::<bool>(),
        0u8..3,
    )
        .prop_map(|(deny, actions, resources, not_action, condition)| {
            let mut s =
                json!({"Effect": if deny { "Deny" } else { "Allow" }, "Resource": resources});
            s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
            match condition {
                1 => s["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}}),
                2 => s["Condition"] = json!({"StringLike": {"s3:prefix": "reports/*"}}),
                _ => {}
            }
            s
        })
}

fn decisions(statements: &[Value]) -> Vec<bool> {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    decisions_of(&text)
}

fn decisions_of(text: &str) -> Vec<bool> {
    decisions_within(text, None)
}

/// The decisions of an identity policy of a role of 111111111111 on two buckets of its own
/// account, within an organization when given.
fn decisions_within(text: &str, organization: Option<Organization>) -> Vec<bool> {
    let mut set = PolicySet::default();
    set.push(PolicyDoc {
        kind: DocumentKind::RoleInlinePolicy,
        account: "111111111111".into(),
        target: "arn:aws:iam::111111111111:role/r".into(),
        policy: Policy::parse(text).expect("generated policies parse"),
    });
    for bucket in ["b", "other"] {
        set.set_bucket_owner(bucket, "111111111111");
    }
    set.organization = organization;
    let mut out = Vec::new();
    for action in [
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:DeleteObject",
    ] {
        for resource in [
            "arn:aws:s3:::b/reports/x",
            "arn:aws:s3:::b/y",
            "arn:aws:s3:::b",
            "arn:aws:s3:::other/z",
        ] {
            for secure in ["true", "false"] {
                let context: Context = [
                    ("aws:SecureTransport".to_owned(), vec![secure.to_owned()]),
                    ("s3:prefix".to_owned(), vec!["reports/a".to_owned()]),
                ]
                .into();
                out.push(
                    evaluate(
                        &set,
                        &Request {
                            principal: "arn:aws:iam::111111111111:role/r".into(),
                            action: action.into(),
                            resource: resource.into(),
                            context,
                        },
                    )
                    .allowed(),
                );
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn decisions_survive_canonicalisation_and_reordering(statements in proptest::collection::vec(statement(), 1..6), seed in any::<u64>()) {
        let original = decisions(&statements);
        let pretty = serde_json::to_string_pretty(&json!({"Statement": statements, "Version": "2012-10-17"})).unwrap_or_default();
        prop_assert_eq!(&decisions_of(&pretty), &original);
        let canonical = policy_core::to_canonical_string(json!({"Version": "2012-10-17", "Statement": statements}));
        prop_assert_eq!(&decisions_of(&canonical), &original);
        let mut shuffled = statements.clone();
        let n = shuffled.len();
        shuffled.rotate_left((seed as usize) % n);
        shuffled.reverse();
        prop_assert_eq!(&decisions(&shuffled), &original);
    }
}

fn sharing() -> (Vec<policy_core::Document>, Vec<policy_core::Grant>) {
    let s = |t: &str| Some(Spanned::new(t.to_owned(), Loc::UNKNOWN));
    let grant = GrantInput {
        name: Spanned::new("reads".into(), Loc::UNKNOWN),
        requester: s("arn:aws:iam::111111111111:role/analytics-etl"),
        assume_role: s("arn:aws:iam::222222222222:role/analytics-reader"),
        access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data"),
        bucket: s("marketing-customer-data"),
        actions: Some(Spanned::new(
            vec![
                Spanned::new("s3:GetObject".into(), Loc::UNKNOWN),
                Spanned::new("s3:ListBucket".into(), Loc::UNKNOWN),
            ],
            Loc::UNKNOWN,
        )),
        prefixes: Some(Spanned::new(
            vec![Spanned::new("customers/".into(), Loc::UNKNOWN)],
            Loc::UNKNOWN,
        )),
        external_id: s("analytics-2026"),
        ..GrantInput::default()
    };
    let input = DeploymentInput {
        name: Spanned::new("SHARING".into(), Loc::UNKNOWN),
        doc: String::new(),
        grants: vec![grant],
    };
    let grants = policy_core::pipeline::validate(&input).expect("the grant is valid");
    let documents =
        policy_core::pipeline::render("SHARING", &grants, Loc::UNKNOWN).expect("it renders");
    (documents, grants)
}

/// Replaces the policy of the document of `kind` in the access point owner's account with `f(policy)`.
fn tamper(documents: &mut [policy_core::Document], kind: DocumentKind, f: impl Fn(&mut Value)) {
    let doc = documents
        .iter_mut()
        .find(|d| d.kind == kind && d.account == "222222222222")
        .unwrap_or_else(|| unreachable!());
    let mut policy: Value =
        serde_json::from_str(doc.policy.as_deref().unwrap_or("{}")).unwrap_or_default();
    f(&mut policy);
    doc.policy = Some(policy.to_string().into());
}

#[test]
fn the_proof_holds_for_generated_documents() {
    let (documents, grants) = sharing();
    assert!(prove(&documents, &grants).is_ok_and(|n| n > 0));
}

#[test]
fn the_proof_catches_a_wider_action() {
    let (mut documents, grants) = sharing();
    for kind in [
        DocumentKind::RoleInlinePolicy,
        DocumentKind::AccessPointPolicy,
        DocumentKind::BucketPolicy,
    ] {
        tamper(&mut documents, kind, |p| {
            for s in p["Statement"].as_array_mut().into_iter().flatten() {
                s["Action"] = json!(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]);
            }
        });
    }
    let failures = prove(&documents, &grants).err().unwrap_or_default();
    assert_eq!(failures.len(), 1);
    // The first counterexample: an action now allowed where the grant does not declare it.
    assert!(
        failures[0].1.message.contains("which no grant declares"),
        "{}",
        failures[0].1
    );
}

#[test]
fn the_proof_catches_a_prefix_that_grew() {
    let (mut documents, grants) = sharing();
    for kind in [
        DocumentKind::RoleInlinePolicy,
        DocumentKind::AccessPointPolicy,
        DocumentKind::BucketPolicy,
    ] {
        tamper(&mut documents, kind, |p| {
            let text = p.to_string().replace("customers/*", "*");
            *p = serde_json::from_str(&text).unwrap_or_default();
        });
    }
    let failures = prove(&documents, &grants).err().unwrap_or_default();
    assert!(
        failures
            .first()
            .is_some_and(|f| f.1.message.contains("/xacct-proof-outside/")),
        "{failures:?}"
    );
}

#[test]
fn the_proof_catches_a_trust_without_its_external_id() {
    let (mut documents, grants) = sharing();
    tamper(&mut documents, DocumentKind::RoleTrustPolicy, |p| {
        if let Some(s) = p["Statement"].as_array_mut().and_then(|a| a.first_mut()) {
            s.as_object_mut().map(|o| o.remove("Condition"));
        }
    });
    let failures = prove(&documents, &grants).err().unwrap_or_default();
    assert!(
        failures
            .first()
            .is_some_and(|f| f.1.message.contains("is allowed `sts:AssumeRole`")),
        "{failures:?}"
    );
}

#[test]
fn the_proof_catches_a_missing_delegation() {
    let (mut documents, grants) = sharing();
    tamper(&mut documents, DocumentKind::BucketPolicy, |p| {
        p["Statement"] = json!([])
    });
    let failures = prove(&documents, &grants).err().unwrap_or_default();
    assert!(
        failures
            .first()
            .is_some_and(|f| f.1.message.contains("is denied")
                && f.1
                    .help
                    .as_deref()
                    .unwrap_or_default()
                    .contains("does not delegate")),
        "{failures:?}"
    );
}

/// A bucket policy whose statements name `principal` (in place of each statement's own), with an
/// identity policy for two callers of account 111111111111, judged for both callers and sessions.
fn resource_decisions(statements: &[Value], principal: &Value, not_principal: bool) -> Vec<bool> {
    let with_principal: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut s = s.clone();
            let key = if not_principal && s["Effect"] == "Deny" {
                "NotPrincipal"
            } else {
                "Principal"
            };
            s[key] = principal.clone();
            s
        })
        .collect();
    let bucket = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": with_principal}))
        .expect("generated policies parse");
    let mut set = PolicySet::default();
    set.push(PolicyDoc {
        kind: DocumentKind::BucketPolicy,
        account: "222222222222".into(),
        target: "arn:aws:s3:::b".into(),
        policy: bucket,
    });
    for caller in [
        "arn:aws:iam::111111111111:role/r",
        "arn:aws:iam::111111111111:user/u",
    ] {
        set.push(PolicyDoc {
            kind: if caller.contains(":user/") {
                DocumentKind::UserInlinePolicy
            } else {
                DocumentKind::RoleInlinePolicy
            },
            account: "111111111111".into(),
            target: caller.into(),
            policy: Policy::from_value(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
                .expect("a policy"),
        });
    }
    let callers = [
        "arn:aws:iam::111111111111:role/r",
        "arn:aws:sts::111111111111:assumed-role/r/s",
        "arn:aws:iam::111111111111:user/u",
    ];
    let mut out = Vec::new();
    for principal in callers {
        for action in ["s3:GetObject", "s3:PutObject", "s3:ListBucket"] {
            for resource in ["arn:aws:s3:::b/reports/x", "arn:aws:s3:::b"] {
                let request = Request {
                    principal: principal.into(),
                    action: action.into(),
                    resource: resource.into(),
                    context: Context::new(),
                };
                out.push(evaluate(&set, &request).allowed());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// "Principal" page: an account is named by its id or by its root ARN, with the same meaning.
    #[test]
    fn an_account_id_and_its_root_arn_mean_the_same(statements in proptest::collection::vec(statement(), 1..5)) {
        prop_assert_eq!(
            resource_decisions(&statements, &json!({"AWS": "111111111111"}), false),
            resource_decisions(&statements, &json!({"AWS": "arn:aws:iam::111111111111:root"}), false)
        );
        prop_assert_eq!(
            resource_decisions(&statements, &json!({"AWS": "111111111111"}), true),
            resource_decisions(&statements, &json!({"AWS": "arn:aws:iam::111111111111:root"}), true)
        );
    }

    /// A role's sessions act as the role: a resource policy naming the role decides the same for
    /// the role and its session.
    #[test]
    fn a_role_and_its_session_are_judged_alike(statements in proptest::collection::vec(statement(), 1..5)) {
        let decisions = resource_decisions(&statements, &json!({"AWS": "arn:aws:iam::111111111111:role/r"}), false);
        // Per caller: 3 actions x 2 resources; the role first, its session second.
        prop_assert_eq!(&decisions[0..6], &decisions[6..12]);
    }

    /// A Deny naming everyone but the caller's whole chain (account, role, session) through
    /// NotPrincipal never denies that caller more than no Deny would; one naming only the role
    /// never denies its session less.
    #[test]
    fn not_principal_exempts_only_a_complete_chain(statements in proptest::collection::vec(statement(), 1..5)) {
        let chain = json!({"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:role/r", "arn:aws:sts::111111111111:assumed-role/r/s"]});
        let only_role = json!({"AWS": "arn:aws:iam::111111111111:role/r"});
        let allows_only: Vec<Value> = statements.iter().filter(|s| s["Effect"] == "Allow").cloned().collect();
        let exempt = resource_decisions(&statements, &chain, true);
        let without_denies = resource_decisions(&allows_only, &chain, true);
        // The session (indices 6..12) is exempt from every Deny: as if they were not there.
        prop_assert_eq!(&exempt[6..12], &without_denies[6..12]);
        let not_exempt = resource_decisions(&statements, &only_role, true);
        for (strict, loose) in not_exempt[6..12].iter().zip(&exempt[6..12]) {
            prop_assert!(!strict || *loose);
        }
    }
}

/// An organization where 111111111111 sits in one OU: FullAWSAccess and RCPFullAWSAccess at every
/// level, and at the OU also an SCP and an RCP made of `scp` and `rcp` (RCP statements get
/// `Principal: "*"`, as RCPs require).
fn organization(scp: &[Value], rcp: &[Value]) -> Organization {
    let control = |kind, id: &str, statements: Vec<Value>| ControlPolicy {
        id: id.into(),
        name: id.into(),
        kind,
        policy: Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements}))
            .expect("generated policies parse"),
    };
    let everything = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    let mut org = Organization::new("o-test", "999999999999");
    let full_scp = org.add_policy(control(
        ControlKind::Service,
        "p-full",
        vec![everything.clone()],
    ));
    let mut everyone = everything;
    everyone["Principal"] = json!("*");
    let full_rcp = org.add_policy(control(ControlKind::Resource, "p-rcpfull", vec![everyone]));
    let mut at_ou = vec![full_scp, full_rcp];
    if !scp.is_empty() {
        at_ou.push(org.add_policy(control(ControlKind::Service, "p-scp", scp.to_vec())));
    }
    if !rcp.is_empty() {
        let with_principal = rcp
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s["Principal"] = json!("*");
                s
            })
            .collect();
        at_ou.push(org.add_policy(control(ControlKind::Resource, "p-rcp", with_principal)));
    }
    let level = |target: &str, policies: Vec<usize>| Level {
        target: target.into(),
        policies,
    };
    org.add_member(
        "111111111111",
        vec![
            level("r-root", vec![full_scp, full_rcp]),
            level("ou-x", at_ou),
            level("111111111111", vec![full_scp, full_rcp]),
        ],
    );
    org
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// "SCP evaluation", "RCP evaluation": guardrails grant nothing, so an organization never
    /// allows what the policies alone deny, and full access at every level changes nothing.
    #[test]
    fn guardrails_only_take_away(
        statements in proptest::collection::vec(statement(), 1..5),
        scp in proptest::collection::vec(statement(), 0..3),
        rcp in proptest::collection::vec(statement(), 0..3),
    ) {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let alone = decisions_within(&text, None);
        prop_assert_eq!(&decisions_within(&text, Some(organization(&[], &[]))), &alone);
        let limited = decisions_within(&text, Some(organization(&scp, &rcp)));
        for (with_org, without) in limited.iter().zip(&alone) {
            prop_assert!(!with_org || *without);
        }
    }

    /// SCPs and RCPs never limit the management account: its decisions are the same whatever the
    /// organization attaches.
    #[test]
    fn the_management_account_is_never_limited(
        statements in proptest::collection::vec(statement(), 1..5),
        scp in proptest::collection::vec(statement(), 0..3),
        rcp in proptest::collection::vec(statement(), 0..3),
    ) {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let mut org = organization(&scp, &rcp);
        org.management_account = "111111111111".into();
        prop_assert_eq!(decisions_within(&text, Some(org)), decisions_within(&text, None));
    }
}

/// The policies that limit a request without granting it, for [`layered_decisions`].
#[derive(Default)]
struct Limits<'a> {
    boundary: Option<&'a [Value]>,
    session: Option<&'a [Value]>,
    endpoint: Option<&'a [Value]>,
}

fn policy_of(statements: &[Value]) -> Policy {
    Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements}))
        .expect("generated statements parse")
}

/// Role `r`, its session `s` (through endpoint `vpce-1` when `limits.endpoint`) and user `u` of
/// account 111111111111, with `identity` as each one's identity policy and `resource` as the
/// policy of their own bucket `b`, each statement naming one of them, the role or the account.
fn layered_decisions(identity: &[Value], resource: &[Value], limits: &Limits) -> Vec<bool> {
    let named = [
        "arn:aws:iam::111111111111:role/r",
        "arn:aws:sts::111111111111:assumed-role/r/s",
        "arn:aws:iam::111111111111:user/u",
        "111111111111",
    ];
    let resource: Vec<Value> = resource
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut s = s.clone();
            s["Principal"] = json!({"AWS": named[i % named.len()]});
            s
        })
        .collect();
    let mut set = PolicySet::default();
    set.set_bucket_owner("b", "111111111111");
    set.set_bucket_owner("other", "111111111111");
    set.push(PolicyDoc {
        kind: DocumentKind::BucketPolicy,
        account: "111111111111".into(),
        target: "arn:aws:s3:::b".into(),
        policy: policy_of(&resource),
    });
    for (kind, target) in [
        (DocumentKind::RoleInlinePolicy, named[0]),
        (DocumentKind::UserInlinePolicy, named[2]),
    ] {
        set.push(PolicyDoc {
            kind,
            account: "111111111111".into(),
            target: target.into(),
            policy: policy_of(identity),
        });
        if let Some(boundary) = limits.boundary {
            set.set_permissions_boundary(
                target,
                "arn:aws:iam::111111111111:policy/pb",
                policy_of(boundary),
            )
            .expect("a role or user");
        }
    }
    if let Some(session) = limits.session {
        set.set_session_policy(named[1], "inline", policy_of(session))
            .expect("a session");
    }
    if let Some(endpoint) = limits.endpoint {
        let endpoint: Vec<Value> = endpoint
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s["Principal"] = json!("*");
                s
            })
            .collect();
        set.set_endpoint_policy("vpce-1", "inline", policy_of(&endpoint))
            .expect("an endpoint");
    }
    let mut out = Vec::new();
    for principal in &named[..3] {
        for action in ["s3:GetObject", "s3:PutObject", "s3:ListBucket"] {
            for resource in [
                "arn:aws:s3:::b/reports/x",
                "arn:aws:s3:::b",
                "arn:aws:s3:::other/z",
            ] {
                let context: Context = [
                    ("aws:SecureTransport".to_owned(), vec!["true".to_owned()]),
                    ("aws:SourceVpce".to_owned(), vec!["vpce-1".to_owned()]),
                ]
                .into();
                let request = Request {
                    principal: (*principal).into(),
                    action: action.into(),
                    resource: resource.into(),
                    context,
                };
                out.push(evaluate(&set, &request).allowed());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// "Permissions boundaries for IAM entities", "Session policies", "Control access to VPC
    /// endpoints using endpoint policies": none of them grants. A boundary, session policy or
    /// endpoint policy that allows everything changes nothing; any other only takes away.
    #[test]
    fn boundaries_session_and_endpoint_policies_only_take_away(
        identity in proptest::collection::vec(statement(), 0..4),
        resource in proptest::collection::vec(statement(), 0..4),
        boundary in proptest::collection::vec(statement(), 0..3),
        session in proptest::collection::vec(statement(), 0..3),
        endpoint in proptest::collection::vec(statement(), 0..3),
    ) {
        let alone = layered_decisions(&identity, &resource, &Limits::default());
        let everything = [json!({"Effect": "Allow", "Action": "*", "Resource": "*"})];
        let open = Limits { boundary: Some(&everything), session: Some(&everything), endpoint: Some(&everything) };
        prop_assert_eq!(&layered_decisions(&identity, &resource, &open), &alone);
        let limits = Limits { boundary: Some(&boundary), session: Some(&session), endpoint: Some(&endpoint) };
        for (limited, without) in layered_decisions(&identity, &resource, &limits).iter().zip(&alone) {
            prop_assert!(!limited || *without);
        }
    }
}
