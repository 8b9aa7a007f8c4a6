//! `export cloudformation`: the deployment's documents as CloudFormation templates, so that
//! teams that roll out through CloudFormation or StackSets keep every compile-time check and the
//! proof (ARCHITECTURE.md "CloudFormation export").
//!
//! Every policy in a template is the document `render` gives, parsed as it is (the documents are
//! canonical JSON, so the template holds them byte for byte). The deployment's record of what it
//! owns goes in as SSM parameters, so that `plan` and `verify` see the stacks' resources as this
//! deployment's. CloudFormation stacks are regional: an account gets `<account>.json` for IAM, the
//! record and its home-region resources, and `<account>.<region>.json` for resources elsewhere.

use crate::live::{home_region, Live};
use crate::plan::Target;
use crate::record::{record_changes, Entry, Record, RecordWrite};
use policy_core::ownership::record_path;
use policy_core::{Deployment, Document, DocumentKind};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What happens to bucket policies, the one document CloudFormation owns whole
/// (`AWS::S3::BucketPolicy` replaces the bucket's policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BucketPolicies {
    /// In the template, with the live statements of others when they were read.
    Export,
    /// Not in the template: the statements to add where the policy is managed are printed.
    LeaveOut,
}

/// One template to write.
#[derive(Clone, Debug)]
pub struct Template {
    /// The file name inside the output directory.
    pub file: String,
    /// The account it is for (`None` for the StackSets template).
    pub account: Option<String>,
    pub region: String,
    pub body: Value,
}

/// Which export a template belongs to: several can share a directory, and each removes only
/// its own earlier files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportKind {
    #[default]
    CloudFormation,
    CloudTrail,
    Config,
}

impl ExportKind {
    /// The `Metadata.xacct.export` of its templates (none for the deployment's own resources,
    /// whose templates came first).
    fn marker(self) -> Option<&'static str> {
        match self {
            ExportKind::CloudFormation => None,
            ExportKind::CloudTrail => Some("cloudtrail"),
            ExportKind::Config => Some("config"),
        }
    }

    fn order_file(self) -> &'static str {
        match self {
            ExportKind::CloudFormation => "ORDER",
            ExportKind::CloudTrail => "ORDER.cloudtrail",
            ExportKind::Config => "ORDER.config",
        }
    }
}

/// Everything an export writes and says.
#[derive(Clone, Debug, Default)]
pub struct Export {
    pub kind: ExportKind,
    pub templates: Vec<Template>,
    /// Groups of accounts in deployment order: every account of a group after those of the
    /// groups before it (IAM and S3 check that the principals a policy names exist).
    pub order: Vec<Vec<String>>,
    /// What the user must know: statements to add elsewhere, warnings.
    pub notes: Vec<String>,
}

/// The live bucket policies, by bucket ARN, when they were read (`None`: the bucket has none).
pub type LiveBucketPolicies = BTreeMap<String, Option<String>>;

/// A resource of a template, before logical ids are final.
pub(crate) struct Resource {
    pub(crate) account: String,
    pub(crate) region: String,
    /// A readable id: letters and digits only.
    pub(crate) id: String,
    pub(crate) body: Value,
    /// The ARN of the role it creates, for `Ref` and `DependsOn`.
    pub(crate) creates_role: Option<String>,
}

/// Letters and digits of `text`, each word capitalised: `analytics-reader` → `AnalyticsReader`.
pub(crate) fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// What can stop an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The deployment's own documents could not be turned into resources: a bug in xacct.
    #[error("{0}")]
    Internal(String),
    /// A live policy read with `--read-live` cannot be merged: the user's to fix.
    #[error("{0}")]
    Live(String),
}

pub(crate) fn policy_of(doc: &Document) -> Result<Value, ExportError> {
    let text = doc.policy.as_deref().unwrap_or("{}");
    serde_json::from_str(text).map_err(|e| {
        ExportError::Internal(format!(
            "the {} of {}: {e}",
            doc.kind.describe(),
            doc.target
        ))
    })
}

