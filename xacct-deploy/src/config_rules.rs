//! `export config`: the deployment's continuous checks for AWS Config — the guide's second
//! monitoring duty (ARCHITECTURE.md "Monitoring").
//!
//! Per account and region, one template of `AWS::Config::ConfigRule` resources, deployable as a
//! stack or as a conformance pack's template (a conformance pack template holds config rules;
//! "Conformance Pack Templates", AWS Config Developer Guide), and the same rules wrapped in an
//! `AWS::Config::ConformancePack`:
//!
//! - **AWS managed rules** where one checks what the grants imply: `S3_ACCESS_POINT_PUBLIC_ACCESS_BLOCKS`
//!   for every access point the deployment creates (it creates them with all four settings on),
//!   `S3_ACCESS_POINT_IN_VPC_ONLY` for those reachable from one VPC, `S3_BUCKET_ACL_PROHIBITED`
//!   for a bucket another account writes to through a grant (AWS Config managed rules list, each
//!   rule's page). Each is scoped to its one resource (`Scope.ComplianceResourceId`: the access
//!   point's or bucket's name, the primary identifier Config records them under).
//! - **Custom policy rules in CloudFormation Guard** for what no managed rule checks: every
//!   document of the deployment still holds exactly the statements it rendered. Config evaluates
//!   them with the `guard-2.x.x` runtime (`CustomPolicyDetails.PolicyRuntime`, whose only value it
//!   is), so the rules use no Guard 3 function: a policy recorded as a string is matched with
//!   regular expressions, one recorded as a structure is compared as one. Where each policy sits
//!   in a configuration item (AWS Config resource schema; AWS's policy-validation Config rule
//!   samples read the same fields):
//!   - `AWS::S3::AccessPoint`: `configuration.Policy`, the policy as JSON;
//!   - `AWS::S3::Bucket`: `supplementaryConfiguration.BucketPolicy.policyText`, its text;
//!   - `AWS::KMS::Key`: `supplementaryConfiguration.Policy`, its text;
//!   - `AWS::IAM::Role` / `AWS::IAM::User`: `configuration.assumeRolePolicyDocument`,
//!     `configuration.rolePolicyList[*].policyDocument` / `userPolicyList[*]`, URL-encoded
//!     ("URL-encoded compliant with RFC 3986", IAM API reference, `Role`/`PolicyDetail`), and
//!     `configuration.tags` as `{key, value}`.
//!
//!   A statement missing or changed fails with a message naming its `Sid`; in a document the
//!   deployment owns whole (trust and inline policies, the policy of an access point it creates)
//!   anything beyond its statements fails too; in a shared one (bucket and key policies) others'
//!   statements are theirs. A `PolicyText` holds at most 10,000 characters
//!   (`CustomPolicyDetails`, AWS Config API reference): the checks of one resource type are packed
//!   into as few rules as fit.

use crate::export::{pascal, Export, ExportKind, Template};
use crate::live::{home_region, region_of};
use policy_core::ownership::{inline_policy_name, OWNER_TAG};
use policy_core::{Deployment, Document, DocumentKind};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The only runtime AWS Config runs custom policy rules with.
pub const GUARD_RUNTIME: &str = "guard-2.x.x";
/// `CustomPolicyDetails.PolicyText`'s length limit.
pub const POLICY_TEXT_LIMIT: usize = 10_000;
/// `PutConformancePack`'s `TemplateBody` limit, in bytes.
pub const CONFORMANCE_PACK_BODY_LIMIT: usize = 51_200;

/// Why the rules cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigExportError(String);

/// One Guard check on one resource: a clause and what it is about.
#[derive(Clone, Debug)]
struct Check {
    resource_type: &'static str,
    arn: String,
    clause: String,
}

