//! `import`: the cross-account shares an account runs today, as `grants!` code, with proof that
//! the code grants what the account grants (ARCHITECTURE.md "Import").
//!
//! What is read: the access point (its bucket, the bucket's account, its network origin), its
//! policy, the bucket's policy, and the trust policy of each role the access point policy names
//! in a reachable account. What is recognised, statement by statement of the access point policy
//! ("Configuring IAM policies for using access points", S3 User Guide): `Allow` of S3 actions to
//! IAM principals on the access point (bucket-level actions, listing limited by `s3:prefix`) or
//! on `<access point>/object/<prefix>*`, with the conditions a grant has fields for
//! (`aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`, `aws:CurrentTime` before a date,
//! `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` for an everyone-in-the-organization statement).
//! A role of the access point's own account that others may assume (its trust: `sts:AssumeRole`
//! from other accounts' principals, optionally with `sts:ExternalId` and MFA) is a bridge role:
//! one grant per principal it trusts. Anything else is said, not dropped: a `Deny`, `NotPrincipal`,
//! `NotAction`, `NotResource`, a condition no grant field carries, a resource outside the access
//! point, a service principal, and `"*"` without an organization condition (flagged public).

use crate::accounts::AccountSpec;
use crate::error::DeployError;
use policy_core::eval::{evaluate, Context, PolicySet, Request, Verdict};
use policy_core::{Document, DocumentKind};
use serde_json::Value;
use std::collections::BTreeMap;

/// What was read of one access point and what decides access through it.
#[derive(Clone, Debug, Default)]
pub struct Share {
    pub access_point: String,
    pub account: String,
    pub region: String,
    pub name: String,
    pub bucket: String,
    pub bucket_account: String,
    /// Network origin `VPC`: the VPC.
    pub vpc: Option<String>,
    pub policy: Option<Value>,
    pub bucket_policy: Option<Value>,
    /// Trust policies of the roles the access point policy names, by role ARN, where read.
    pub trusts: BTreeMap<String, Value>,
    /// The customer managed KMS key the bucket encrypts new objects with (SSE-KMS), by ARN.
    pub kms_key: Option<String>,
    /// Its key policy, where its account was reachable.
    pub key_policy: Option<Value>,
}

/// One grant recognised in the live documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recognised {
    pub name: String,
    /// The statements it came from, as "statement `Sid` of the access point policy of …".
    pub sources: Vec<String>,
    pub requester: String,
    pub assume_role: Option<String>,
    pub access_point: String,
    pub bucket: String,
    pub bucket_account: Option<String>,
    pub actions: Vec<String>,
    pub prefixes: Vec<String>,
    pub external_id: Option<String>,
    pub require_mfa: bool,
    pub vpc_endpoints: Vec<String>,
    pub vpcs: Vec<String>,
    pub source_ips: Vec<String>,
    pub expires: Option<String>,
    pub access_point_vpc: Option<String>,
    pub kms_key: Option<String>,
}

/// A statement, or part of one, that no grant can carry, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unexpressed {
    pub source: String,
    pub why: String,
    /// It grants access to anyone (`"*"` without an organization condition).
    pub public: bool,
}

/// Everything `import` found in the shares.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub grants: Vec<Recognised>,
    pub unexpressed: Vec<Unexpressed>,
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

fn strings(value: &Value) -> Vec<String> {
    as_list(value)
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The conditions a grant can carry, read from a statement's `Condition`; `Err` names the first
/// one it cannot.
#[derive(Clone, Debug, Default, PartialEq)]
struct Conditions {
    listed_prefixes: Vec<String>,
    vpc_endpoints: Vec<String>,
    vpcs: Vec<String>,
    source_ips: Vec<String>,
    expires: Option<String>,
    organization: Option<String>,
    require_mfa: bool,
}

fn conditions(statement: &Value, access_point: &str) -> Result<Conditions, String> {
    let mut found = Conditions::default();
    let Some(blocks) = statement["Condition"].as_object() else {
        return Ok(found);
    };
    for (operator, keys) in blocks {
        for (key, values) in keys.as_object().into_iter().flatten() {
            let values = strings(values);
            match (operator.as_str(), key.to_ascii_lowercase().as_str()) {
                ("StringLike" | "StringEquals", "s3:prefix") => {
                    found.listed_prefixes = values
                        .iter()
                        .map(|v| v.trim_end_matches('*').to_owned())
                        .collect();
                }
                // The access point the statement is on anyway (xacct writes it in organization
                // statements so that Block Public Access never reads them as public).
                ("StringEquals", "s3:dataaccesspointarn") if values == [access_point] => {}
                ("Bool", "aws:multifactorauthpresent") if values == ["true"] => {
                    found.require_mfa = true;
                }
                ("StringEquals", "aws:sourcevpce") => found.vpc_endpoints = values,
                ("StringEquals", "aws:sourcevpc") => found.vpcs = values,
                ("IpAddress", "aws:sourceip") => found.source_ips = values,
                ("DateLessThan", "aws:currenttime") if values.len() == 1 => {
                    found.expires = values.first().cloned();
                }
                ("StringEquals", "aws:principalorgid") if values.len() == 1 => {
                    // An OU's path (below) names the organization too, more narrowly.
                    if found.organization.is_none() {
                        found.organization = values.first().cloned();
                    }
                }
                (
                    "ForAnyValue:StringLike" | "ForAnyValue:StringEquals",
                    "aws:principalorgpaths",
                ) if values.len() == 1 => {
                    found.organization = values.first().map(|v| v.trim_end_matches('*').to_owned());
                }
                _ => {
                    return Err(format!(
                        "its condition `{operator}` on `{key}` has no grant field"
                    ))
                }
            }
        }
    }
    Ok(found)
}

/// The grants and the rest of one share: each statement of the access point policy read
/// (`read_statement`), then gathered into grants (`Gathering`), given the bucket's key and named.
pub fn recognise(share: &Share) -> Imported {
    let mut imported = Imported::default();
    let Some(policy) = &share.policy else {
        return imported;
    };
    let mut gathering = Gathering::default();
    for (i, statement) in as_list(&policy["Statement"]).iter().enumerate() {
        let source = match statement["Sid"].as_str().filter(|sid| !sid.is_empty()) {
            Some(sid) => format!("statement `{sid}` of the policy of {}", share.access_point),
            None => format!(
                "statement {} of the policy of {}",
                i + 1,
                share.access_point
            ),
        };
        let mut said = Said {
            source: &source,
            list: &mut imported.unexpressed,
        };
        if let Some(read) = read_statement(share, statement, &mut said) {
            gathering.add(share, &read, &source);
        }
    }
    let mut grants = gathering.grants;
    // Reading or writing object data of an SSE-KMS bucket takes its key.
    if let Some(key) = &share.kms_key {
        for g in &mut grants {
            let moves_data = g.actions.iter().any(|a| {
                let a = a.to_ascii_lowercase();
                a.starts_with("s3:getobject") || a.starts_with("s3:putobject") || a == "s3:*"
            });
            if moves_data {
                g.kms_key = Some(key.clone());
            }
        }
    }
    name_grants(&mut grants, &share.name);
    imported.grants = grants;
    imported
}

/// Where what no grant carries is said, and of which statement.
struct Said<'a> {
    source: &'a str,
    list: &'a mut Vec<Unexpressed>,
}

