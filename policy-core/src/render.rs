//! From checked grants to the documents every account needs.
//!
//! Each grant contributes statements to up to five documents (ARCHITECTURE.md "From a grant to documents");
//! statements for the same target are gathered into one document, which is then rendered
//! canonically and checked against its AWS size limit.

use crate::arn::{bucket_arn, Principal, PrincipalKind};
use crate::deployment::{Document, DocumentKind};
use crate::diagnostic::{Diagnostics, Loc, Problem};
use crate::grant::{Grant, RequesterTrust};
use crate::hash::fnv1a;
use crate::json::{one_or_many, to_canonical_string};
use crate::limits::over_limit;
use crate::ownership::{inline_policy_name, pascal_case, sid_prefix};
use crate::requester::Requester;
use crate::restrictions::Restrictions;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::json::POLICY_VERSION;

/// One policy statement under construction.
#[derive(Clone, Debug)]
struct Statement {
    sid: String,
    /// `Deny` rather than `Allow`: only [`deny_listing_without_prefix`] writes one.
    deny: bool,
    /// The principal type (`AWS`, `Service`) and its values.
    principal: Option<(&'static str, Vec<String>)>,
    actions: Vec<String>,
    resources: Vec<String>,
    /// operator → key → values
    conditions: BTreeMap<&'static str, BTreeMap<&'static str, Vec<String>>>,
}

impl Statement {
    fn new(sid: String) -> Self {
        Statement {
            sid,
            deny: false,
            principal: None,
            actions: Vec::new(),
            resources: Vec::new(),
            conditions: BTreeMap::new(),
        }
    }

    fn condition(mut self, operator: &'static str, key: &'static str, values: Vec<String>) -> Self {
        self.conditions
            .entry(operator)
            .or_default()
            .insert(key, values);
        self
    }

    /// The grant's network and time limits (`network: false` for `sts:AssumeRole`, whose
    /// network keys describe the way to STS rather than to S3: only the expiry applies).
    fn restricted(mut self, r: &Restrictions, network: bool) -> Self {
        if network {
            if !r.vpc_endpoints.is_empty() {
                self = self.condition(
                    "StringEquals",
                    "aws:SourceVpce",
                    r.vpc_endpoints.iter().map(|v| v.to_string()).collect(),
                );
            }
            if !r.vpcs.is_empty() {
                self = self.condition(
                    "StringEquals",
                    "aws:SourceVpc",
                    r.vpcs.iter().map(|v| v.to_string()).collect(),
                );
            }
            if !r.source_ips.is_empty() {
                let ranges = r.source_ips.iter().map(ToString::to_string).collect();
                self = self.condition("IpAddress", "aws:SourceIp", ranges);
            }
        }
        if let Some(expiry) = &r.expires {
            self = self.condition("DateLessThan", "aws:CurrentTime", vec![expiry.to_string()]);
        }
        self
    }