/// The templates of `export config`, per account and region.
pub fn per_account(deployment: &Deployment) -> Result<Export, ConfigExportError> {
    let home = home_region(deployment);
    // (account, region) → resources of the template, in a stable order.
    let mut resources: BTreeMap<(String, String), BTreeMap<String, Value>> = BTreeMap::new();
    let mut checks: BTreeMap<(String, String), Vec<Check>> = BTreeMap::new();
    for (place, id, rule) in managed_rules(deployment) {
        resources.entry(place).or_default().insert(id, rule);
    }
    for doc in deployment.documents() {
        let region = match doc.kind {
            DocumentKind::Role
            | DocumentKind::RoleTrustPolicy
            | DocumentKind::RoleInlinePolicy
            | DocumentKind::UserInlinePolicy => home.to_owned(),
            DocumentKind::AccessPoint
            | DocumentKind::AccessPointPolicy
            | DocumentKind::BucketPolicy
            | DocumentKind::KeyPolicy => region_of(doc),
        };
        let place = (doc.account.to_string(), region);
        resources.entry(place.clone()).or_default();
        checks
            .entry(place)
            .or_default()
            .extend(document_checks(deployment, doc)?);
    }
    for (place, checks) in checks {
        let rules = resources.entry(place).or_default();
        rules.extend(custom_rules(deployment, checks)?);
    }
    let mut templates = Vec::new();
    let mut notes = Vec::new();
    for ((account, region), rules) in resources {
        if rules.is_empty() {
            continue;
        }
        let stem = if region == home {
            account.clone()
        } else {
            format!("{account}.{region}")
        };
        let description = format!(
            "xacct deployment {}: the AWS Config rules of account {account}, {region} (generated by `export config`; do not edit)",
            deployment.name
        );
        let rules_body = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": description,
            "Metadata": {"xacct": {"deployment": deployment.name.as_ref(), "export": "config"}},
            "Resources": rules,
        });
        let rules_text = serde_json::to_string(&rules_body)
            .map_err(|e| ConfigExportError(format!("the rules of account {account}: {e}")))?;
        if rules_text.len() <= CONFORMANCE_PACK_BODY_LIMIT {
            templates.push(Template {
                file: format!("{stem}.conformance-pack.json"),
                account: Some(account.clone()),
                region: region.clone(),
                body: json!({
                    "AWSTemplateFormatVersion": "2010-09-09",
                    "Description": format!(
                        "xacct deployment {}: the AWS Config conformance pack of account {account}, {region} (generated by `export config`; do not edit)",
                        deployment.name
                    ),
                    "Metadata": {"xacct": {"deployment": deployment.name.as_ref(), "export": "config"}},
                    "Resources": {
                        "ConformancePack": {
                            "Type": "AWS::Config::ConformancePack",
                            "Properties": {
                                "ConformancePackName": inline_policy_name(&deployment.name),
                                "TemplateBody": rules_text,
                            },
                        },
                    },
                }),
            });
        } else {
            notes.push(format!(
                "the rules of account {account} in {region} are {} bytes, more than the {CONFORMANCE_PACK_BODY_LIMIT} a conformance pack's TemplateBody takes: deploy {stem}.config.json as a stack, or upload it to S3 and create the conformance pack with TemplateS3Uri",
                rules_text.len()
            ));
        }
        templates.push(Template {
            file: format!("{stem}.config.json"),
            account: Some(account),
            region,
            body: rules_body,
        });
    }
    let mut accounts: Vec<String> = templates.iter().filter_map(|t| t.account.clone()).collect();
    accounts.dedup();
    notes.push(
        "AWS Config must be recording in each account and region (a configuration recorder and delivery channel), IAM roles and users where the global resources are recorded: the rules evaluate only what Config records".to_owned(),
    );
    Ok(Export {
        kind: ExportKind::Config,
        templates,
        order: vec![accounts],
        notes,
    })
}

/// The Guard rules of one account and region: the checks of each resource type packed into as
/// few Config rules as fit, by logical id.
fn custom_rules(
    deployment: &Deployment,
    checks: Vec<Check>,
) -> Result<BTreeMap<String, Value>, ConfigExportError> {
    let rule_prefix = inline_policy_name(&deployment.name);
    let mut by_type: BTreeMap<&'static str, Vec<Check>> = BTreeMap::new();
    for check in checks {
        by_type.entry(check.resource_type).or_default().push(check);
    }
    let mut rules = BTreeMap::new();
    for (resource_type, checks) in by_type {
        for (i, text) in pack(&deployment.name, &checks)?.into_iter().enumerate() {
            let kind = resource_type.trim_start_matches("AWS::").replace("::", "");
            rules.insert(
                format!("Documents{kind}{}", i + 1),
                custom_rule(
                    &format!("{rule_prefix}-documents-{}-{}", kind.to_lowercase(), i + 1),
                    &format!(
                        "xacct deployment {}: its {resource_type} documents hold exactly the statements it rendered",
                        deployment.name
                    ),
                    resource_type,
                    text,
                ),
            );
        }
    }
    Ok(rules)
}