impl Said<'_> {
    fn say(&mut self, why: String, public: bool) {
        self.list.push(Unexpressed {
            source: self.source.to_owned(),
            why,
            public,
        });
    }
}

/// What one `Allow` statement grants, as far as a grant can carry it.
struct Read {
    conditions: Conditions,
    actions: Vec<String>,
    prefixes: Vec<String>,
    /// On the access point itself only (no objects, no listing): any prefixes fit it.
    prefix_free: bool,
    requesters: Vec<Via>,
}

/// Reads a statement, saying what of it no grant carries; `None` when nothing of it is a
/// grant's.
fn read_statement(share: &Share, statement: &Value, said: &mut Said) -> Option<Read> {
    if statement["Effect"] != "Allow" {
        said.say("a `Deny`: grants declare what is allowed; keep it where it is or add it to the code's documents by hand".into(), false);
        return None;
    }
    if let Some(not) = ["NotPrincipal", "NotAction", "NotResource"]
        .into_iter()
        .find(|k| !statement[*k].is_null())
    {
        said.say(format!("it uses `{not}`, which no grant expresses"), false);
        return None;
    }
    let found = match conditions(statement, &share.access_point) {
        Ok(found) => found,
        Err(why) => {
            said.say(why, false);
            return None;
        }
    };
    let actions = actions_of(statement, &found, said)?;
    let (prefixes, prefix_free) = match prefixes_of(share, statement, &found, &actions) {
        Ok(read) => read,
        Err(why) => {
            said.say(why, false);
            return None;
        }
    };
    let requesters = requesters_of(share, statement, &found, said)?;
    Some(Read {
        conditions: found,
        actions,
        prefixes,
        prefix_free,
        requesters,
    })
}

/// The statement's actions a grant can carry: S3 actions an access point can serve, and under
/// an `s3:prefix` condition only listings.
fn actions_of(statement: &Value, found: &Conditions, said: &mut Said) -> Option<Vec<String>> {
    let actions = strings(&statement["Action"]);
    if let Some(other) = actions
        .iter()
        .find(|a| !a.to_ascii_lowercase().starts_with("s3:"))
    {
        said.say(format!("its action `{other}` is not an S3 action"), false);
        return None;
    }
    // An action an access point cannot serve is no grant's (Service Authorization Reference:
    // the actions with an `accesspoint` resource); the rest of the statement is.
    let (servable, unservable): (Vec<String>, Vec<String>) = actions.into_iter().partition(|a| {
        let name = &a[3..];
        name.contains(['*', '?'])
            || policy_core::service_reference::s3()
                .action(name)
                .is_some_and(|x| x.access_point_can_serve())
    });
    if !unservable.is_empty() {
        said.say(
            format!(
                "an access point cannot serve {} (not an S3 action on access points)",
                unservable.join(", ")
            ),
            false,
        );
    }
    if servable.is_empty() {
        return None;
    }
    if found.listed_prefixes.is_empty() {
        return Some(servable);
    }
    // `s3:prefix` is in listing requests only: under that condition no other action ever
    // applies (a string condition on a key the request lacks is false).
    let (listing, dead): (Vec<String>, Vec<String>) = servable
        .into_iter()
        .partition(|a| a.to_ascii_lowercase().starts_with("s3:listbucket"));
    if !dead.is_empty() {
        said.say(
            format!(
                "its {} never apply: they are under an `s3:prefix` condition, which only listing requests carry (nothing to import for them)",
                dead.join(", ")
            ),
            false,
        );
    }
    (!listing.is_empty()).then_some(listing)
}

/// The prefixes, from the resources (objects) and the listing condition (the access point), and
/// whether the statement is on the access point itself only; `Err` names a resource that is no
/// grant's.
fn prefixes_of(
    share: &Share,
    statement: &Value,
    found: &Conditions,
    actions: &[String],
) -> Result<(Vec<String>, bool), String> {
    let resources = strings(&statement["Resource"]);
    let mut prefixes: Vec<String> = Vec::new();
    for resource in &resources {
        if *resource == share.access_point {
            prefixes.extend(found.listed_prefixes.iter().cloned());
        } else if let Some(rest) = resource.strip_prefix(&format!("{}/object/", share.access_point))
        {
            let prefix = rest.trim_end_matches('*');
            if prefix.contains(['*', '?']) || (!rest.ends_with('*') && !rest.is_empty()) {
                return Err(format!(
                    "its resource `{resource}` is one object or a pattern, not a prefix"
                ));
            }
            prefixes.push(prefix.to_owned());
        } else {
            return Err(format!(
                "its resource `{resource}` is not this access point or its objects"
            ));
        }
    }
    let prefix_free = !resources.iter().any(|r| r.contains("/object/"))
        && found.listed_prefixes.is_empty()
        && !actions
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("s3:listbucket"));
    prefixes.retain(|p| !p.is_empty());
    prefixes.sort();
    prefixes.dedup();
    Ok((prefixes, prefix_free))
}