    fn to_value(&self) -> Value {
        let mut s = Map::new();
        s.insert("Sid".into(), json!(self.sid));
        s.insert(
            "Effect".into(),
            json!(if self.deny { "Deny" } else { "Allow" }),
        );
        if let Some((kind, values)) = &self.principal {
            s.insert(
                "Principal".into(),
                json!({ *kind: one_or_many(values.clone()) }),
            );
        }
        s.insert("Action".into(), one_or_many(self.actions.clone()));
        if !self.resources.is_empty() {
            s.insert("Resource".into(), one_or_many(self.resources.clone()));
        }
        if !self.conditions.is_empty() {
            let conditions: Map<String, Value> = self
                .conditions
                .iter()
                .map(|(op, keys)| {
                    (
                        (*op).to_owned(),
                        Value::Object(
                            keys.iter()
                                .map(|(k, v)| ((*k).to_owned(), one_or_many(v.clone())))
                                .collect(),
                        ),
                    )
                })
                .collect();
            s.insert("Condition".into(), Value::Object(conditions));
        }
        Value::Object(s)
    }
}

fn aws_principal(p: &Principal) -> (&'static str, Vec<String>) {
    ("AWS", vec![p.arn()])
}

/// Who a resource-policy statement names: the grant's principal, or, for an organization,
/// everyone limited by `aws:PrincipalOrgID` (and `aws:PrincipalOrgPaths` for an OU and the OUs
/// below it), with the access point's ARN fixed as well, which keeps the statement non-public
/// to Block Public Access ([`is_public`]).
fn named(mut s: Statement, grant: &Grant, scope: Option<Scope>) -> Statement {
    if let Some(p) = grant.resource_principal() {
        s.principal = Some(aws_principal(p));
        return s;
    }
    s.principal = Some(("AWS", vec!["*".to_owned()]));
    if let Requester::Organization(org) = &grant.requester {
        s = s.condition(
            "StringEquals",
            "aws:PrincipalOrgID",
            vec![org.id.to_string()],
        );
        if let Some(path) = &org.path {
            s = s.condition(
                "ForAnyValue:StringLike",
                "aws:PrincipalOrgPaths",
                vec![format!("{path}*")],
            );
        }
    }
    if scope == Some(Scope::AccessPoint) {
        s = s.condition(
            "StringEquals",
            "s3:DataAccessPointArn",
            vec![grant.access_point.arn()],
        );
    }
    s
}

/// The statement that lets the grant's requester use the bucket's KMS key through S3, for an
/// identity policy (`Resource`: the key) or the key policy (`Resource: "*"`, the key itself, and
/// the requester named as in the S3 resource policies). Only the expiry applies of the grant's
/// limits: S3 calls KMS on the requester's behalf, and such calls carry neither the requester's
/// network keys nor `aws:SourceIp` ("AWS global condition context keys": `aws:ViaAWSService`).
fn kms_statement(grant: &Grant, base: &str, key_policy: bool) -> Option<Statement> {
    let key = grant.kms_key.as_ref()?;
    let actions = crate::kms::kms_actions(&grant.actions);
    if actions.is_empty() {
        return None;
    }
    let mut s = Statement::new(format!("{base}Kms"));
    s.actions = actions.iter().map(|a| a.full_name()).collect();
    s.resources = vec![if key_policy {
        "*".to_owned()
    } else {
        key.arn()
    }];
    if key_policy {
        s = named(s, grant, None);
    }
    // S3 names the object (or, with S3 Bucket Keys, the bucket) in the encryption context.
    let bucket = bucket_arn(grant.access_point.partition, &grant.bucket);
    let mut objects = vec![bucket.clone()];
    if grant.prefixes.is_empty() {
        objects.push(format!("{bucket}/*"));
    } else {
        objects.extend(grant.prefixes.iter().map(|p| format!("{bucket}/{p}*")));
    }
    s = s
        .condition("StringEquals", "kms:ViaService", vec![key.via_service()])
        .condition("StringLike", "kms:EncryptionContext:aws:s3:arn", objects);
    Some(s.restricted(&grant.restrictions, false))
}

/// Condition keys whose fixed values make a statement naming everyone non-public to S3 Block
/// Public Access ("Blocking public access to your Amazon S3 storage", The meaning of "public";
/// `PublicAccessBlockConfiguration` in the S3 API Reference): a statement naming `*` without one
/// of them would be refused by the access point's and bucket's `BlockPublicPolicy`.
const NON_PUBLIC_KEYS: [&str; 10] = [
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
    "aws:SourceIp",
];

/// Whether S3 would read the statement as public: it names everyone, and no condition fixes one
/// of [`NON_PUBLIC_KEYS`] (an exact operator, values without wildcards or variables).
fn is_public(s: &Statement) -> bool {
    let everyone = !s.deny
        && s.principal
            .as_ref()
            .is_some_and(|(_, values)| values.iter().any(|v| v == "*"));
    let fixed = s.conditions.iter().any(|(operator, keys)| {
        let exact = matches!(
            *operator,
            "StringEquals" | "ArnEquals" | "IpAddress" | "ForAnyValue:StringEquals"
        );
        exact
            && keys.iter().any(|(key, values)| {
                NON_PUBLIC_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
                    && values
                        .iter()
                        .all(|v| !v.contains(['*', '?', '$']) && v != "0.0.0.0/0" && v != "::/0")
            })
    });
    everyone && !fixed
}

/// Where a grant's S3 statements apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Identity policies and the access point policy: access point ARNs.
    AccessPoint,
    /// The bucket policy: bucket and object ARNs, delegated to this access point only.
    Bucket,
}