/// The same rules as one template for a service-managed StackSet (`config-stack-set.json`): each
/// rule under the condition of its account and region, ids prefixed with them.
pub fn stack_set(deployment: &Deployment) -> Result<Export, ConfigExportError> {
    let per_account = per_account(deployment)?;
    let mut conditions = serde_json::Map::new();
    let mut resources = serde_json::Map::new();
    for template in per_account
        .templates
        .iter()
        .filter(|t| t.file.ends_with(".config.json"))
    {
        let account = template.account.clone().unwrap_or_default();
        let condition = format!("In{account}{}", pascal(&template.region));
        conditions.insert(
            condition.clone(),
            json!({"Fn::And": [
                {"Fn::Equals": [{"Ref": "AWS::AccountId"}, account]},
                {"Fn::Equals": [{"Ref": "AWS::Region"}, template.region]},
            ]}),
        );
        for (id, rule) in template.body["Resources"].as_object().into_iter().flatten() {
            let mut rule = rule.clone();
            rule["Condition"] = json!(condition);
            resources.insert(format!("A{account}{}{id}", pascal(&template.region)), rule);
        }
    }
    let mut notes = per_account.notes;
    notes.retain(|n| !n.contains("conformance pack"));
    notes.push("a service-managed StackSet deploys no instance in the organization's management account: if it is one of the accounts above, deploy its template from `export config` (without --stack-set) as a stack there".to_owned());
    Ok(Export {
        kind: ExportKind::Config,
        templates: vec![Template {
            file: "config-stack-set.json".to_owned(),
            account: None,
            region: home_region(deployment).to_owned(),
            body: json!({
                "AWSTemplateFormatVersion": "2010-09-09",
                "Description": format!(
                    "xacct deployment {}: the AWS Config rules of every account, for a service-managed StackSet (generated by `export config --stack-set`; do not edit)",
                    deployment.name
                ),
                "Metadata": {"xacct": {"deployment": deployment.name.as_ref(), "export": "config"}},
                "Conditions": conditions,
                "Resources": resources,
            }),
        }],
        order: per_account.order,
        notes,
    })
}

/// The AWS managed rules the grants imply, each scoped to its one resource.
fn managed_rules(deployment: &Deployment) -> Vec<((String, String), String, Value)> {
    let mut rules = Vec::new();
    for doc in deployment.documents() {
        if doc.kind != DocumentKind::AccessPoint {
            continue;
        }
        let Some(name) = doc.name.as_deref() else {
            continue;
        };
        let place = (doc.account.to_string(), region_of(doc));
        let id = pascal(name);
        rules.push((
            place.clone(),
            format!("AccessPointBlocksPublicAccess{id}"),
            managed_rule(
                &format!(
                    "{}-{name}-public-access-blocks",
                    deployment.name.to_lowercase()
                ),
                "S3_ACCESS_POINT_PUBLIC_ACCESS_BLOCKS",
                "AWS::S3::AccessPoint",
                name,
                "xacct creates the access point with all four Block Public Access settings on",
            ),
        ));
        if doc.vpc.is_some() {
            rules.push((
                place,
                format!("AccessPointInVpcOnly{id}"),
                managed_rule(
                    &format!("{}-{name}-in-vpc-only", deployment.name.to_lowercase()),
                    "S3_ACCESS_POINT_IN_VPC_ONLY",
                    "AWS::S3::AccessPoint",
                    name,
                    "a grant makes the access point reachable from one VPC only",
                ),
            ));
        }
    }
    // A bucket another account writes to through a grant: ACLs would leave its objects owned by
    // the writer (ARCHITECTURE.md "Every layer": Object Ownership).
    let mut written: BTreeMap<(String, String), String> = BTreeMap::new();
    for grant in deployment.grants() {
        // An organization grant reaches other accounts too.
        let from_elsewhere = grant
            .requester
            .principal()
            .is_none_or(|p| p.account != grant.bucket_account);
        // A checked grant's actions are explicit: its wildcards were expanded.
        let writes = grant.actions.iter().any(|a| a.name == "PutObject");
        if from_elsewhere && writes {
            let region = deployment
                .documents()
                .iter()
                .find(|d| {
                    d.kind == DocumentKind::BucketPolicy && d.name.as_deref() == Some(&grant.bucket)
                })
                .map_or_else(|| home_region(deployment).to_owned(), region_of);
            written.insert(
                (grant.bucket_account.to_string(), region),
                grant.bucket.to_string(),
            );
        }
    }
    for (place, bucket) in written {
        rules.push((
            place,
            format!("BucketAclProhibited{}", pascal(&bucket)),
            managed_rule(
                &format!("{}-{bucket}-acl-prohibited", deployment.name.to_lowercase()),
                "S3_BUCKET_ACL_PROHIBITED",
                "AWS::S3::Bucket",
                &bucket,
                "another account writes to the bucket through a grant",
            ),
        ));
    }
    rules
}