/// Who the statement grants: its principals (through a bridge role where one is), or everyone in
/// an organization; `None` when no one a grant can name.
fn requesters_of(
    share: &Share,
    statement: &Value,
    found: &Conditions,
    said: &mut Said,
) -> Option<Vec<Via>> {
    let principal = &statement["Principal"];
    if principal == "*" || principal["AWS"] == "*" {
        return match &found.organization {
            Some(org) => Some(vec![Via::direct(org)]),
            None => {
                said.say("it allows everyone (`\"*\"`) with no organization condition: this access is PUBLIC; no grant declares it".into(), true);
                None
            }
        };
    }
    if !principal["Service"].is_null() || !principal["Federated"].is_null() {
        said.say("it names a service or federated principal; grants are for IAM principals and organizations".into(), false);
        return None;
    }
    let mut out = Vec::new();
    for p in strings(&principal["AWS"]) {
        // An account (its id or root): every principal of it its own policies allow.
        if let Some(root) = account_root(&p, partition_of(&share.access_point)) {
            out.push(Via::direct(&root));
            continue;
        }
        out.extend(bridged(share, &p, said.source, said.list));
    }
    Some(out)
}

/// The grants being gathered from the statements, and whether each has only statements on the
/// access point itself so far.
#[derive(Default)]
struct Gathering {
    grants: Vec<Recognised>,
    prefix_free: Vec<bool>,
}

impl Gathering {
    /// Adds a statement's access to the grant of the same requester, bridge role and conditions
    /// (and prefixes, unless one side is on the access point itself only), or a new grant.
    fn add(&mut self, share: &Share, read: &Read, source: &str) {
        let found = &read.conditions;
        for via in &read.requesters {
            let expires = found.expires.clone().or(via.expires.clone());
            let require_mfa = via.require_mfa || found.require_mfa;
            let same = self.grants.iter().position(|g| {
                g.requester == via.requester
                    && g.assume_role == via.assume_role
                    && g.external_id == via.external_id
                    && g.require_mfa == require_mfa
                    && g.vpc_endpoints == found.vpc_endpoints
                    && g.vpcs == found.vpcs
                    && g.source_ips == found.source_ips
                    && g.expires == expires
            });
            let same = same.filter(|&i| {
                self.grants[i].prefixes == read.prefixes || read.prefix_free || self.prefix_free[i]
            });
            let i = match same {
                Some(i) => {
                    if self.prefix_free[i] && !read.prefix_free {
                        self.grants[i].prefixes = read.prefixes.clone();
                        self.prefix_free[i] = false;
                    }
                    i
                }
                None => {
                    self.prefix_free.push(read.prefix_free);
                    self.grants.push(Recognised {
                        requester: via.requester.clone(),
                        assume_role: via.assume_role.clone(),
                        access_point: share.access_point.clone(),
                        bucket: share.bucket.clone(),
                        bucket_account: (share.bucket_account != share.account)
                            .then(|| share.bucket_account.clone()),
                        prefixes: read.prefixes.clone(),
                        external_id: via.external_id.clone(),
                        require_mfa,
                        vpc_endpoints: found.vpc_endpoints.clone(),
                        vpcs: found.vpcs.clone(),
                        source_ips: found.source_ips.clone(),
                        expires,
                        access_point_vpc: share.vpc.clone(),
                        ..Recognised::default()
                    });
                    self.grants.len() - 1
                }
            };
            let grant = &mut self.grants[i];
            for action in &read.actions {
                if !grant.actions.contains(action) {
                    grant.actions.push(action.clone());
                }
            }
            if !grant.sources.iter().any(|s| s == source) {
                grant.sources.push(source.to_owned());
            }
        }
    }
}

/// The requesters behind a principal of the access point policy: the principals a bridge role
/// of the access point's account trusts (with the trust's external id and MFA), else the
/// principal itself.
fn bridged(
    share: &Share,
    principal: &str,
    source: &str,
    unexpressed: &mut Vec<Unexpressed>,
) -> Vec<Via> {
    // A bridge role lives beside the data: in the access point's or the bucket's account.
    let account = principal.split(':').nth(4).unwrap_or_default();
    let beside = account == share.account || account == share.bucket_account;
    let Some(trust) = share.trusts.get(principal).filter(|_| beside) else {
        return vec![Via::direct(principal)];
    };
    let mut out = Vec::new();
    // Whether some statement lets others assume it (kept or said).
    let mut trusted = false;
    for (i, statement) in as_list(&trust["Statement"]).iter().enumerate() {
        let label = format!(
            "{} of the trust policy of {principal} (behind {source})",
            statement["Sid"].as_str().map_or_else(
                || format!("statement {}", i + 1),
                |s| format!("statement `{s}`")
            )
        );
        let assumes = strings(&statement["Action"])
            .iter()
            .any(|a| a.eq_ignore_ascii_case("sts:AssumeRole"));
        if statement["Effect"] != "Allow" || !assumes {
            continue;
        }
        let mut external_id = None;
        let mut require_mfa = false;
        let mut expires = None;
        let mut refused = None;
        for (operator, keys) in statement["Condition"].as_object().into_iter().flatten() {
            for (key, values) in keys.as_object().into_iter().flatten() {
                match (operator.as_str(), key.to_ascii_lowercase().as_str()) {
                    ("StringEquals", "sts:externalid") => {
                        external_id = strings(values).first().cloned()
                    }
                    ("Bool", "aws:multifactorauthpresent") if strings(values) == ["true"] => {
                        require_mfa = true
                    }
                    ("DateLessThan", "aws:currenttime") => {
                        expires = strings(values).first().cloned()
                    }
                    _ => {
                        refused = Some(format!(
                            "its condition `{operator}` on `{key}` has no grant field"
                        ))
                    }
                }
            }
        }
        if let Some(why) = refused {
            unexpressed.push(Unexpressed {
                source: label,
                why,
                public: false,
            });
            trusted = true;
            continue;
        }
        for p in strings(&statement["Principal"]["AWS"]) {
            if account_root(&p, partition_of(&share.access_point)).is_some() {
                unexpressed.push(Unexpressed {
                    source: label.clone(),
                    why: format!("it lets the whole account {p} assume the role: grants name one role or user"),
                    public: false,
                });
                continue;
            }
            out.push(Via {
                requester: p,
                assume_role: Some(principal.to_owned()),
                external_id: external_id.clone(),
                require_mfa,
                expires: expires.clone(),
            });
        }
        trusted = true;
    }
    if out.is_empty() && !trusted {
        // No one else may assume it: the role itself is the requester.
        out.push(Via::direct(principal));
    }
    out
}