/// The S3 statements of a grant: objects under its prefixes, listings scoped by `s3:prefix`,
/// and other bucket-level reads. `principal` is set for resource policies. With `join_listing`
/// (a resource policy of a crowded access point, see [`crowded_access_points`]) the objects and
/// the listings are one statement, which names each requester once instead of twice.
fn s3_statements(
    grant: &Grant,
    base: &str,
    scope: Scope,
    resource_policy: bool,
    join_listing: bool,
) -> Vec<Statement> {
    let ap = &grant.access_point;
    let partition = ap.partition;
    let prefixes: Vec<&str> = if grant.prefixes.is_empty() {
        vec![""]
    } else {
        grant.prefixes.iter().map(|p| &**p).collect()
    };
    let (object_resources, bucket_resource): (Vec<String>, String) = match scope {
        Scope::AccessPoint => (
            prefixes.iter().map(|p| ap.object_arn(p)).collect(),
            ap.arn(),
        ),
        Scope::Bucket => {
            let bucket = bucket_arn(partition, &grant.bucket);
            (
                prefixes.iter().map(|p| format!("{bucket}/{p}*")).collect(),
                bucket,
            )
        }
    };
    let names = |actions: Vec<&crate::service_reference::Action>| {
        actions
            .into_iter()
            .map(|a| a.full_name())
            .collect::<Vec<_>>()
    };
    let tag = if scope == Scope::Bucket {
        "Delegate"
    } else {
        ""
    };
    let object_actions = names(grant.object_actions().collect());
    let listings = names(grant.bucket_actions(true).collect());
    let scoped = !grant.prefixes.is_empty();
    // (part, actions, resources, how `s3:prefix` limits it)
    let mut groups = Vec::new();
    if join_listing && scoped && !object_actions.is_empty() && !listings.is_empty() {
        // Object requests carry no `s3:prefix`: `IfExists` lets them through and limits the
        // listings; a listing without `s3:prefix` is refused by the access point's
        // [`deny_listing_without_prefix`].
        let mut resources = object_resources;
        resources.push(bucket_resource.clone());
        let actions = [object_actions, listings].concat();
        groups.push(("Read", actions, resources, Some("StringLikeIfExists")));
    } else {
        groups.push(("Objects", object_actions, object_resources, None));
        groups.push((
            "List",
            listings,
            vec![bucket_resource.clone()],
            scoped.then_some("StringLike"),
        ));
    }
    groups.push((
        "Bucket",
        names(grant.bucket_actions(false).collect()),
        vec![bucket_resource],
        None,
    ));
    let mut out = Vec::new();
    for (part, actions, resources, prefix_operator) in groups {
        if actions.is_empty() {
            continue;
        }
        let mut s = Statement::new(format!("{base}{tag}{part}"));
        s.actions = actions;
        s.resources = resources;
        if resource_policy {
            s = named(s, grant, Some(scope));
        }
        if let Some(operator) = prefix_operator {
            s = s.condition(
                operator,
                "s3:prefix",
                grant.prefixes.iter().map(|p| format!("{p}*")).collect(),
            );
        }
        if scope == Scope::Bucket {
            s = s.condition("StringEquals", "s3:DataAccessPointArn", vec![ap.arn()]);
        }
        if grant.require_mfa && grant.bridge_role.is_none() {
            s = s.condition("Bool", "aws:MultiFactorAuthPresent", vec!["true".into()]);
        }
        out.push(s.restricted(&grant.restrictions, true));
    }
    out
}