fn managed_rule(
    name: &str,
    identifier: &str,
    resource_type: &str,
    resource: &str,
    why: &str,
) -> Value {
    json!({
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "ConfigRuleName": truncate(name, 128),
            "Description": format!("{identifier} on {resource}: {why}"),
            "Scope": {"ComplianceResourceTypes": [resource_type], "ComplianceResourceId": resource},
            "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
        },
    })
}

fn custom_rule(name: &str, description: &str, resource_type: &str, text: String) -> Value {
    json!({
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "ConfigRuleName": truncate(name, 128),
            "Description": truncate(description, 256),
            "Scope": {"ComplianceResourceTypes": [resource_type]},
            "Source": {
                "Owner": "CUSTOM_POLICY",
                "SourceDetails": [
                    {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
                    {"EventSource": "aws.config", "MessageType": "OversizedConfigurationItemChangeNotification"},
                ],
                "CustomPolicyDetails": {
                    "PolicyRuntime": GUARD_RUNTIME,
                    "PolicyText": text,
                    "EnableDebugLogDelivery": false,
                },
            },
        },
    })
}

/// The Guard clauses that check one document in its resource's configuration item, by the
/// kind of document and so by where Config records it.
fn document_checks(
    deployment: &Deployment,
    doc: &Document,
) -> Result<Vec<Check>, ConfigExportError> {
    let owner = format!("(xacct deployment {})", deployment.name);
    // Every kind is named here, so that a new one is not left without its rule by accident.
    let (resource_type, clauses) = match doc.kind {
        DocumentKind::Role => ("AWS::IAM::Role", tag_clauses(deployment, doc, &owner)),
        // The managed rules cover access points (`managed_rules`).
        DocumentKind::AccessPoint => return Ok(Vec::new()),
        DocumentKind::AccessPointPolicy
        | DocumentKind::BucketPolicy
        | DocumentKind::KeyPolicy
        | DocumentKind::RoleTrustPolicy
        | DocumentKind::RoleInlinePolicy
        | DocumentKind::UserInlinePolicy => {
            let Some(subject) = Subject::of(doc, owner)? else {
                return Ok(Vec::new());
            };
            match doc.kind {
                DocumentKind::AccessPointPolicy => (
                    "AWS::S3::AccessPoint",
                    access_point_clauses(deployment, doc, &subject),
                ),
                DocumentKind::BucketPolicy | DocumentKind::KeyPolicy => text_clauses(doc, &subject),
                _ => iam_clauses(doc, &subject),
            }
        }
    };
    Ok(clauses
        .into_iter()
        .map(|clause| Check {
            resource_type,
            arn: doc.target.to_string(),
            clause,
        })
        .collect())
}

/// A policy document as the clauses about it need it.
struct Subject<'d> {
    /// The rendered text, as xacct writes it.
    text: &'d str,
    statements: Vec<Value>,
    /// "the trust policy of arn:…", for messages.
    what: String,
    /// "(xacct deployment NAME)", for messages.
    owner: String,
}