/// How a requester reaches the access point: directly, or through a bridge role it assumes.
#[derive(Clone, Debug, PartialEq)]
struct Via {
    requester: String,
    assume_role: Option<String>,
    external_id: Option<String>,
    require_mfa: bool,
    /// The trust's own expiry.
    expires: Option<String>,
}

impl Via {
    fn direct(principal: &str) -> Via {
        Via {
            requester: principal.to_owned(),
            assume_role: None,
            external_id: None,
            require_mfa: false,
            expires: None,
        }
    }
}

/// The root ARN of an account named as a principal (its id, in `partition`, or its root ARN).
fn account_root(principal: &str, partition: &str) -> Option<String> {
    if principal.len() == 12 && principal.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!("arn:{partition}:iam::{principal}:root"));
    }
    policy_core::Principal::parse(principal)
        .ok()
        .filter(|p| p.kind == policy_core::PrincipalKind::Root)
        .map(|p| p.arn())
}

fn partition_of(arn: &str) -> &str {
    policy_core::RawArn::split(arn).map_or("aws", |a| a.partition)
}

/// `<who>_reads_<access point>` (or `_writes_`), snake case, unique.
fn name_grants(grants: &mut [Recognised], access_point: &str) {
    let snake = |text: &str| {
        let mut out = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_matches('_').to_owned()
    };
    let mut taken: Vec<String> = Vec::new();
    for g in grants.iter_mut() {
        let who = g
            .requester
            .rsplit(['/', ':'])
            .find(|p| !p.is_empty())
            .unwrap_or("someone");
        let who = if who == "root" {
            format!(
                "account_{}",
                g.requester.split(':').nth(4).unwrap_or_default()
            )
        } else {
            snake(who)
        };
        let reads = g.actions.iter().all(|a| {
            let a = a.to_ascii_lowercase();
            a.starts_with("s3:get") || a.starts_with("s3:list")
        });
        let base = format!(
            "{who}_{}_{}",
            if reads { "reads" } else { "uses" },
            snake(access_point)
        );
        let mut name = if base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("g_{base}")
        } else {
            base
        };
        let stem = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{stem}_{n}");
            n += 1;
        }
        taken.push(name.clone());
        g.name = name;
    }
}

/// The `grants!` block, formatted as rustfmt would, with what no grant can carry as comments.
pub fn to_code(static_name: &str, imported: &Imported) -> String {
    let quoted = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("xacct::grants! {\n");
    out.push_str("    /// Imported with `import` from the live documents.\n");
    out.push_str(&format!("    pub static {static_name} = {{\n"));
    for g in &imported.grants {
        for source in &g.sources {
            out.push_str(&format!("        /// From {source}.\n"));
        }
        out.push_str(&format!("        grant {} {{\n", g.name));
        let mut field =
            |name: &str, value: String| out.push_str(&format!("            {name}: {value},\n"));
        field("requester", format!("{:?}", g.requester));
        if let Some(role) = &g.assume_role {
            field("assume_role", format!("{role:?}"));
        }
        field("access_point", format!("{:?}", g.access_point));
        field("bucket", format!("{:?}", g.bucket));
        if let Some(account) = &g.bucket_account {
            field("bucket_account", format!("{account:?}"));
        }
        field("actions", format!("[{}]", g.actions.join(", ")));
        if !g.prefixes.is_empty() {
            field("prefixes", format!("[{}]", quoted(&g.prefixes)));
        }
        if g.require_mfa {
            field("require_mfa", "true".into());
        }
        if let Some(id) = &g.external_id {
            field("external_id", format!("{id:?}"));
        }
        if !g.vpc_endpoints.is_empty() {
            field("vpc_endpoints", format!("[{}]", quoted(&g.vpc_endpoints)));
        }
        if !g.vpcs.is_empty() {
            field("vpcs", format!("[{}]", quoted(&g.vpcs)));
        }
        if !g.source_ips.is_empty() {
            field("source_ips", format!("[{}]", quoted(&g.source_ips)));
        }
        if let Some(expires) = &g.expires {
            field("expires", format!("{expires:?}"));
        }
        if let Some(vpc) = &g.access_point_vpc {
            field("access_point_vpc", format!("{vpc:?}"));
        }
        if let Some(key) = &g.kms_key {
            field("kms_key", format!("{key:?}"));
        }
        out.push_str("        }\n");
    }
    for u in &imported.unexpressed {
        out.push_str(&format!(
            "        // Not imported{}: {} — {}.\n",
            if u.public { " (PUBLIC)" } else { "" },
            u.source,
            u.why
        ));
    }
    out.push_str("    };\n}\n");
    out
}

/// The grants as the macro's input, for the same checks and documents as compiled code.
pub fn to_input(static_name: &str, imported: &Imported) -> policy_core::DeploymentInput {
    use policy_core::{GrantInput, Loc, Spanned};
    let one = |t: &str| Some(Spanned::new(t.to_owned(), Loc::UNKNOWN));
    let many = |v: &[String]| {
        (!v.is_empty()).then(|| {
            Spanned::new(
                v.iter()
                    .map(|s| Spanned::new(s.clone(), Loc::UNKNOWN))
                    .collect(),
                Loc::UNKNOWN,
            )
        })
    };
    policy_core::DeploymentInput {
        name: Spanned::new(static_name.to_owned(), Loc::UNKNOWN),
        doc: String::new(),
        grants: imported
            .grants
            .iter()
            .map(|g| GrantInput {
                name: Spanned::new(g.name.clone(), Loc::UNKNOWN),
                doc: g.sources.join("; "),
                requester: one(&g.requester),
                assume_role: g.assume_role.as_deref().and_then(one),
                access_point: one(&g.access_point),
                bucket: one(&g.bucket),
                bucket_account: g.bucket_account.as_deref().and_then(one),
                actions: many(&g.actions),
                prefixes: many(&g.prefixes),
                require_mfa: g.require_mfa.then(|| Spanned::new(true, Loc::UNKNOWN)),
                external_id: g.external_id.as_deref().and_then(one),
                vpc_endpoints: many(&g.vpc_endpoints),
                vpcs: many(&g.vpcs),
                source_ips: many(&g.source_ips),
                expires: g.expires.as_deref().and_then(one),
                access_point_vpc: g.access_point_vpc.as_deref().and_then(one),
                kms_key: g.kms_key.as_deref().and_then(one),
                ..GrantInput::default()
            })
            .collect(),
    }
}