/// A document being gathered from several grants.
#[derive(Debug)]
struct Pending {
    account: String,
    kind: DocumentKind,
    target: String,
    name: Option<String>,
    statements: Vec<Statement>,
    extra: BTreeMap<&'static str, String>,
    grants: Vec<String>,
}

#[derive(Default)]
struct Documents(BTreeMap<(String, DocumentKind, String), Pending>);

impl Documents {
    fn add(
        &mut self,
        account: &str,
        kind: DocumentKind,
        target: String,
        name: Option<String>,
        grant: &Grant,
        statements: Vec<Statement>,
    ) -> &mut Pending {
        let doc = self
            .0
            .entry((account.to_owned(), kind, target.clone()))
            .or_insert_with(|| Pending {
                account: account.to_owned(),
                kind,
                target,
                name,
                statements: Vec::new(),
                extra: BTreeMap::new(),
                grants: Vec::new(),
            });
        doc.statements.extend(statements);
        if !doc.grants.iter().any(|n| *n == grant.name) {
            doc.grants.push(grant.name.to_string());
        }
        doc
    }
}

/// Renders every document of the deployment. Fails when a document is over its AWS limit;
/// `at` is where such a diagnostic is reported (the deployment's name).
pub fn render(deployment: &str, grants: &[Grant], at: Loc) -> Result<Vec<Document>, Diagnostics> {
    let prefix = sid_prefix(deployment);
    let policy_name = inline_policy_name(deployment);
    let mut docs = gather(grants, &prefix, &policy_name, &BTreeSet::new());
    let mut texts = policy_texts(&docs, &prefix);
    let crowded = crowded_access_points(&docs, &texts, grants);
    if !crowded.is_empty() {
        docs = gather(grants, &prefix, &policy_name, &crowded);
        texts = policy_texts(&docs, &prefix);
    }
    finish(docs, texts, grants, at)
}

/// Every grant's statements, gathered by document; the access points in `crowded` have their
/// objects and listings joined.
fn gather(
    grants: &[Grant],
    prefix: &str,
    policy_name: &str,
    crowded: &BTreeSet<String>,
) -> Documents {
    let mut docs = Documents::default();
    for grant in grants {
        let base = format!("{prefix}{}", pascal_case(&grant.name));
        // An organization's accounts grant their own identities: only resource policies here.
        if let Some(requester) = grant.requester.principal() {
            requester_documents(&mut docs, grant, requester, &base, policy_name);
        }
        if let Some(role) = &grant.bridge_role {
            bridge_role_documents(&mut docs, grant, role, &base, policy_name);
        }
        let join = crowded.contains(&grant.access_point.arn());
        access_point_documents(&mut docs, grant, &base, join);
        bucket_policy_statements(&mut docs, grant, &base, join);
        if let Some(key) = &grant.kms_key {
            key_policy_statements(&mut docs, grant, key, &base);
        }
    }
    for ap in crowded {
        let deny = deny_listing_without_prefix(grants, ap, prefix);
        let policy = docs
            .0
            .values_mut()
            .find(|d| d.kind == DocumentKind::AccessPointPolicy && d.target == *ap);
        if let (Some(deny), Some(policy)) = (deny, policy) {
            policy.statements.push(deny);
        }
    }
    docs
}

/// Account B: the bridge role, its trust and permissions.
fn bridge_role_documents(
    docs: &mut Documents,
    grant: &Grant,
    role: &Principal,
    base: &str,
    policy_name: &str,
) {
    let requester = grant.requester.principal().unwrap_or(role);
    create_role(docs, role, grant);
    let mut trust = Statement::new(format!("{base}Trust"));
    trust.actions = vec!["sts:AssumeRole".into()];
    trust.principal = Some(aws_principal(requester));
    if grant.require_mfa {
        trust = trust.condition("Bool", "aws:MultiFactorAuthPresent", vec!["true".into()]);
    }
    if let Some(id) = &grant.external_id {
        trust = trust.condition("StringEquals", "sts:ExternalId", vec![id.to_string()]);
    }
    let trust = trust.restricted(&grant.restrictions, false);
    docs.add(
        role.account.as_str(),
        DocumentKind::RoleTrustPolicy,
        role.arn(),
        None,
        grant,
        vec![trust],
    );
    let mut permissions = s3_statements(grant, base, Scope::AccessPoint, false, false);
    permissions.extend(kms_statement(grant, base, false));
    docs.add(
        role.account.as_str(),
        DocumentKind::RoleInlinePolicy,
        role.arn(),
        Some(policy_name.to_owned()),
        grant,
        permissions,
    );
}