/// The note for a shared document left out of the templates: why, and the statements to add.
pub(crate) fn statements_to_add(doc: &Document, what_to_do: &str) -> Result<String, ExportError> {
    Ok(format!(
        "the {} of {} (account {}) is not exported: {what_to_do}:\n{}",
        doc.kind.describe(),
        doc.target,
        doc.account,
        serde_json::to_string_pretty(&policy_of(doc)?["Statement"]).unwrap_or_default()
    ))
}

pub(crate) fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Every resource the deployment's documents make, the record included.
fn resources(
    deployment: &Deployment,
    bucket_policies: BucketPolicies,
    live: Option<&LiveBucketPolicies>,
    notes: &mut Vec<String>,
) -> Result<Vec<Resource>, ExportError> {
    let docs = declared(deployment);
    let export = Exporter {
        deployment,
        docs: &docs,
        home: home_region(deployment),
    };
    let mut out = Vec::new();
    for doc in &docs {
        let made = crate::kind::cloudformation(&export, doc, bucket_policies, live, notes)?;
        out.extend(made);
    }
    out.extend(export.record());
    Ok(out)
}

/// What every resource of an export is made from.
pub(crate) struct Exporter<'a> {
    pub(crate) deployment: &'a Deployment,
    /// The declared documents, as plan sees them.
    pub(crate) docs: &'a [Document],
    /// Where IAM resources and the record go: the partition's home region.
    pub(crate) home: &'a str,
}

impl Exporter<'_> {
    /// The policy of the declared document of `kind` attached to `target`, parsed.
    pub(crate) fn policy_for(
        &self,
        kind: DocumentKind,
        target: &str,
    ) -> Result<Option<Value>, ExportError> {
        self.docs
            .iter()
            .find(|d| d.kind == kind && d.target == target)
            .map(policy_of)
            .transpose()
    }

    pub(crate) fn resource(
        &self,
        doc: &Document,
        id: String,
        body: Value,
        region: String,
    ) -> Resource {
        Resource {
            account: doc.account.to_string(),
            region,
            id,
            body,
            creates_role: None,
        }
    }

    /// The record a first apply would write, so that plan and verify see these resources as the
    /// deployment's own.
    fn record(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        for write in first_record(self.deployment) {
            let RecordWrite::Put {
                account,
                name,
                value,
            } = write
            else {
                continue;
            };
            // `RecordRoleAnalyticsReader`: the entry's kind and name (logical ids are at most 255
            // characters; the parameter's own name is hex).
            let entry: Value = serde_json::from_str(&value).unwrap_or(Value::Null);
            // An inline policy by the role or user that holds it.
            let holder = entry["target"].as_str().map(last_segment);
            let what = match (entry["kind"].as_str(), entry["name"].as_str(), holder) {
                (Some(kind), _, Some(holder)) if kind.ends_with("inline-policy") => {
                    format!("{}{}", pascal(kind), pascal(holder))
                }
                (Some(kind), Some(name), _) => format!("{}{}", pascal(kind), pascal(name)),
                _ => pascal(name.rsplit('/').next().unwrap_or_default()),
            };
            let id = format!("Record{}", what.chars().take(200).collect::<String>());
            out.push(Resource {
                account,
                region: self.home.to_owned(),
                id,
                body: json!({
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {
                        "Name": name,
                        "Type": "String",
                        "Value": value,
                        "Description": format!("xacct deployment {}: what it owns", self.deployment.name),
                    },
                }),
                creates_role: None,
            });
        }
        out
    }
}

/// The declared documents as plan sees them (bucket policies with their region).
fn declared(deployment: &Deployment) -> Vec<Document> {
    crate::plan::targets(deployment, &Record::default())
        .into_iter()
        .map(|t| t.doc)
        .collect()
}