impl<'d> Subject<'d> {
    fn of(doc: &'d Document, owner: String) -> Result<Option<Subject<'d>>, ConfigExportError> {
        let Some(text) = doc.policy.as_deref() else {
            return Ok(None);
        };
        let policy: Value = serde_json::from_str(text).map_err(|e| {
            ConfigExportError(format!(
                "the {} of {}: {e}",
                doc.kind.describe(),
                doc.target
            ))
        })?;
        Ok(Some(Subject {
            text,
            statements: policy["Statement"].as_array().cloned().unwrap_or_default(),
            what: format!("the {} of {}", doc.kind.describe(), doc.target),
            owner,
        }))
    }

    fn missing(&self, statement: &Value) -> String {
        format!(
            "<<statement `{}` of {} is missing or was changed {}>>",
            statement["Sid"].as_str().unwrap_or_default(),
            self.what,
            self.owner
        )
    }
}

/// A bridge role keeps its owner tag.
fn tag_clauses(deployment: &Deployment, doc: &Document, owner: &str) -> Vec<String> {
    let lost = format!(
        "<<the role {} lost its tag {OWNER_TAG}={} {owner}>>",
        doc.target, deployment.name
    );
    vec![
        format!("some configuration.tags[*].key == \"{OWNER_TAG}\" {lost}"),
        format!(
            "configuration.tags[ key == \"{OWNER_TAG}\" ].value == \"{}\" {lost}",
            deployment.name
        ),
    ]
}

/// A trust or inline policy (URL-encoded text in the item): present, every statement in it,
/// nothing else.
fn iam_clauses(doc: &Document, subject: &Subject) -> (&'static str, Vec<String>) {
    let name = doc.name.as_deref().unwrap_or_default();
    let (resource_type, list) = match doc.kind {
        DocumentKind::RoleTrustPolicy => ("AWS::IAM::Role", None),
        DocumentKind::RoleInlinePolicy => ("AWS::IAM::Role", Some("configuration.rolePolicyList")),
        _ => ("AWS::IAM::User", Some("configuration.userPolicyList")),
    };
    let field = match list {
        None => "configuration.assumeRolePolicyDocument".to_owned(),
        Some(list) => format!("{list}[ policyName == \"{name}\" ].policyDocument"),
    };
    let mut clauses = Vec::new();
    if let Some(list) = list {
        // A filter that matches nothing passes in Guard: presence is its own clause.
        clauses.push(format!(
            "some {list}[*].policyName == \"{name}\" <<{} is gone {}>>",
            subject.what, subject.owner
        ));
    }
    for s in &subject.statements {
        clauses.push(format!(
            "{field} == /{}/ {}",
            url_encoded_pattern(&s.to_string()),
            subject.missing(s)
        ));
    }
    clauses.push(format!(
        "{field} == /^{}$/ <<{} holds statements this deployment did not write {}>>",
        url_encoded_pattern(subject.text),
        subject.what,
        subject.owner
    ));
    (resource_type, clauses)
}

/// An access point's policy (JSON in the item): every statement in it, and in the policy of an
/// access point the deployment created, none of anyone else's.
fn access_point_clauses(deployment: &Deployment, doc: &Document, subject: &Subject) -> Vec<String> {
    let mut clauses: Vec<String> = subject
        .statements
        .iter()
        .map(|s| {
            format!(
                "some configuration.Policy.Statement[*] == {s} {}",
                subject.missing(s)
            )
        })
        .collect();
    let created = deployment
        .documents()
        .iter()
        .any(|d| d.kind == DocumentKind::AccessPoint && d.target == doc.target);
    if created {
        let sids: Vec<String> = subject
            .statements
            .iter()
            .map(|s| json!(s["Sid"].as_str().unwrap_or_default()).to_string())
            .collect();
        clauses.push(format!(
            "configuration.Policy.Statement[*].Sid IN [{}] <<{} holds a statement this deployment did not write {}>>",
            sids.join(", "),
            subject.what,
            subject.owner
        ));
    }
    clauses
}

/// A bucket or key policy (text in the item, shared with others): every statement of ours in it.
fn text_clauses(doc: &Document, subject: &Subject) -> (&'static str, Vec<String>) {
    let (resource_type, field) = if doc.kind == DocumentKind::BucketPolicy {
        (
            "AWS::S3::Bucket",
            "supplementaryConfiguration.BucketPolicy.policyText",
        )
    } else {
        ("AWS::KMS::Key", "supplementaryConfiguration.Policy")
    };
    let clauses = subject
        .statements
        .iter()
        .map(|s| {
            format!(
                "{field} == /{}/ {}",
                text_pattern(&s.to_string()),
                subject.missing(s)
            )
        })
        .collect();
    (resource_type, clauses)
}

/// The checks of one resource type as Guard policy texts, each within `POLICY_TEXT_LIMIT`: one
/// Guard rule per resource (or per part of a resource's checks), packed in order.
fn pack(deployment: &str, checks: &[Check]) -> Result<Vec<String>, ConfigExportError> {
    let mut texts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut index = 0;
    let mut by_resource: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for c in checks {
        match by_resource.last_mut() {
            Some((_, arn, clauses)) if *arn == c.arn => clauses.push(&c.clause),
            _ => by_resource.push((c.resource_type, &c.arn, vec![&c.clause])),
        }
    }
    let rule = |index: usize, resource_type: &str, arn: &str, clauses: &[&str]| {
        format!(
            "rule xacct_{index} when resourceType == \"{resource_type}\" {{\n    when ARN == \"{arn}\" {{\n{}    }}\n}}\n",
            clauses
                .iter()
                .map(|c| format!("        {c}\n"))
                .collect::<String>()
        )
    };
    for (resource_type, arn, clauses) in by_resource {
        let mut part: Vec<&str> = Vec::new();
        let mut flush = |part: &mut Vec<&str>,
                         current: &mut String,
                         index: &mut usize|
         -> Result<(), ConfigExportError> {
            if part.is_empty() {
                return Ok(());
            }
            *index += 1;
            let block = rule(*index, resource_type, arn, part);
            if block.len() > POLICY_TEXT_LIMIT {
                return Err(ConfigExportError(format!(
                    "a Guard check of {arn} (deployment {deployment}) is {} characters, more than the {POLICY_TEXT_LIMIT} AWS Config takes in a rule (CustomPolicyDetails.PolicyText): split the document's grants",
                    block.len()
                )));
            }
            if current.len() + block.len() > POLICY_TEXT_LIMIT {
                texts.push(std::mem::take(current));
            }
            current.push_str(&block);
            part.clear();
            Ok(())
        };
        for clause in clauses {
            let with = rule(
                index + 1,
                resource_type,
                arn,
                &[part.as_slice(), &[clause]].concat(),
            );
            if with.len() > POLICY_TEXT_LIMIT {
                flush(&mut part, &mut current, &mut index)?;
            }
            part.push(clause);
        }
        flush(&mut part, &mut current, &mut index)?;
    }
    if !current.is_empty() {
        texts.push(current);
    }
    Ok(texts)
}

/// A regular expression for `text` as Guard reads it between slashes: regex metacharacters
/// escaped, and `/` (which would end the literal) as `\x2F`.
fn text_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        push_literal(&mut out, c);
    }
    out
}