/// Account B: the access point and its policy (objects and listings joined when `join`).
fn access_point_documents(docs: &mut Documents, grant: &Grant, base: &str, join: bool) {
    let ap = &grant.access_point;
    let entry = docs.add(
        ap.account.as_str(),
        DocumentKind::AccessPoint,
        ap.arn(),
        Some(ap.name.to_string()),
        grant,
        Vec::new(),
    );
    entry.extra.insert("bucket", grant.bucket.to_string());
    entry
        .extra
        .insert("bucket_account", grant.bucket_account.to_string());
    entry.extra.insert("region", ap.region.to_string());
    if let Some(vpc) = &grant.restrictions.access_point_vpc {
        entry.extra.insert("vpc", vpc.to_string());
    }
    let statements = s3_statements(grant, base, Scope::AccessPoint, true, join);
    docs.add(
        ap.account.as_str(),
        DocumentKind::AccessPointPolicy,
        ap.arn(),
        Some(ap.name.to_string()),
        grant,
        statements,
    );
}

/// Account B or C: the bucket's delegation to this access point.
fn bucket_policy_statements(docs: &mut Documents, grant: &Grant, base: &str, join: bool) {
    let ap = &grant.access_point;
    let statements = s3_statements(grant, base, Scope::Bucket, true, join);
    docs.add(
        grant.bucket_account.as_str(),
        DocumentKind::BucketPolicy,
        bucket_arn(ap.partition, &grant.bucket),
        Some(grant.bucket.to_string()),
        grant,
        statements,
    );
}

/// The key's owner: its key policy lets the requester use the key through S3.
fn key_policy_statements(
    docs: &mut Documents,
    grant: &Grant,
    key: &crate::kms::KmsKey,
    base: &str,
) {
    let entry = docs.add(
        key.account.as_str(),
        DocumentKind::KeyPolicy,
        key.arn(),
        Some(key.id.to_string()),
        grant,
        kms_statement(grant, base, true).into_iter().collect(),
    );
    entry.extra.insert("region", key.region.to_string());
}

/// The access points whose policy, or whose bucket's policy, is over its limit with a
/// requester named twice per grant (objects, listings), and where one statement can name them
/// once: no grant on the access point lists it without a prefix, which
/// [`deny_listing_without_prefix`] would take away.
fn crowded_access_points(
    docs: &Documents,
    texts: &[Option<PolicyText>],
    grants: &[Grant],
) -> BTreeSet<String> {
    let mut crowded = BTreeSet::new();
    for (doc, text) in docs.0.values().zip(texts) {
        let of_access_points = matches!(
            doc.kind,
            DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy
        );
        let over = text
            .as_ref()
            .is_some_and(|(_, text)| over_limit(doc.kind, &doc.target, text).is_some());
        if !of_access_points || !over {
            continue;
        }
        crowded.extend(
            grants
                .iter()
                .filter(|g| doc.grants.iter().any(|n| *n == g.name))
                .map(|g| g.access_point.arn()),
        );
    }
    crowded.retain(|ap| {
        !grants
            .iter()
            .any(|g| g.access_point.arn() == *ap && lists_everything(g))
    });
    crowded
}

/// Whether the grant lists its access point without a prefix.
fn lists_everything(g: &Grant) -> bool {
    g.prefixes.is_empty() && g.bucket_actions(true).next().is_some()
}

