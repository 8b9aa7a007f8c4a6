//! The evaluator against the cases of `corpus/*.json`, each from AWS's documentation of policy
//! evaluation and citing the page it follows: evaluation logic, cross-account access, access
//! points, the policy language, organizations' SCPs and RCPs, KMS keys, and the layers that limit
//! without granting (permissions boundaries, session and endpoint policies). The runner reads
//! every field strictly: a malformed case, a field it does not know, or a policy that does not
//! parse fails the test naming the case, never an empty policy that passes by accident; and each
//! verdict is one of Allow, Deny or Unknown, so a denial cannot pass for an unknown.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::eval::{evaluate, AccessPointInfo, Context, Policy, PolicyDoc, PolicySet};
use policy_core::eval::{ControlKind, ControlPolicy, Level, Organization, Request, Verdict};
use policy_core::DocumentKind;
use serde_json::{json, Map, Value};
use std::path::Path;

/// Where AWS documents its rules: every case cites one of these.
const AWS_PAGES: [&str; 3] = [
    "https://docs.aws.amazon.com/",
    "https://aws.amazon.com/",
    "https://repost.aws/",
];

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

    fn optional_text(&mut self, name: &'static str) -> Option<&'a str> {
        let case = self.case.clone();
        self.optional(name).map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{case}: `{name}` must be a string"))
        })
    }

    fn list(&mut self, name: &'static str) -> &'a [Value] {
        let case = self.case.clone();
        self.optional(name).map_or(&[], |v| {
            v.as_array()
                .unwrap_or_else(|| panic!("{case}: `{name}` must be a list"))
        })
    }

    fn strings(&mut self, name: &'static str) -> Vec<String> {
        let case = self.case.clone();
        self.list(name)
            .iter()
            .map(|v| {
                v.as_str()
                    .unwrap_or_else(|| panic!("{case}: `{name}` must be a list of strings"))
                    .to_owned()
            })
            .collect()
    }

    /// `statements` as a policy of `version` (2012-10-17 unless the case says otherwise).
    fn policy(&mut self) -> Policy {
        let version = self.optional_text("version").unwrap_or("2012-10-17");
        let statements = self.required("statements");
        Policy::from_value(&json!({"Version": version, "Statement": statements}))
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

fn add_access_points(id: &str, set: &mut PolicySet, list: &[Value]) {
    for ap in list {
        let mut f = Fields::of(id, ap);
        set.add_access_point(AccessPointInfo {
            arn: f.text("arn").to_owned(),
            account: f.text("account").to_owned(),
            bucket: f.text("bucket").to_owned(),
            bucket_account: f.text("bucket_account").to_owned(),
            vpc: f.optional_text("vpc").map(str::to_owned),
        });
        f.done();
    }
}

fn add_bucket_owners(id: &str, set: &mut PolicySet, owners: Option<&Value>) {
    let Some(owners) = owners else { return };
    let owners = owners
        .as_object()
        .unwrap_or_else(|| panic!("{id}: `bucket_owners` must be an object"));
    for (bucket, account) in owners {
        let account = account
            .as_str()
            .unwrap_or_else(|| panic!("{id}: the owner of {bucket} must be an account id"));
        set.set_bucket_owner(bucket, account);
    }
}

fn control_kind(id: &str, text: &str) -> ControlKind {
    match text {
        "scp" => ControlKind::Service,
        "rcp" => ControlKind::Resource,
        other => panic!("{id}: a control policy's kind is `scp` or `rcp`, not `{other}`"),
    }
}

/// An organization: its control policies by id, and each member's levels from the root down,
/// each naming the policies attached there.
fn organization(id: &str, value: &Value) -> Organization {
    let mut f = Fields::of(id, value);
    let mut org = Organization::new(f.text("id"), f.text("management_account"));
    let mut index = std::collections::BTreeMap::new();
    for policy in f.list("policies") {
        let mut p = Fields::of(id, policy);
        let (policy_id, kind) = (p.text("id").to_owned(), p.text("kind"));
        let control = ControlPolicy {
            id: policy_id.clone(),
            name: p.text("name").to_owned(),
            kind: control_kind(id, kind),
            policy: p.policy(),
        };
        p.done();
        index.insert(policy_id, org.add_policy(control));
    }
    if let Some(enabled) = f.optional("enabled") {
        let enabled: Vec<String> = serde_json::from_value(enabled.clone())
            .unwrap_or_else(|e| panic!("{id}: `enabled`: {e}"));
        org.enabled = enabled.iter().map(|k| control_kind(id, k)).collect();
    }
    let members = f
        .required("members")
        .as_object()
        .unwrap_or_else(|| panic!("{id}: `members` must be an object"));
    for (account, levels) in members {
        let levels = levels
            .as_array()
            .unwrap_or_else(|| panic!("{id}: the levels of {account} must be a list"))
            .iter()
            .map(|level| {
                let mut l = Fields::of(id, level);
                let target = l.text("target").to_owned();
                let policies = l
                    .strings("policies")
                    .iter()
                    .map(|p| {
                        *index
                            .get(p)
                            .unwrap_or_else(|| panic!("{id}: no control policy `{p}`"))
                    })
                    .collect();
                l.done();
                Level { target, policies }
            })
            .collect();
        org.add_member(account, levels);
    }
    f.done();
    org
}

fn build_set(id: &str, every_case: &Value, case: &mut Fields) -> PolicySet {
    let mut set = PolicySet::default();
    let mut common = Fields::of("every_case", every_case);
    add_access_points(id, &mut set, common.list("access_points"));
    add_bucket_owners(id, &mut set, common.optional("bucket_owners"));
    common.done();
    add_access_points(id, &mut set, case.list("access_points"));
    add_bucket_owners(id, &mut set, case.optional("bucket_owners"));
    for doc in case.list("documents") {
        let mut f = Fields::of(id, doc);
        let kind = f.text("kind");
        let kind = DocumentKind::parse(kind).unwrap_or_else(|| panic!("{id}: kind `{kind}`"));
        let target = f.text("target").to_owned();
        let account = match f.optional_text("account") {
            Some(a) => a.to_owned(),
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
    if let Some(org) = case.optional("organization") {
        set.organization = Some(organization(id, org));
    }
    set
}

fn request(id: &str, f: &mut Fields) -> Request {
    let mut context = Context::new();
    if let Some(keys) = f.optional("context") {
        let keys = keys
            .as_object()
            .unwrap_or_else(|| panic!("{id}: `context` must be an object"));
        for (key, values) in keys {
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

/// Asks one request of `set` and checks the answer; the number of checks made.
fn check_request(id: &str, set: &PolicySet, asked: &Value) {
    let mut r = Fields::of(id, asked);
    let request = request(id, &mut r);
    let expect = r.text("expect");
    let reason = r.optional_text("reason");
    let consulted = r.strings("consulted");
    r.done();
    let decision = evaluate(set, &request);
    let (verdict, mut reasons) = match &decision.verdict {
        Verdict::Allow => ("Allow", Vec::new()),
        Verdict::Deny => ("Deny", Vec::new()),
        // What is unknown is the reason an `Unknown` gives.
        Verdict::Unknown(what) => ("Unknown", vec![what.to_string()]),
    };
    reasons.extend(decision.reasons.iter().map(ToString::to_string));
    assert!(
        ["Allow", "Deny", "Unknown"].contains(&expect),
        "{id}: `expect` is Allow, Deny or Unknown, not `{expect}`"
    );
    assert_eq!(
        verdict, expect,
        "{id}: {} {} on {}: {reasons:#?}",
        request.principal, request.action, request.resource
    );
    if let Some(reason) = reason {
        assert!(
            reasons.iter().any(|r| r.contains(reason)),
            "{id}: no reason contains `{reason}`: {reasons:#?}"
        );
    }
    if !consulted.is_empty() {
        let listed = decision.consulted_documents(set);
        let unique: std::collections::BTreeSet<&String> = listed.iter().collect();
        assert_eq!(
            unique.len(),
            listed.len(),
            "{id}: each document once: {listed:#?}"
        );
        for expected in &consulted {
            assert!(
                listed.iter().any(|l| l.contains(expected.as_str())),
                "{id}: `{expected}` was not consulted: {listed:#?}"
            );
        }
    }
}

/// Runs every case of one corpus file; the number of cases and requests.
fn run_file(path: &Path) -> (usize, usize) {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let corpus: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    let mut file = Fields::of(&name, &corpus);
    file.text("about");
    let every_case = file.optional("every_case").cloned().unwrap_or(json!({}));
    let cases = file.list("cases");
    file.done();
    let mut requests = 0;
    let mut ids = std::collections::BTreeSet::new();
    for case in cases {
        let id = case["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: every case has an `id`"))
            .to_owned();
        assert!(ids.insert(id.clone()), "{name}: two cases named {id}");
        let mut f = Fields::of(&id, case);
        f.text("id");
        let page = f.text("page");
        assert!(
            AWS_PAGES.iter().any(|p| page.starts_with(p)),
            "{id}: cite an AWS page, not {page}"
        );
        f.text("says");
        let set = build_set(&id, &every_case, &mut f);
        let asked = f.list("requests");
        assert!(!asked.is_empty(), "{id}: a case asks at least one request");
        for (n, request) in asked.iter().enumerate() {
            check_request(&format!("{id} request {n}"), &set, request);
        }
        requests += asked.len();
        f.done();
    }
    (cases.len(), requests)
}

/// What the corpus holds today: fewer fails the test.
const MIN_FILES: usize = 19;
const MIN_CASES: usize = 197;
const MIN_REQUESTS: usize = 332;

#[test]
fn every_case_of_every_corpus_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut cases, mut requests) = (0, 0);
    for file in &files {
        let (c, r) = run_file(file);
        assert!(c > 0, "{}: no cases", file.display());
        cases += c;
        requests += r;
    }
    // A file that stopped being read, or cases that went missing, fail here.
    assert!(
        files.len() >= MIN_FILES && cases >= MIN_CASES && requests >= MIN_REQUESTS,
        "the corpus lost cases: {} files, {cases} cases, {requests} requests",
        files.len()
    );
}