fn push_literal(out: &mut String, c: char) {
    match c {
        '/' => out.push_str(r"\x2F"),
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        | '#' | '&' | '-' | '~' => {
            out.push('\\');
            out.push(c);
        }
        _ => out.push(c),
    }
}

/// A regular expression for `text` URL-encoded as IAM returns documents: RFC 3986's unreserved
/// characters as they are, the JSON punctuation percent-encoded (as in `GetRole`'s documented
/// example), and any other character either way (encoders differ on `/`, `*`, `'`, `(`, `)`…).
fn url_encoded_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '_' => out.push(c),
            '-' | '.' | '~' => push_literal(&mut out, c),
            '{' | '}' | '"' | ':' | ',' | '[' | ']' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => {
                let mut bytes = [0; 4];
                let encoded: String = c
                    .encode_utf8(&mut bytes)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect();
                out.push_str("(?:");
                out.push_str(&encoded);
                out.push('|');
                if c == ' ' {
                    out.push_str(r"\+|");
                }
                push_literal(&mut out, c);
                out.push(')');
            }
        }
    }
    out
}

fn truncate(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_what_would_end_or_change_the_guard_literal() {
        assert_eq!(text_pattern("a/b.c*"), r"a\x2Fb\.c\*");
        assert_eq!(
            url_encoded_pattern("{\"a\":\"b/c\"}"),
            "%7B%22a%22%3A%22b(?:%2F|\\x2F)c%22%7D"
        );
        assert_eq!(url_encoded_pattern("a b"), r"a(?:%20|\+| )b");
    }

    #[test]
    fn packing_keeps_every_text_within_the_limit() {
        let checks: Vec<Check> = (0..400)
            .map(|i| Check {
                resource_type: "AWS::S3::Bucket",
                arn: format!("arn:aws:s3:::bucket-{}", i / 40),
                clause: format!(
                    "supplementaryConfiguration.BucketPolicy.policyText == /{}/",
                    "x".repeat(200)
                ),
            })
            .collect();
        let texts = pack("D", &checks).unwrap();
        assert!(texts.len() > 1);
        assert!(texts.iter().all(|t| t.len() <= POLICY_TEXT_LIMIT));
        let clauses: usize = texts
            .iter()
            .map(|t| t.matches("policyText ==").count())
            .sum();
        assert_eq!(clauses, 400, "no check lost in packing");
        let too_big = [Check {
            resource_type: "AWS::S3::Bucket",
            arn: "arn:aws:s3:::b".into(),
            clause: "x".repeat(POLICY_TEXT_LIMIT),
        }];
        assert!(pack("D", &too_big)
            .unwrap_err()
            .to_string()
            .contains("10000"));
    }
}