/// The statement that makes a joined objects-and-listings statement ([`s3_statements`]) allow no
/// listing without `s3:prefix`: `...IfExists` holds when the key is absent, and a listing without
/// a prefix has none ("IAM JSON policy elements: Condition operators", `...IfExists` and `Null`).
/// It names everyone, but only listings through this access point without a prefix, which no grant
/// on it declares. `None` when no grant on the access point lists it.
fn deny_listing_without_prefix(grants: &[Grant], ap: &str, prefix: &str) -> Option<Statement> {
    let mut actions: Vec<String> = grants
        .iter()
        .filter(|g| g.access_point.arn() == ap)
        .flat_map(|g| g.bucket_actions(true).map(|a| a.full_name()))
        .collect();
    actions.sort();
    actions.dedup();
    if actions.is_empty() {
        return None;
    }
    let mut s = Statement::new(format!("{prefix}ListOnlyUnderPrefixes"));
    s.deny = true;
    s.principal = Some(("AWS", vec!["*".to_owned()]));
    s.actions = actions;
    s.resources = vec![ap.to_owned()];
    Some(s.condition("Null", "s3:prefix", vec!["true".to_owned()]))
}

/// A document's statements, joined and ordered, and its canonical text.
type PolicyText = (Vec<Statement>, String);

/// The policy text of each document that has one, in the order of `docs`.
fn policy_texts(docs: &Documents, prefix: &str) -> Vec<Option<PolicyText>> {
    docs.0
        .values()
        .map(|doc| {
            doc.kind.has_policy().then(|| {
                let mut statements = merge(doc.statements.clone(), prefix);
                statements.sort_by(|a, b| a.sid.cmp(&b.sid));
                let value = json!({ "Version": POLICY_VERSION, "Statement": statements.iter().map(Statement::to_value).collect::<Vec<_>>() });
                (statements, to_canonical_string(value))
            })
        })
        .collect()
}

