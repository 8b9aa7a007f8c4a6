//! From checked grants to the documents every account needs.
//!
//! Each grant contributes statements to up to five documents (ARCHITECTURE.md "From a grant to documents");
//! statements for the same target are gathered into one document, which is then rendered
//! canonically and checked against its AWS size limit.

use crate::arn::{bucket_arn, Principal, PrincipalKind};
use crate::deployment::{Document, DocumentKind};
use crate::diagnostic::{Diagnostics, Loc, Problem};
use crate::grant::{Grant, RequesterTrust};
use crate::json::{one_or_many, to_canonical_string};
use crate::limits::over_limit;
use crate::ownership::{inline_policy_name, pascal_case, sid_prefix};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::json::POLICY_VERSION;

/// One policy statement under construction.
#[derive(Clone, Debug)]
struct Statement {
    sid: String,
    principal: Option<Value>,
    actions: Vec<String>,
    resources: Vec<String>,
    /// operator → key → values
    conditions: BTreeMap<&'static str, BTreeMap<&'static str, Vec<String>>>,
}

impl Statement {
    fn new(sid: String) -> Self {
        Statement {
            sid,
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

    fn to_value(&self) -> Value {
        let mut s = Map::new();
        s.insert("Sid".into(), json!(self.sid));
        s.insert("Effect".into(), json!("Allow"));
        if let Some(p) = &self.principal {
            s.insert("Principal".into(), p.clone());
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

fn aws_principal(p: &Principal) -> Value {
    json!({ "AWS": p.arn() })
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
/// and other bucket-level reads. `principal` is set for resource policies.
fn s3_statements(
    grant: &Grant,
    base: &str,
    scope: Scope,
    principal: Option<&Principal>,
) -> Vec<Statement> {
    let ap = &grant.access_point;
    let partition = ap.partition;
    let prefixes: Vec<&str> = if grant.prefixes.is_empty() {
        vec![""]
    } else {
        grant.prefixes.iter().map(String::as_str).collect()
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
    let groups = [
        (
            "Objects",
            names(grant.object_actions().collect()),
            object_resources,
            false,
        ),
        (
            "List",
            names(grant.bucket_actions(true).collect()),
            vec![bucket_resource.clone()],
            !grant.prefixes.is_empty(),
        ),
        (
            "Bucket",
            names(grant.bucket_actions(false).collect()),
            vec![bucket_resource],
            false,
        ),
    ];
    let mut out = Vec::new();
    for (part, actions, resources, scoped_by_prefix) in groups {
        if actions.is_empty() {
            continue;
        }
        let mut s = Statement::new(format!("{base}{tag}{part}"));
        s.actions = actions;
        s.resources = resources;
        s.principal = principal.map(aws_principal);
        if scoped_by_prefix {
            s = s.condition(
                "StringLike",
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
        out.push(s);
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
        if !doc.grants.contains(&grant.name) {
            doc.grants.push(grant.name.clone());
        }
        doc
    }
}

/// Renders every document of the deployment. Fails when a document is over its AWS limit;
/// `at` is where such a diagnostic is reported (the deployment's name).
pub fn render(deployment: &str, grants: &[Grant], at: Loc) -> Result<Vec<Document>, Diagnostics> {
    let prefix = sid_prefix(deployment);
    let policy_name = inline_policy_name(deployment);
    let mut docs = Documents::default();
    for grant in grants {
        let base = format!("{prefix}{}", pascal_case(&grant.name));
        let ap = &grant.access_point;
        let requester = &grant.requester;

        // Account A: the requester's identity policy (and the role, when the deployment creates it).
        let identity = match &grant.bridge_role {
            Some(role) => {
                let mut s = Statement::new(format!("{base}AssumeBridge"));
                s.actions = vec!["sts:AssumeRole".into()];
                s.resources = vec![role.arn()];
                vec![s]
            }
            None => s3_statements(grant, &base, Scope::AccessPoint, None),
        };
        match requester.kind {
            PrincipalKind::Role => {
                docs.add(
                    requester.account.as_str(),
                    DocumentKind::RoleInlinePolicy,
                    requester.arn(),
                    Some(policy_name.clone()),
                    grant,
                    identity,
                );
            }
            PrincipalKind::User => {
                docs.add(
                    requester.account.as_str(),
                    DocumentKind::UserInlinePolicy,
                    requester.arn(),
                    Some(policy_name.clone()),
                    grant,
                    identity,
                );
            }
            // An account root delegates to its own administrators: nothing to attach in A.
            PrincipalKind::Root => {}
        }
        if let Some(trust) = &grant.requester_trust {
            create_role(&mut docs, requester, grant);
            let mut s = Statement::new(format!("{base}RequesterTrust"));
            s.actions = vec!["sts:AssumeRole".into()];
            s.principal = Some(match trust {
                RequesterTrust::Service(service) => json!({ "Service": service }),
                RequesterTrust::Account => json!({ "AWS": requester.account_root() }),
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

        // Account B: the bridge role, its trust and permissions.
        if let Some(role) = &grant.bridge_role {
            create_role(&mut docs, role, grant);
            let mut trust = Statement::new(format!("{base}Trust"));
            trust.actions = vec!["sts:AssumeRole".into()];
            trust.principal = Some(aws_principal(requester));
            if grant.require_mfa {
                trust = trust.condition("Bool", "aws:MultiFactorAuthPresent", vec!["true".into()]);
            }
            if let Some(id) = &grant.external_id {
                trust = trust.condition("StringEquals", "sts:ExternalId", vec![id.clone()]);
            }
            docs.add(
                role.account.as_str(),
                DocumentKind::RoleTrustPolicy,
                role.arn(),
                None,
                grant,
                vec![trust],
            );
            let permissions = s3_statements(grant, &base, Scope::AccessPoint, None);
            docs.add(
                role.account.as_str(),
                DocumentKind::RoleInlinePolicy,
                role.arn(),
                Some(policy_name.clone()),
                grant,
                permissions,
            );
        }

        // Account B: the access point and its policy.
        let principal = grant.resource_principal();
        let entry = docs.add(
            ap.account.as_str(),
            DocumentKind::AccessPoint,
            ap.arn(),
            Some(ap.name.clone()),
            grant,
            Vec::new(),
        );
        entry.extra.insert("bucket", grant.bucket.clone());
        entry
            .extra
            .insert("bucket_account", grant.bucket_account.to_string());
        entry.extra.insert("region", ap.region.clone());
        let statements = s3_statements(grant, &base, Scope::AccessPoint, Some(principal));
        docs.add(
            ap.account.as_str(),
            DocumentKind::AccessPointPolicy,
            ap.arn(),
            Some(ap.name.clone()),
            grant,
            statements,
        );

        // Account B or C: the bucket's delegation to this access point.
        let statements = s3_statements(grant, &base, Scope::Bucket, Some(principal));
        docs.add(
            grant.bucket_account.as_str(),
            DocumentKind::BucketPolicy,
            bucket_arn(ap.partition, &grant.bucket),
            Some(grant.bucket.clone()),
            grant,
            statements,
        );
    }

    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    for pending in docs.0.into_values() {
        let policy = if pending.kind.has_policy() {
            let mut statements = pending.statements.clone();
            statements.sort_by(|a, b| a.sid.cmp(&b.sid));
            let value = json!({ "Version": POLICY_VERSION, "Statement": statements.iter().map(Statement::to_value).collect::<Vec<_>>() });
            let text = to_canonical_string(value);
            if let Some(problem) = check_size(&pending, &text) {
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
            grants: Cow::Owned(pending.grants.iter().cloned().map(Cow::Owned).collect()),
        });
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

fn create_role(docs: &mut Documents, role: &Principal, grant: &Grant) {
    let entry = docs.add(
        role.account.as_str(),
        DocumentKind::Role,
        role.arn(),
        Some(role.name.clone()),
        grant,
        Vec::new(),
    );
    entry.extra.insert("path", role.path.clone());
}

fn check_size(doc: &Pending, text: &str) -> Option<Problem> {
    let problem = over_limit(doc.kind, &doc.target, text)?;
    Some(problem.help(format!(
        "it holds the statements of grants {}; move some of them to another {}",
        doc.grants
            .iter()
            .map(|g| format!("`{g}`"))
            .collect::<Vec<_>>()
            .join(", "),
        match doc.kind {
            DocumentKind::AccessPointPolicy => "access point",
            DocumentKind::BucketPolicy => "bucket",
            DocumentKind::UserInlinePolicy => "user, or use a role",
            _ => "role",
        }
    )))
}