/// What the deployment's first apply into accounts that hold none of it records: every declared
/// resource, the roles and access points as created by it.
pub fn first_record(deployment: &Deployment) -> Vec<RecordWrite> {
    let kept: Vec<Entry> = declared(deployment)
        .iter()
        .filter_map(|doc| {
            Entry::of(
                doc,
                matches!(doc.kind, DocumentKind::Role | DocumentKind::AccessPoint),
            )
        })
        .collect();
    let accounts: BTreeSet<String> = kept.iter().map(|e| e.account.clone()).collect();
    let path = record_path(&deployment.name);
    let changes = record_changes(&path, &Record::default(), &kept, &[], &accounts);
    changes.before.into_iter().chain(changes.after).collect()
}

/// Gives each resource a logical id unique in its template (`scope`), and within one template
/// points inline policies at the roles it creates and makes policies that name those roles wait
/// for them (IAM and S3 refuse a principal that does not exist yet).
fn link(resources: &mut [Resource], scope: impl Fn(&Resource) -> String) {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in resources.iter_mut() {
        let count = seen.entry((scope(r), r.id.clone())).or_default();
        *count += 1;
        if *count > 1 {
            r.id = format!("{}{}", r.id, count);
        }
    }
    let roles: Vec<(String, String, String)> = resources
        .iter()
        .filter_map(|r| {
            r.creates_role
                .clone()
                .map(|arn| (scope(r), arn, r.id.clone()))
        })
        .collect();
    for r in resources.iter_mut() {
        let here = scope(r);
        let mut depends = BTreeSet::new();
        for (role_scope, arn, role_id) in &roles {
            if *role_scope != here || r.creates_role.as_deref() == Some(arn.as_str()) {
                continue;
            }
            let properties = &mut r.body["Properties"];
            if let Some(list) = properties.get_mut("Roles").and_then(Value::as_array_mut) {
                for name in list.iter_mut() {
                    if name.as_str() == Some(last_segment(arn)) {
                        // `Ref` of a role is its name, and orders the two.
                        *name = json!({"Ref": role_id});
                    }
                }
            }
            let text = properties.to_string();
            let named = text.contains(&format!("\"{arn}\""));
            let referenced = text.contains(&format!("{{\"Ref\":\"{role_id}\"}}"));
            if named && !referenced {
                depends.insert(role_id.clone());
            }
        }
        if !depends.is_empty() {
            r.body["DependsOn"] = json!(depends.into_iter().collect::<Vec<_>>());
        }
    }
}

/// The accounts in groups: an account whose policies name a role created in another account comes
/// in a later group than that account. Accounts that name each other's new roles cannot be
/// ordered; they go last, together, with a note.
fn order(resources: &[Resource], notes: &mut Vec<String>) -> Vec<Vec<String>> {
    let accounts: BTreeSet<String> = resources.iter().map(|r| r.account.clone()).collect();
    let created: Vec<(&str, &str)> = resources
        .iter()
        .filter_map(|r| {
            r.creates_role
                .as_deref()
                .map(|arn| (r.account.as_str(), arn))
        })
        .collect();
    let mut after: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in resources {
        let text = r.body.to_string();
        for (account, arn) in &created {
            if *account != r.account && text.contains(&format!("\"{arn}\"")) {
                after.entry(r.account.as_str()).or_default().insert(account);
            }
        }
    }
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut groups = Vec::new();
    while placed.len() < accounts.len() {
        let ready: Vec<String> = accounts
            .iter()
            .filter(|a| !placed.contains(a.as_str()))
            .filter(|a| {
                after
                    .get(a.as_str())
                    .is_none_or(|before| before.iter().all(|b| placed.contains(b)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            let rest: Vec<String> = accounts
                .iter()
                .filter(|a| !placed.contains(a.as_str()))
                .cloned()
                .collect();
            notes.push(format!(
                "warning: accounts {} name roles the others create: no order deploys them in one pass; deploy them, then update the stacks whose first creation failed",
                rest.join(", ")
            ));
            groups.push(rest);
            break;
        }
        for a in &ready {
            placed.insert(
                accounts
                    .get(a.as_str())
                    .map(String::as_str)
                    .unwrap_or_default(),
            );
        }
        groups.push(ready);
    }
    groups
}

fn template(description: String, resources: Map<String, Value>) -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        "Resources": resources,
    })
}