/// Checks every gathered document and gives it its final form.
fn finish(
    docs: Documents,
    texts: Vec<Option<PolicyText>>,
    grants: &[Grant],
    at: Loc,
) -> Result<Vec<Document>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    for (pending, text) in docs.0.into_values().zip(texts) {
        let policy = if let Some((statements, text)) = text {
            let s3_resource_policy = matches!(
                pending.kind,
                DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy
            );
            if let Some(public) = statements
                .iter()
                .find(|s| s3_resource_policy && is_public(s))
            {
                diags.push(
                    Problem::new(format!(
                        "statement `{}` of the {} of {} would be public to S3 Block Public Access",
                        public.sid,
                        pending.kind.describe(),
                        pending.target
                    ))
                    .help("this is a bug in xacct's document generation; please report it")
                    .at(at),
                );
            }
            if let Some(problem) = check_size(&pending, grants, &text) {
                diags.push(problem.at(at));
            }
            Some(text)
        } else {
            None
        };
        let extra = |key: &str| pending.extra.get(key).map(|v| Cow::Owned(v.clone()));
        out.push(Document {
            account: Cow::Owned(pending.account.clone()),
            kind: pending.kind,
            target: Cow::Owned(pending.target.clone()),
            name: pending.name.clone().map(Cow::Owned),
            policy: policy.map(Cow::Owned),
            bucket: extra("bucket"),
            bucket_account: extra("bucket_account"),
            region: extra("region"),
            path: extra("path"),
            vpc: extra("vpc"),
            // Sorted: the same grants in any order give the same bytes.
            grants: Cow::Owned({
                let mut grants = pending.grants.clone();
                grants.sort();
                grants.into_iter().map(Cow::Owned).collect()
            }),
        });
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Account A: the requester's identity policy, and its role and trust when the deployment
/// creates it.
fn requester_documents(
    docs: &mut Documents,
    grant: &Grant,
    requester: &Principal,
    base: &str,
    policy_name: &str,
) {
    let identity = match &grant.bridge_role {
        Some(role) => {
            let mut s = Statement::new(format!("{base}AssumeBridge"));
            s.actions = vec!["sts:AssumeRole".into()];
            s.resources = vec![role.arn()];
            vec![s.restricted(&grant.restrictions, false)]
        }
        None => {
            let mut statements = s3_statements(grant, base, Scope::AccessPoint, false, false);
            statements.extend(kms_statement(grant, base, false));
            statements
        }
    };
    match requester.kind {
        PrincipalKind::Role => {
            docs.add(
                requester.account.as_str(),
                DocumentKind::RoleInlinePolicy,
                requester.arn(),
                Some(policy_name.to_owned()),
                grant,
                identity,
            );
        }
        PrincipalKind::User => {
            docs.add(
                requester.account.as_str(),
                DocumentKind::UserInlinePolicy,
                requester.arn(),
                Some(policy_name.to_owned()),
                grant,
                identity,
            );
        }
        // An account root delegates to its own administrators: nothing to attach in A.
        PrincipalKind::Root => {}
    }
    if let Some(trust) = &grant.requester_trust {
        create_role(docs, requester, grant);
        let mut s = Statement::new(format!("{base}RequesterTrust"));
        s.actions = vec!["sts:AssumeRole".into()];
        s.principal = Some(match trust {
            RequesterTrust::Service(service) => ("Service", vec![service.to_string()]),
            RequesterTrust::Account => ("AWS", vec![requester.account_root()]),
        });
        docs.add(
            requester.account.as_str(),
            DocumentKind::RoleTrustPolicy,
            requester.arn(),
            None,
            grant,
            vec![s],
        );
    }
}

fn create_role(docs: &mut Documents, role: &Principal, grant: &Grant) {
    let entry = docs.add(
        role.account.as_str(),
        DocumentKind::Role,
        role.arn(),
        Some(role.name.to_string()),
        grant,
        Vec::new(),
    );
    entry.extra.insert("path", role.path.to_string());
}

fn check_size(doc: &Pending, grants: &[Grant], text: &str) -> Option<Problem> {
    let problem = over_limit(doc.kind, &doc.target, text)?;
    // A grant listing without a prefix keeps the objects and listings apart.
    let whole_listings: Vec<String> = match doc.kind {
        DocumentKind::AccessPointPolicy | DocumentKind::BucketPolicy => grants
            .iter()
            .filter(|g| doc.grants.iter().any(|n| *n == g.name) && lists_everything(g))
            .map(|g| format!("`{}`", g.name))
            .collect(),
        _ => Vec::new(),
    };
    let apart = match whole_listings.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one} lists the whole access point, so each requester is named in two statements; with a prefix it would let them share one)"),
        many => format!(" ({} list the whole access point, so each requester is named in two statements; with prefixes they would let them share one)", many.join(", ")),
    };
    // Statements that differ in one element only are joined already: what is left to shrink.
    let remedy = match doc.kind {
        DocumentKind::AccessPointPolicy => {
            "when the requesters are the accounts of one organization or OU, one grant to it (`requester: \"o-…\"`) names them all in one statement; otherwise give some of them a second access point, or fewer prefixes or actions (requesters with the same access share statements, each one named once per statement)"
        }
        DocumentKind::BucketPolicy => {
            "when the requesters are the accounts of one organization or OU, one grant to it (`requester: \"o-…\"`) names them all in one statement; otherwise move some of them to another bucket, or give them fewer prefixes or actions (requesters with the same access share statements)"
        }
        DocumentKind::RoleTrustPolicy => {
            "give some requesters a second bridge role; requesters with the same conditions (MFA, external id) share one statement"
        }
        DocumentKind::UserInlinePolicy => "use a role for this requester, or give it fewer grants",
        _ => "give this role fewer grants, or split them over a second role",
    };
    let shown: Vec<String> = doc
        .grants
        .iter()
        .take(5)
        .map(|g| format!("`{g}`"))
        .collect();
    let more = match doc.grants.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Some(problem.help(format!(
        "it holds the statements of {} grant(s) ({}{more}): {remedy}{apart}",
        doc.grants.len(),
        shown.join(", ")
    )))
}

/// Which part of a statement a merge may join: statements equal in everything else become one.
#[derive(Clone, Copy)]
enum Dimension {
    Principal,
    Resource,
    Action,
}