/// The live documents of the shares, as the evaluator reads them.
pub fn live_documents(shares: &[Share]) -> Vec<Document> {
    let doc = |account: &str, kind, target: &str, name: Option<&str>, policy: &Value| Document {
        account: account.to_owned().into(),
        kind,
        target: target.to_owned().into(),
        name: name.map(|n| n.to_owned().into()),
        policy: Some(policy.to_string().into()),
        bucket: None,
        bucket_account: None,
        region: None,
        path: None,
        vpc: None,
        grants: Vec::new().into(),
    };
    let mut docs = Vec::new();
    for s in shares {
        // The access point itself: which bucket, whose, reachable from where.
        docs.push(Document {
            account: s.account.clone().into(),
            kind: DocumentKind::AccessPoint,
            target: s.access_point.clone().into(),
            name: Some(s.name.clone().into()),
            policy: None,
            bucket: Some(s.bucket.clone().into()),
            bucket_account: Some(s.bucket_account.clone().into()),
            region: Some(s.region.clone().into()),
            path: None,
            vpc: s.vpc.clone().map(Into::into),
            grants: Vec::new().into(),
        });
        if let Some(p) = &s.policy {
            docs.push(doc(
                &s.account,
                DocumentKind::AccessPointPolicy,
                &s.access_point,
                Some(&s.name),
                p,
            ));
        }
        if let Some(p) = &s.bucket_policy {
            let arn = format!("arn:aws:s3:::{}", s.bucket);
            if !docs.iter().any(|d: &Document| d.target.as_ref() == arn) {
                docs.push(doc(
                    &s.bucket_account,
                    DocumentKind::BucketPolicy,
                    &arn,
                    Some(&s.bucket),
                    p,
                ));
            }
        }
        if let (Some(key), Some(policy)) = (&s.kms_key, &s.key_policy) {
            if !docs.iter().any(|d: &Document| d.target.as_ref() == key) {
                let account = key.split(':').nth(4).unwrap_or_default();
                let mut d = doc(account, DocumentKind::KeyPolicy, key, None, policy);
                d.region = key.split(':').nth(3).map(|r| r.to_owned().into());
                docs.push(d);
            }
        }
        for (role, trust) in &s.trusts {
            if !docs.iter().any(|d: &Document| d.target.as_ref() == role) {
                let account = role.split(':').nth(4).unwrap_or_default();
                docs.push(doc(
                    account,
                    DocumentKind::RoleTrustPolicy,
                    role,
                    None,
                    trust,
                ));
            }
        }
    }
    docs
}

/// Every request of the proof's kind whose decision differs between the live documents and the
/// documents the imported grants render: each S3 action either side names and the common ones,
/// inside and outside each prefix, by each requester, bridge role and a stranger, with each
/// network and time condition met and not; and `sts:AssumeRole` on each bridge role with and
/// without its external id and MFA. Compared on the resource side (access point, bucket and
/// trust policies): identity policies are each requester's own and taken to allow.
/// The requests compared, those the account allows, and those decided differently.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub requests: usize,
    pub allowed: usize,
    pub differences: Vec<String>,
}

pub fn differences(
    shares: &[Share],
    imported: &Imported,
    rendered: &[Document],
) -> Result<Comparison, String> {
    compare(shares, imported, rendered, None)
}

/// [`differences`], with the identity side where it was read: the requesters' and bridge roles'
/// own policies and boundaries (`identities`) on both sides, and on the code's the identity
/// policies it renders besides.
fn compare(
    shares: &[Share],
    imported: &Imported,
    rendered: &[Document],
    identities: Option<&crate::layers::Layers>,
) -> Result<Comparison, String> {
    let build = |docs: &[Document], own_identities: bool| -> Result<PolicySet, String> {
        let kept: Vec<Document> = docs
            .iter()
            .filter(|d| match d.kind {
                DocumentKind::AccessPoint
                | DocumentKind::AccessPointPolicy
                | DocumentKind::BucketPolicy
                | DocumentKind::KeyPolicy
                | DocumentKind::RoleTrustPolicy => true,
                DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy => {
                    own_identities && identities.is_some()
                }
                DocumentKind::Role => false,
            })
            .cloned()
            .collect();
        let mut set = PolicySet::from_documents(&kept).map_err(|p| p.message.clone())?;
        // Whoever's policies were not read (an account not reachable) is taken to allow.
        set.assume_unknown_identities_allow = true;
        for s in shares {
            set.set_bucket_owner(&s.bucket, &s.bucket_account);
        }
        if let Some(layers) = identities {
            layers.clone().add_to(&mut set).map_err(|e| e.to_string())?;
        }
        Ok(set)
    };
    let live = build(&live_documents(shares), false)?;
    let code = build(rendered, true)?;
    let mut found = Vec::new();
    let (mut requests, mut allowed) = (0, 0);
    let mut judge = |request: Request| {
        let (a, b) = (
            evaluate(&live, &request).verdict,
            evaluate(&code, &request).verdict,
        );
        requests += 1;
        allowed += usize::from(a == Verdict::Allow);
        let said = |v: &Verdict| match v {
            Verdict::Allow => "allows",
            _ => "does not allow",
        };
        if (a == Verdict::Allow) != (b == Verdict::Allow) {
            found.push(format!(
                "{} by {} on {}{}: the account {}, the code {}",
                request.action,
                request.principal,
                request.resource,
                if request.context.is_empty() {
                    String::new()
                } else {
                    format!(" with {:?}", request.context)
                },
                said(&a),
                said(&b)
            ));
        }
    };
    for request in request_space(shares, imported) {
        judge(request);
    }
    found.dedup();
    Ok(Comparison {
        requests,
        allowed,
        differences: found,
    })
}

