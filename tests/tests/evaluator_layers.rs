//! The evaluator against the cases of `corpus/layers.json`: permissions boundaries, session
//! policies and VPC endpoint policies, each case citing the AWS page it follows. The runner reads
//! every field strictly: a malformed case, a field it does not know or a policy that does not
//! parse fails the test, naming the case — never an empty policy that passes by accident.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::eval::{evaluate, AccessPointInfo, Context, Policy, PolicyDoc, PolicySet};
use policy_core::eval::{Request, Verdict};
use policy_core::DocumentKind;
use serde_json::{json, Map, Value};

const CORPUS: &str = include_str!("corpus/layers.json");

/// A case's object, read field by field; `done` fails on any field left unread.
struct Fields<'a> {
    case: String,
    map: &'a Map<String, Value>,
    read: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn of(case: &str, value: &'a Value) -> Fields<'a> {
        let map = value
            .as_object()
            .unwrap_or_else(|| panic!("{case}: expected an object, found {value}"));
        Fields {
            case: case.to_owned(),
            map,
            read: Vec::new(),
        }
    }

    fn optional(&mut self, name: &'static str) -> Option<&'a Value> {
        self.read.push(name);
        self.map.get(name)
    }

    fn required(&mut self, name: &'static str) -> &'a Value {
        let case = self.case.clone();
        self.optional(name)
            .unwrap_or_else(|| panic!("{case}: `{name}` is missing"))
    }

    fn text(&mut self, name: &'static str) -> &'a str {
        let case = self.case.clone();
        self.required(name)
            .as_str()
            .unwrap_or_else(|| panic!("{case}: `{name}` must be a string"))
    }

    fn list(&mut self, name: &'static str) -> &'a [Value] {
        let case = self.case.clone();
        self.optional(name).map_or(&[], |v| {
            v.as_array()
                .unwrap_or_else(|| panic!("{case}: `{name}` must be a list"))
        })
    }

    fn policy(&mut self) -> Policy {
        let statements = self.required("statements");
        Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements}))
            .unwrap_or_else(|p| panic!("{}: a policy does not parse: {}", self.case, p.message))
    }

    fn done(self) {
        for key in self.map.keys() {
            assert!(
                self.read.contains(&key.as_str()),
                "{}: unknown field `{key}`",
                self.case
            );
        }
    }
}

/// The account of an ARN, when it names one.
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

fn build_set(id: &str, case: &mut Fields) -> PolicySet {
    let mut set = PolicySet::default();
    for ap in case.list("access_points") {
        let mut f = Fields::of(id, ap);
        set.add_access_point(AccessPointInfo {
            arn: f.text("arn").to_owned(),
            account: f.text("account").to_owned(),
            bucket: f.text("bucket").to_owned(),
            bucket_account: f.text("bucket_account").to_owned(),
            vpc: f.optional("vpc").and_then(Value::as_str).map(str::to_owned),
        });
        f.done();
    }
    if let Some(owners) = case.optional("bucket_owners") {
        for (bucket, account) in owners.as_object().expect("bucket_owners: an object") {
            set.set_bucket_owner(bucket, account.as_str().expect("an account id"));
        }
    }
    for doc in case.list("documents") {
        let mut f = Fields::of(id, doc);
        let kind = f.text("kind");
        let kind = DocumentKind::parse(kind).unwrap_or_else(|| panic!("{id}: kind `{kind}`"));
        let target = f.text("target").to_owned();
        let account = match f.optional("account") {
            Some(a) => a.as_str().expect("account: a string").to_owned(),
            None => account_of(&target)
                .unwrap_or_else(|| panic!("{id}: `{target}` names no account: give `account`"))
                .to_owned(),
        };
        let policy = f.policy();
        f.done();
        set.push(PolicyDoc {
            kind,
            account,
            target,
            policy,
        });
    }
    for boundary in case.list("boundaries") {
        let mut f = Fields::of(id, boundary);
        let (entity, arn, policy) = (f.text("entity"), f.text("policy_arn"), f.policy());
        f.done();
        set.set_permissions_boundary(entity, arn, policy)
            .unwrap_or_else(|p| panic!("{id}: {}", p.message));
    }
    for session in case.list("session_policies") {
        let mut f = Fields::of(id, session);
        let (arn, policy) = (f.text("session"), f.policy());
        f.done();
        set.set_session_policy(arn, "inline", policy)
            .unwrap_or_else(|p| panic!("{id}: {}", p.message));
    }
    for endpoint in case.list("endpoint_policies") {
        let mut f = Fields::of(id, endpoint);
        let (vpce, policy) = (f.text("endpoint"), f.policy());
        f.done();
        set.set_endpoint_policy(vpce, "inline", policy)
            .unwrap_or_else(|p| panic!("{id}: {}", p.message));
    }
    set
}

fn request(id: &str, f: &mut Fields) -> Request {
    let mut context = Context::new();
    if let Some(keys) = f.optional("context") {
        for (key, values) in keys.as_object().expect("context: an object") {
            let values = values
                .as_array()
                .unwrap_or_else(|| panic!("{id}: context `{key}`: a list of strings"))
                .iter()
                .map(|v| v.as_str().expect("a string").to_owned())
                .collect();
            context.insert(key.clone(), values);
        }
    }
    Request {
        principal: f.text("principal").to_owned(),
        action: f.text("action").to_owned(),
        resource: f.text("resource").to_owned(),
        context,
    }
}

#[test]
fn every_case_of_the_layers_corpus() {
    let corpus: Value = serde_json::from_str(CORPUS).expect("corpus/layers.json is JSON");
    let cases = corpus["cases"].as_array().expect("`cases`: a list");
    let mut requests = 0;
    for case in cases {
        let id = case["id"]
            .as_str()
            .expect("every case has an `id`")
            .to_owned();
        let mut f = Fields::of(&id, case);
        f.text("id");
        let page = f.text("page");
        assert!(
            page.starts_with("https://docs.aws.amazon.com/"),
            "{id}: cite an AWS page"
        );
        f.text("says");
        let set = build_set(&id, &mut f);
        for (n, asked) in f.list("requests").iter().enumerate() {
            let at = format!("{id} request {n}");
            let mut r = Fields::of(&at, asked);
            let request = request(&at, &mut r);
            let expect = r.text("expect");
            let reason = r
                .optional("reason")
                .map(|v| v.as_str().expect("reason: a string"));
            r.done();
            let decision = evaluate(&set, &request);
            let verdict = match decision.verdict {
                Verdict::Allow => "Allow",
                Verdict::Deny => "Deny",
                Verdict::Unknown(_) => "Unknown",
            };
            let reasons: Vec<String> = decision.reasons.iter().map(ToString::to_string).collect();
            assert_eq!(
                verdict, expect,
                "{at}: {} {} on {}: {reasons:#?}",
                request.principal, request.action, request.resource
            );
            if let Some(reason) = reason {
                assert!(
                    reasons.iter().any(|r| r.contains(reason)),
                    "{at}: no reason contains `{reason}`: {reasons:#?}"
                );
            }
            requests += 1;
        }
        f.done();
    }
    assert!(cases.len() >= 10 && requests >= 38, "the corpus lost cases");
}