impl Statement {
    /// Everything but the sid and `dimension`, as text: statements with the same key differ only
    /// in `dimension`.
    fn key(&self, dimension: Dimension) -> String {
        let mut value = self.to_value();
        if let Some(map) = value.as_object_mut() {
            map.remove("Sid");
            match dimension {
                Dimension::Principal => {
                    // The principal's type stays in the key: `AWS` and `Service` never mix.
                    let kind = self.principal.as_ref().map(|(kind, _)| *kind);
                    map.insert("Principal".into(), json!(kind));
                }
                Dimension::Resource => {
                    map.remove("Resource");
                }
                Dimension::Action => {
                    map.remove("Action");
                }
            }
        }
        value.to_string()
    }

    /// The values of `dimension`; `None` when the statement has none to join (no principal, no
    /// `Resource`).
    fn values(&mut self, dimension: Dimension) -> Option<&mut Vec<String>> {
        match dimension {
            Dimension::Principal => self.principal.as_mut().map(|(_, values)| values),
            Dimension::Resource => (!self.resources.is_empty()).then_some(&mut self.resources),
            Dimension::Action => Some(&mut self.actions),
        }
    }
}

/// Joins statements that differ in one element only — their principals, then their resources,
/// then their actions — across grants. A statement applies when its principal, action, resource
/// and conditions all match, so joining the values of one element of otherwise equal statements
/// allows exactly what the statements allowed together; the proof checks the result all the same.
/// A joined statement's sid is `<prefix>Shared<hash>`, the hash taken over what it holds except
/// its principals, so that adding a requester keeps it. The result does not depend on the order of
/// the input.
fn merge(statements: Vec<Statement>, prefix: &str) -> Vec<Statement> {
    let mut current = statements;
    let mut joined = BTreeSet::new();
    // Until nothing joins any more: a join of resources can make two statements that differ in
    // their principals only.
    let mut before = usize::MAX;
    while current.len() < before {
        before = current.len();
        (current, joined) = merge_once(current, joined);
    }
    for i in &joined {
        let s = &mut current[*i];
        let hash = fnv1a(s.key(Dimension::Principal).as_bytes());
        s.sid = format!("{prefix}Shared{hash:016X}");
    }
    current
}

/// One pass of [`merge`]: principals, resources, actions. `joined` holds the indexes of the
/// statements that are joins already; so does the result's.
fn merge_once(
    mut current: Vec<Statement>,
    mut joined: BTreeSet<usize>,
) -> (Vec<Statement>, BTreeSet<usize>) {
    for dimension in [Dimension::Principal, Dimension::Resource, Dimension::Action] {
        let mut groups: BTreeMap<String, Vec<(usize, Statement)>> = BTreeMap::new();
        let mut rest = Vec::new();
        for (i, mut s) in current.into_iter().enumerate() {
            if s.values(dimension).is_some() {
                groups.entry(s.key(dimension)).or_default().push((i, s));
            } else {
                rest.push((i, s));
            }
        }
        let mut next = Vec::new();
        let mut next_joined = BTreeSet::new();
        for (_, mut members) in groups {
            members.sort_by(|a, b| a.1.sid.cmp(&b.1.sid));
            if members.len() == 1 {
                let (i, alone) = members.remove(0);
                if joined.contains(&i) {
                    next_joined.insert(next.len());
                }
                next.push(alone);
                continue;
            }
            let mut values: Vec<String> = Vec::new();
            for (_, m) in &mut members {
                values.extend(m.values(dimension).map(std::mem::take).unwrap_or_default());
            }
            values.sort();
            values.dedup();
            let (_, mut first) = members.remove(0);
            match dimension {
                Dimension::Principal => {
                    if let Some((_, slot)) = first.principal.as_mut() {
                        *slot = values;
                    }
                }
                Dimension::Resource => first.resources = values,
                Dimension::Action => first.actions = values,
            }
            next_joined.insert(next.len());
            next.push(first);
        }
        for (i, s) in rest {
            if joined.contains(&i) {
                next_joined.insert(next.len());
            }
            next.push(s);
        }
        current = next;
        joined = next_joined;
    }
    (current, joined)
}