/// The requests `differences` decides on both sides: each S3 action either side names and the
/// common ones on the resources it takes, inside and outside each prefix, by each requester,
/// bridge role, a stranger and an organization member inside and outside the OU, with each
/// condition met and not and `s3:prefix` on listings; KMS through S3 for each grant's objects;
/// `sts:AssumeRole` on each bridge role with and without its external id and MFA.
fn request_space(shares: &[Share], imported: &Imported) -> Vec<Request> {
    let mut out = s3_requests(shares, imported);
    out.extend(kms_requests(imported));
    out.extend(assume_requests(imported));
    out
}

/// S3 requests: each action on the resources it takes, by each caller, in each context.
fn s3_requests(shares: &[Share], imported: &Imported) -> Vec<Request> {
    let mut out = Vec::new();
    let mut actions: Vec<String> = [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "s3:GetObjectVersion",
    ]
    .map(str::to_owned)
    .to_vec();
    for g in &imported.grants {
        for a in &g.actions {
            if !a.contains('*') && !actions.contains(a) {
                actions.push(a.clone());
            }
        }
    }
    let (principals, contexts) = callers_and_contexts(imported);
    let resources = resources_of(shares, imported);
    // Each action on the resources it takes (objects, or the access point itself), and
    // `s3:prefix` only where a listing carries it.
    let on_objects = |action: &str| {
        let name = action.trim_start_matches("s3:");
        policy_core::service_reference::s3()
            .action(name)
            .map_or(!name.starts_with("List"), |a| a.has_resource_type("object"))
    };
    for principal in &principals {
        for action in &actions {
            let objects = on_objects(action);
            for resource in resources
                .iter()
                .filter(|r| r.contains("/object/") == objects)
            {
                for context in contexts
                    .iter()
                    .filter(|c| !objects || c.iter().all(|(k, _)| k != "s3:prefix"))
                {
                    out.push(Request {
                        principal: principal.clone(),
                        action: action.clone(),
                        resource: resource.clone(),
                        context: context_of(context),
                    });
                }
            }
        }
    }
    out
}

/// Who asks (each requester or bridge role, a stranger, an organization member) and in which
/// contexts (each grant's conditions met, inside and outside its OU, listings inside and outside
/// each prefix, before and after every expiry).
fn callers_and_contexts(imported: &Imported) -> (Vec<String>, Vec<Vec<(String, String)>>) {
    let mut principals: Vec<String> = vec!["arn:aws:iam::999999999999:role/someone-else".into()];
    let mut contexts: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for g in &imported.grants {
        add_callers(g, &mut principals);
        for with in condition_variants(g, &mut principals) {
            if !with.is_empty() && !contexts.contains(&with) {
                contexts.push(with);
            }
        }
    }
    let contexts = with_listings(imported, contexts);
    (principals, with_expiries(imported, contexts))
}

/// Who a grant names: its bridge role or requester, and for a grant to an account, a principal
/// of it too (in the account's partition).
fn add_callers(g: &Recognised, principals: &mut Vec<String>) {
    let who = g.assume_role.clone().unwrap_or_else(|| g.requester.clone());
    if let Some(root) = policy_core::Principal::parse(&who)
        .ok()
        .filter(|p| p.kind == policy_core::PrincipalKind::Root)
    {
        let member = format!(
            "arn:{}:iam::{}:role/xacct-import-member",
            root.partition, root.account
        );
        if !principals.contains(&member) {
            principals.push(member);
        }
    }
    if !who.starts_with("o-") && !principals.contains(&who) {
        principals.push(who);
    }
}

/// The contexts that meet the grant's conditions; for an organization, a member under the
/// grant's OU and one under another, each with the grant's other conditions met (the member is
/// added to `principals`).
fn condition_variants(g: &Recognised, principals: &mut Vec<String>) -> Vec<Vec<(String, String)>> {
    let mut met = Vec::new();
    if let Some(v) = g.vpc_endpoints.first() {
        met.push(("aws:SourceVpce".to_owned(), v.clone()));
    }
    if let Some(v) = g.vpcs.first().or(g.access_point_vpc.as_ref()) {
        met.push(("aws:SourceVpc".to_owned(), v.clone()));
    }
    if let Some(v) = g.source_ips.first() {
        met.push((
            "aws:SourceIp".to_owned(),
            v.split('/').next().unwrap_or_default().to_owned(),
        ));
    }
    if g.require_mfa {
        met.push(("aws:MultiFactorAuthPresent".to_owned(), "true".to_owned()));
    }
    let Some(org) = g.requester.strip_prefix("o-").map(|_| g.requester.clone()) else {
        return vec![met];
    };
    let id = org.split('/').next().unwrap_or_default().to_owned();
    let root = org
        .split('/')
        .nth(1)
        .filter(|r| !r.is_empty())
        .unwrap_or("r-0000")
        .to_owned();
    let member = "arn:aws:iam::777777777777:role/member".to_owned();
    if !principals.contains(&member) {
        principals.push(member);
    }
    let under = if org.ends_with('/') {
        format!("{org}ou-child-0000/")
    } else {
        format!("{id}/{root}/ou-any-00000000/")
    };
    [under, format!("{id}/{root}/ou-elsewhere-0000/")]
        .into_iter()
        .map(|path| {
            let mut with = met.clone();
            with.push(("aws:PrincipalOrgID".to_owned(), id.clone()));
            with.push(("aws:PrincipalOrgPaths".to_owned(), path));
            with
        })
        .collect()
}

/// Each context again with a listing inside each prefix and outside all of them.
fn with_listings(
    imported: &Imported,
    contexts: Vec<Vec<(String, String)>>,
) -> Vec<Vec<(String, String)>> {
    let mut listed: Vec<String> = imported
        .grants
        .iter()
        .flat_map(|g| g.prefixes.clone())
        .collect();
    listed.sort();
    listed.dedup();
    listed.push("elsewhere/".into());
    contexts
        .into_iter()
        .flat_map(|c| {
            let mut out = vec![c.clone()];
            out.extend(listed.iter().map(|p| {
                let mut c = c.clone();
                c.push(("s3:prefix".to_owned(), p.clone()));
                c
            }));
            out
        })
        .collect()
}