/// What both kinds of export start from.
struct Prepared {
    resources: Vec<Resource>,
    order: Vec<Vec<String>>,
    notes: Vec<String>,
}

/// The resources with their final ids and links, the order of the accounts, and the notes so
/// far. `one_template`: every account's resources go in one template, so ids carry the account
/// and region. Links stay within an account and region: a stack (or StackSet instance) holds one.
fn prepare(
    deployment: &Deployment,
    bucket_policies: BucketPolicies,
    live: Option<&LiveBucketPolicies>,
    one_template: bool,
) -> Result<Prepared, ExportError> {
    let mut notes = Vec::new();
    let mut all = resources(deployment, bucket_policies, live, &mut notes)?;
    if one_template {
        for r in &mut all {
            r.id = format!("A{}{}{}", r.account, pascal(&r.region), r.id);
        }
    }
    link(&mut all, |r| format!("{}.{}", r.account, r.region));
    let order = order(&all, &mut notes);
    Ok(Prepared {
        resources: all,
        order,
        notes,
    })
}

/// One template per account and region: `<account>.json` (home region) and
/// `<account>.<region>.json`.
pub fn per_account(
    deployment: &Deployment,
    bucket_policies: BucketPolicies,
    live: Option<&LiveBucketPolicies>,
) -> Result<Export, ExportError> {
    let Prepared {
        resources: all,
        order,
        notes,
    } = prepare(deployment, bucket_policies, live, false)?;
    let home = home_region(deployment);
    let mut by_stack: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for r in all {
        by_stack
            .entry((r.account, r.region))
            .or_default()
            .insert(r.id, r.body);
    }
    let templates = by_stack
        .into_iter()
        .map(|((account, region), resources)| Template {
            file: if region == home {
                format!("{account}.json")
            } else {
                format!("{account}.{region}.json")
            },
            body: template(
                format!(
                    "xacct deployment {}: account {account}, {region} (generated by `export cloudformation`; do not edit)",
                    deployment.name
                ),
                resources,
            ),
            account: Some(account),
            region,
        })
        .collect();
    Ok(Export {
        kind: ExportKind::CloudFormation,
        templates,
        order,
        notes,
    })
}

/// One template for a service-managed StackSet: every resource under the condition of its
/// account (and region), ids prefixed with the account.
pub fn stack_set(
    deployment: &Deployment,
    bucket_policies: BucketPolicies,
    live: Option<&LiveBucketPolicies>,
) -> Result<Export, ExportError> {
    let Prepared {
        resources: all,
        order,
        mut notes,
    } = prepare(deployment, bucket_policies, live, true)?;
    let mut conditions = Map::new();
    let mut resources = Map::new();
    for r in all {
        let condition = format!("In{}{}", r.account, pascal(&r.region));
        conditions.insert(
            condition.clone(),
            json!({"Fn::And": [
                {"Fn::Equals": [{"Ref": "AWS::AccountId"}, r.account]},
                {"Fn::Equals": [{"Ref": "AWS::Region"}, r.region]},
            ]}),
        );
        let mut body = r.body;
        body["Condition"] = json!(condition);
        resources.insert(r.id, body);
    }
    let mut body = template(
        format!(
            "xacct deployment {}: every account, for a service-managed StackSet (generated by `export cloudformation --stack-set`; do not edit)",
            deployment.name
        ),
        resources,
    );
    body["Conditions"] = Value::Object(conditions);
    notes.push("a service-managed StackSet deploys no instance in the organization's management account: if it is one of the accounts above, deploy its template from `export cloudformation` (without --stack-set) as a stack there".to_owned());
    notes.push("a stack set runs one operation at a time: create the instances group by group in ORDER, one operation per group, each after the one before has succeeded".to_owned());
    Ok(Export {
        kind: ExportKind::CloudFormation,
        templates: vec![Template {
            file: "stack-set.json".to_owned(),
            account: None,
            region: home_region(deployment).to_owned(),
            body,
        }],
        order,
        notes,
    })
}