/// Each context before and after every expiry, when a grant has one.
fn with_expiries(
    imported: &Imported,
    contexts: Vec<Vec<(String, String)>>,
) -> Vec<Vec<(String, String)>> {
    if !imported.grants.iter().any(|g| g.expires.is_some()) {
        return contexts;
    }
    contexts
        .into_iter()
        .flat_map(|c| {
            ["2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"].map(|t| {
                let mut c = c.clone();
                c.push(("aws:CurrentTime".to_owned(), t.to_owned()));
                c
            })
        })
        .collect()
}

/// The access points, a place outside every prefix, each place a live statement names, each
/// grant's prefixes.
fn resources_of(shares: &[Share], imported: &Imported) -> Vec<String> {
    let mut resources: Vec<String> = Vec::new();
    for s in shares {
        resources.push(s.access_point.clone());
        resources.push(format!("{}/object/elsewhere/file", s.access_point));
        // Every place a live statement names, imported or not.
        for statement in s.policy.iter().flat_map(|p| as_list(&p["Statement"])) {
            for resource in strings(&statement["Resource"]) {
                if resource.starts_with(&s.access_point) {
                    resources.push(resource.replace('*', "file"));
                }
            }
        }
    }
    resources.sort();
    for g in &imported.grants {
        for p in &g.prefixes {
            resources.push(format!("{}/object/{p}file", g.access_point));
        }
        if g.prefixes.is_empty() {
            resources.push(format!("{}/object/file", g.access_point));
        }
    }
    resources.dedup();
    resources
}

/// KMS through S3 for each grant's objects, inside each prefix and outside.
fn kms_requests(imported: &Imported) -> Vec<Request> {
    let mut out = Vec::new();
    // The bucket's key, as S3 uses it for each grant's objects: inside each prefix and outside.
    for g in imported.grants.iter().filter(|g| g.kms_key.is_some()) {
        let key = g.kms_key.clone().unwrap_or_default();
        let region = g.access_point.split(':').nth(3).unwrap_or_default();
        let who = g.assume_role.clone().unwrap_or_else(|| g.requester.clone());
        let mut objects: Vec<String> = g
            .prefixes
            .iter()
            .map(|p| format!("arn:aws:s3:::{}/{p}file", g.bucket))
            .collect();
        objects.push(format!("arn:aws:s3:::{}/elsewhere/file", g.bucket));
        for caller in [
            who,
            "arn:aws:iam::999999999999:role/someone-else".to_owned(),
        ] {
            for action in ["kms:Decrypt", "kms:GenerateDataKey"] {
                for object in &objects {
                    out.push(Request {
                        principal: caller.clone(),
                        action: action.into(),
                        resource: key.clone(),
                        context: context_of(&[
                            (
                                "kms:ViaService".into(),
                                format!("s3.{region}.amazonaws.com"),
                            ),
                            ("kms:EncryptionContext:aws:s3:arn".into(), object.clone()),
                        ]),
                    });
                }
            }
        }
    }
    out
}

/// `sts:AssumeRole` on each bridge role by its requester and a stranger, with and without the
/// external id and MFA.
fn assume_requests(imported: &Imported) -> Vec<Request> {
    let mut out = Vec::new();
    for g in imported.grants.iter().filter(|g| g.assume_role.is_some()) {
        let role = g.assume_role.clone().unwrap_or_default();
        for caller in [
            g.requester.clone(),
            "arn:aws:iam::999999999999:role/someone-else".to_owned(),
        ] {
            let mut with: Vec<(String, String)> = Vec::new();
            if let Some(id) = &g.external_id {
                with.push(("sts:ExternalId".into(), id.clone()));
            }
            if g.require_mfa {
                with.push(("aws:MultiFactorAuthPresent".into(), "true".into()));
            }
            for context in [Vec::new(), with] {
                out.push(Request {
                    principal: caller.clone(),
                    action: "sts:AssumeRole".into(),
                    resource: role.clone(),
                    context: context_of(&context),
                });
            }
        }
    }
    out
}

fn context_of(pairs: &[(String, String)]) -> Context {
    pairs
        .iter()
        .map(|(k, v)| (k.clone(), vec![v.clone()]))
        .collect()
}

/// The access points on `bucket` in `region` of every account `specs` name (S3 Control lists
/// an account's own access points, whichever account owns the bucket).
pub async fn access_points_of(
    bucket: &str,
    region: &str,
    specs: &[AccountSpec],
    timeout: std::time::Duration,
) -> Result<Vec<String>, DeployError> {
    policy_core::check_bucket_name(bucket).map_err(|p| DeployError::Argument {
        argument: format!("--bucket {bucket}"),
        reason: p.message.clone(),
        help: "name the bucket whose access points to import",
    })?;
    let ids: Vec<&str> = specs.iter().map(|s| s.account.as_str()).collect();
    if ids.is_empty() {
        return Err(DeployError::Argument {
            argument: format!("--bucket {bucket}"),
            reason: "no account to look in".into(),
            help: "pass --account ID=… for each account whose access points to import",
        });
    }
    let connected = crate::accounts::connect(&ids, specs, timeout).await?;
    let aws = crate::aws::Aws::new(connected, crate::DEFAULT_CONCURRENCY);
    let mut arns = Vec::new();
    for id in ids {
        arns.extend(aws.list_access_points(id, region, bucket).await?);
    }
    Ok(arns)
}

/// What `read_shares` read, and the connection to read more with.
#[derive(Debug)]
pub struct Source {
    pub shares: Vec<Share>,
    /// What could not be read, and what that means for the comparison.
    pub notes: Vec<String>,
    aws: crate::aws::Aws,
}

impl Source {
    /// [`differences`] with the identity side too: the own policies and boundaries of each
    /// requester and bridge role of `rendered` (the imported grants, built) in a reachable
    /// account, as `verify` reads them.
    pub async fn compare(
        &self,
        imported: &Imported,
        rendered: &policy_core::Deployment,
    ) -> Result<Comparison, DeployError> {
        let identities =
            crate::layers::read(&self.aws, rendered, crate::DEFAULT_CONCURRENCY).await?;
        compare(
            &self.shares,
            imported,
            rendered.documents(),
            Some(&identities),
        )
        .map_err(|message| DeployError::Unreadable(policy_core::Problem::new(message)))
    }
}

/// An answer's policy text as JSON; a text that is not JSON stops the import, naming the
/// account, the resource and the call that read it.
fn json(
    (account, resource, operation): (&str, &str, &'static str),
    text: Option<String>,
) -> Result<Option<Value>, DeployError> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| DeployError::Aws {
            context: crate::error::Context {
                account: account.to_owned(),
                resource: resource.to_owned(),
                operation,
            },
            code: "MalformedAnswer".into(),
            message: format!(
                "the policy AWS returned is not JSON ({e}); fix it by hand, then import again"
            ),
        })
    })
    .transpose()
}

/// One access point with what decides access through it.
async fn read_share(
    aws: &crate::aws::Aws,
    (arn, account, region, name): (String, String, String, String),
    notes: &mut Vec<String>,
) -> Result<Share, DeployError> {
    let Some(ap) = aws.get_access_point(&account, &region, &name, &arn).await? else {
        return Err(DeployError::Argument {
            argument: format!("--access-point {arn}"),
            reason: format!("account {account} has no access point {name} in {region}"),
            help: "check the name, the account and the region",
        });
    };
    let bucket_account = ap.bucket_account.clone().unwrap_or_else(|| account.clone());
    let policy = json(
        (&account, &arn, "s3:GetAccessPointPolicy"),
        aws.get_access_point_policy(&account, &region, &name, &arn)
            .await?,
    )?;
    let bucket_arn = format!("arn:aws:s3:::{}", ap.bucket);
    let bucket_policy = if aws.has_account(&bucket_account) {
        json(
            (&bucket_account, &bucket_arn, "s3:GetBucketPolicy"),
            aws.get_bucket_policy(&bucket_account, &region, &ap.bucket, &bucket_arn)
                .await?,
        )?
    } else {
        notes.push(format!("the bucket {} is in account {bucket_account}, not reachable: its policy was not read, and the comparison takes it to delegate to the access point (pass --account {bucket_account}=… to read it)", ap.bucket));
        None
    };
    // An SSE-KMS bucket's own key (a customer managed key named by ARN) and its policy.
    let mut kms_key = None;
    let mut key_policy = None;
    if aws.has_account(&bucket_account) {
        let settings = aws
            .bucket_settings(&bucket_account, &region, &ap.bucket)
            .await?;
        if let Some((algorithm, Some(key))) = settings.encryption {
            if algorithm.starts_with("aws:kms") && key.contains(":key/") {
                let key_account = key.split(':').nth(4).unwrap_or_default().to_owned();
                let key_region = key.split(':').nth(3).unwrap_or_default().to_owned();
                if aws.has_account(&key_account) {
                    key_policy = json(
                        (&key_account, &key, "kms:GetKeyPolicy"),
                        aws.get_key_policy(&key_account, &key_region, &key).await?,
                    )?;
                } else {
                    notes.push(format!("the key {key} of bucket {} is in account {key_account}, not reachable: its policy was not read (pass --account {key_account}=…)", ap.bucket));
                }
                kms_key = Some(key);
            } else if algorithm.starts_with("aws:kms") {
                notes.push(format!(
                    "the bucket {} encrypts with {}: name the key by ARN in each grant's `kms_key`",
                    ap.bucket, key
                ));
            }
        }
    }
    let mut trusts = BTreeMap::new();
    let principals: Vec<String> = policy
        .iter()
        .flat_map(|p| as_list(&p["Statement"]))
        .flat_map(|s| strings(&s["Principal"]["AWS"]))
        .filter(|p| p.contains(":role/"))
        .collect();
    for role in principals {
        let role_account = role.split(':').nth(4).unwrap_or_default().to_owned();
        if trusts.contains_key(&role) || !aws.has_account(&role_account) {
            continue;
        }
        if let Some(live) = aws.get_role(&role_account, &role).await? {
            if let Some(trust) = json((&role_account, &role, "iam:GetRole"), Some(live.trust))? {
                trusts.insert(role, trust);
            }
        }
    }
    Ok(Share {
        access_point: arn,
        account,
        region,
        name,
        bucket: ap.bucket,
        bucket_account,
        vpc: ap.vpc,
        policy,
        bucket_policy,
        trusts,
        kms_key,
        key_policy,
    })
}

/// Reads each access point, its policy, its bucket's policy (and an SSE-KMS bucket's key policy)
/// and the trust of the roles its policy names, in the accounts `specs` reach (the access points'
/// accounts always). Answers are input: a policy that is not JSON stops the import, naming it.
pub async fn read_shares(
    access_points: &[String],
    specs: &[AccountSpec],
    timeout: std::time::Duration,
) -> Result<Source, DeployError> {
    let mut notes = Vec::new();
    let mut accounts: Vec<String> = Vec::new();
    let mut parsed = Vec::new();
    for arn in access_points {
        let bad = |reason: &str| DeployError::Argument {
            argument: format!("--access-point {arn}"),
            reason: reason.to_owned(),
            help: "name it by ARN: arn:aws:s3:us-east-1:222222222222:accesspoint/NAME",
        };
        let raw = policy_core::RawArn::split(arn).map_err(|p| bad(&p.message))?;
        let Some(name) = raw
            .resource
            .strip_prefix("accesspoint/")
            .filter(|n| !n.is_empty() && !n.contains('/'))
        else {
            return Err(bad("not an access point ARN"));
        };
        if raw.service != "s3" || raw.region.is_empty() || raw.account.is_empty() {
            return Err(bad("not an access point ARN"));
        }
        accounts.push(raw.account.to_owned());
        parsed.push((
            arn.clone(),
            raw.account.to_owned(),
            raw.region.to_owned(),
            name.to_owned(),
        ));
    }
    accounts.extend(specs.iter().map(|s| s.account.clone()));
    accounts.sort();
    accounts.dedup();
    let ids: Vec<&str> = accounts.iter().map(String::as_str).collect();
    let connected = crate::accounts::connect(&ids, specs, timeout).await?;
    let aws = crate::aws::Aws::new(connected, crate::DEFAULT_CONCURRENCY);
    let mut shares = Vec::new();
    for access_point in parsed {
        shares.push(read_share(&aws, access_point, &mut notes).await?);
    }
    Ok(Source { shares, notes, aws })
}