/// The `ORDER` file: one line per group, the accounts of a group deployable together.
pub fn order_text(export: &Export) -> String {
    let mut text = String::from(if export.kind == ExportKind::CloudFormation {
        "# Deploy the accounts group by group, each group after the one before has succeeded:\n# IAM and S3 refuse a policy that names a role that does not exist yet.\n"
    } else {
        "# The accounts, in any order: each template stands alone.\n"
    });
    for (i, group) in export.order.iter().enumerate() {
        let files: Vec<String> = group
            .iter()
            .map(|account| {
                let files: Vec<&str> = export
                    .templates
                    .iter()
                    .filter(|t| t.account.as_deref() == Some(account.as_str()))
                    .map(|t| t.file.as_str())
                    .collect();
                if files.is_empty() {
                    account.clone()
                } else {
                    format!("{account} ({})", files.join(", "))
                }
            })
            .collect();
        text.push_str(&format!("{}. {}\n", i + 1, files.join("; ")));
    }
    text
}

/// The stored bucket policies among documents read back.
pub fn live_bucket_policies(read: &[(Target, Live)]) -> LiveBucketPolicies {
    read.iter()
        .filter(|(t, _)| t.doc.kind == DocumentKind::BucketPolicy)
        .map(|(t, live)| {
            let stored = match live {
                Live::Policy(text) => text.clone(),
                _ => None,
            };
            (t.doc.target.to_string(), stored)
        })
        .collect()
}

/// Whether `text` is a template an earlier export of this kind of `deployment` wrote.
fn written_by(deployment: &Deployment, kind: ExportKind, text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| {
        v["Description"]
            .as_str()
            .is_some_and(|d| d.starts_with(&format!("xacct deployment {}:", deployment.name)))
            && v["Metadata"]["xacct"]["export"].as_str() == kind.marker()
    })
}

/// Writes every template and `ORDER` into `dir`, each file whole (written aside, then renamed),
/// and removes the templates an earlier export of this deployment wrote that this one no longer
/// has (an account it no longer touches). Returns what it did, a line each.
pub fn write(
    deployment: &Deployment,
    dir: &std::path::Path,
    export: &Export,
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let whole = |name: &str, text: &str| -> std::io::Result<()> {
        let aside = dir.join(format!(".{name}.partial"));
        std::fs::write(&aside, text)?;
        std::fs::rename(&aside, dir.join(name))
    };
    let mut done = Vec::new();
    for t in &export.templates {
        let text = serde_json::to_string_pretty(&t.body).map_err(std::io::Error::other)? + "\n";
        whole(&t.file, &text)?;
        done.push(format!("wrote {}", dir.join(&t.file).display()));
    }
    let order_file = export.kind.order_file();
    whole(order_file, &order_text(export))?;
    done.push(format!("wrote {}", dir.join(order_file).display()));
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let current = export.templates.iter().any(|t| t.file == name);
        if !current
            && name.ends_with(".json")
            && std::fs::read_to_string(&path)
                .is_ok_and(|text| written_by(deployment, export.kind, &text))
        {
            std::fs::remove_file(&path)?;
            done.push(format!(
                "removed {} (from an earlier export)",
                path.display()
            ));
        }
    }
    Ok(done)
}
