//! From [`DeploymentInput`] to checked [`Grant`]s: every rule, every diagnostic at once.
//!
//! Rules about one value live with its type (`arn`, `names`, `account`); this file applies them
//! to the fields, then checks what one grant's fields say together, then what several grants say
//! together (`check_deployment`).

use crate::account::AccountId;
use crate::arn::{AccessPointArn, Principal, PrincipalKind};
use crate::basics::Text;
use crate::diagnostic::{did_you_mean, Diagnostics, Loc, Problem, Spanned};
use crate::grant::{Grant, RequesterTrust};
use crate::input::{DeploymentInput, GrantInput, TrustInput};
use crate::kms::{self, KmsKey};
use crate::names;
use crate::ownership;
use crate::requester::{OrgScope, Requester};
use crate::restrictions::{check_resource_id, Cidr, Expiry, Restrictions};
use crate::service_reference::{self, Action};
use std::collections::{BTreeMap, HashMap};

/// Checks every grant of the deployment and the rules that span grants.
pub fn validate(input: &DeploymentInput) -> Result<Vec<Grant>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut grants = Vec::new();
    let mut seen_names: HashMap<&str, Loc> = HashMap::new();
    diags.check(
        input.name.loc,
        ownership::check_deployment_name(&input.name.value),
    );
    for grant in &input.grants {
        diags.check(grant.name.loc, check_grant_name(&grant.name.value));
        if seen_names
            .insert(&grant.name.value, grant.name.loc)
            .is_some()
        {
            diags.push(
                Problem::new(format!("duplicate grant name `{}`", grant.name.value))
                    .help("grant names identify what the deployment owns in AWS; give each grant its own name")
                    .at(grant.name.loc),
            );
        }
        if let Some(g) = validate_grant(grant, &mut diags) {
            grants.push((g, grant));
        }
    }
    check_deployment(&grants, &mut diags);
    if diags.is_empty() {
        Ok(grants.into_iter().map(|(g, _)| g).collect())
    } else {
        Err(diags)
    }
}

fn required<'a, T>(
    field: &'a Option<Spanned<T>>,
    name: &str,
    grant: &GrantInput,
    diags: &mut Diagnostics,
) -> Option<&'a Spanned<T>> {
    if field.is_none() {
        diags.push(
            Problem::new(format!("grant `{}` is missing `{name}`", grant.name.value))
                .help(format!("add `{name}: ...` to the grant"))
                .at(grant.name.loc),
        );
    }
    field.as_ref()
}

fn validate_grant(g: &GrantInput, diags: &mut Diagnostics) -> Option<Grant> {
    let before = diags.0.len();
    let fields = Fields::check(g, diags);
    fields.check_together(g, diags);
    let restrictions = check_restrictions(g, diags);
    let kms_key = fields.check_kms_key(g, diags);
    if diags.0.len() > before {
        return None;
    }
    fields.into_grant(g, restrictions?, kms_key)
}

/// One grant's fields, each checked on its own: `None` where the field is missing or wrong (its
/// diagnostic is given).
struct Fields {
    requester: Option<Requester>,
    /// The requester when it is one principal (not an organization).
    principal: Option<Principal>,
    access_point: Option<AccessPointArn>,
    bucket: Option<String>,
    actions: Option<Vec<&'static Action>>,
    prefixes: Option<Vec<String>>,
    bridge_role: Option<Principal>,
    bucket_account: Option<AccountId>,
    external_id: Option<String>,
    requester_trust: Option<RequesterTrust>,
}

impl Fields {
    fn check(g: &GrantInput, diags: &mut Diagnostics) -> Fields {
        let requester = required(&g.requester, "requester", g, diags)
            .and_then(|r| diags.check(r.loc, Requester::parse(&r.value)));
        let principal = requester.as_ref().and_then(Requester::principal).cloned();
        let access_point = required(&g.access_point, "access_point", g, diags)
            .and_then(|a| diags.check(a.loc, AccessPointArn::parse(&a.value)));
        let bucket = required(&g.bucket, "bucket", g, diags).and_then(|b| {
            diags.check(
                b.loc,
                names::check_bucket_name(&b.value).map(|()| b.value.clone()),
            )
        });
        let permissions_management = g.permissions_management.as_ref().is_some_and(|p| p.value);
        let actions = required(&g.actions, "actions", g, diags)
            .and_then(|a| resolve_actions(a, permissions_management, diags));
        let prefixes = g
            .prefixes
            .as_ref()
            .map_or(Some(Vec::new()), |p| check_prefixes(p, diags));
        let bridge_role = g
            .assume_role
            .as_ref()
            .and_then(|r| check_bridge_role(r, diags));
        let bucket_account = g
            .bucket_account
            .as_ref()
            .and_then(|b| diags.check(b.loc, AccountId::parse(&b.value)));
        let external_id = g
            .external_id
            .as_ref()
            .and_then(|e| diags.check(e.loc, check_external_id(&e.value)));
        let requester_trust = g.requester_trust.as_ref().and_then(|t| match &t.value {
            TrustInput::Account => Some(RequesterTrust::Account),
            TrustInput::Service(s) => diags
                .check(s.loc, check_service_principal(&s.value))
                .map(|s| RequesterTrust::Service(s.into())),
        });
        Fields {
            requester,
            principal,
            access_point,
            bucket,
            actions,
            prefixes,
            bridge_role,
            bucket_account,
            external_id,
            requester_trust,
        }
    }

    /// What the fields say together.
    fn check_together(&self, g: &GrantInput, diags: &mut Diagnostics) {
        if let Some(Requester::Organization(org)) = &self.requester {
            check_organization_grant(g, org, diags);
        }
        if let (Some(requester), Some(ap)) = (&self.principal, &self.access_point) {
            check_accounts(
                g,
                requester,
                ap,
                (self.bridge_role.as_ref(), self.bucket_account.as_ref()),
                diags,
            );
        }
        if let (Some(trust), Some(requester), Some(t)) =
            (&self.requester_trust, &self.principal, &g.requester_trust)
        {
            check_requester_trust(g, trust, requester, t.loc, diags);
        }
        if let (Some(role), Some(r)) = (&self.bridge_role, &g.assume_role) {
            if let Err(p) = names::check_creatable_role_path(&role.path) {
                diags.push(p.at(r.loc));
            }
        }
        check_external_id_has_role(g, diags);
    }

    /// The grant's KMS key, and what it must agree with.
    fn check_kms_key(&self, g: &GrantInput, diags: &mut Diagnostics) -> Option<KmsKey> {
        let k = g.kms_key.as_ref()?;
        let key = diags.check(k.loc, KmsKey::parse(&k.value))?;
        if let Some(ap) = &self.access_point {
            check_kms_key(
                &key,
                ap,
                self.bucket_account.as_ref(),
                self.actions.as_deref(),
                diags,
                k.loc,
            );
        }
        Some(key)
    }

    /// The checked grant, when every field is present and right.
    fn into_grant(
        self,
        g: &GrantInput,
        restrictions: Restrictions,
        kms_key: Option<KmsKey>,
    ) -> Option<Grant> {
        let access_point = self.access_point?;
        Some(Grant {
            name: g.name.value.clone().into(),
            doc: g.doc.clone().into(),
            requester: self.requester?,
            requester_trust: self.requester_trust,
            bridge_role: self.bridge_role,
            bucket_account: self
                .bucket_account
                .unwrap_or_else(|| access_point.account.clone()),
            access_point,
            bucket: self.bucket?.into(),
            actions: self.actions?.into(),
            prefixes: self
                .prefixes?
                .into_iter()
                .map(Text::from)
                .collect::<Vec<_>>()
                .into(),
            require_mfa: g.require_mfa.as_ref().is_some_and(|m| m.value),
            external_id: self.external_id.map(Text::from),
            restrictions,
            kms_key,
        })
    }
}

/// `external_id` only with `assume_role`: AWS checks external ids only when a role is assumed.
fn check_external_id_has_role(g: &GrantInput, diags: &mut Diagnostics) {
    if let (Some(e), None) = (&g.external_id, &g.assume_role) {
        diags.push(
            Problem::new("`external_id` needs `assume_role`: AWS checks external ids only when a role is assumed")
                .help("add the bridge role with `assume_role`, or remove `external_id`")
                .at(e.loc),
        );
    }
}

/// `assume_role` names a role.
fn check_bridge_role(r: &Spanned<String>, diags: &mut Diagnostics) -> Option<Principal> {
    let role = diags.check(r.loc, Principal::parse(&r.value))?;
    if role.kind != PrincipalKind::Role {
        diags.push(
            Problem::new(format!("`assume_role` must be a role, `{}` is {}", r.value, article(role.kind_name())))
                .help("name the bridge role in the access point owner's account: `arn:aws:iam::<account>:role/<name>`")
                .at(r.loc),
        );
        return None;
    }
    Some(role)
}

/// Where the requester, the bridge role and the bucket are, against the access point: one
/// partition; the requester in another account; the bridge role in the access point's; a
/// `bucket_account` only for a third account.
fn check_accounts(
    g: &GrantInput,
    requester: &Principal,
    ap: &AccessPointArn,
    (bridge_role, bucket_account): (Option<&Principal>, Option<&AccountId>),
    diags: &mut Diagnostics,
) {
    let requester_loc = g.requester.as_ref().map_or(Loc::UNKNOWN, |r| r.loc);
    if requester.partition != ap.partition {
        diags.push(
            Problem::new(format!("mixed partitions: the requester is in `{}` but the access point in `{}`", requester.partition, ap.partition))
                .help("IAM does not cross partitions; requester, bridge role and access point must share one")
                .at(requester_loc),
        );
    } else if requester.account == ap.account {
        diags.push(
            Problem::new(format!("grant is not cross-account: requester `{requester}` is in the access point owner's account `{}`", ap.account))
                .help("same-account access needs only an identity policy; xacct grants are for a requester in another account")
                .at(requester_loc),
        );
    }
    if let (Some(role), Some(r)) = (bridge_role, &g.assume_role) {
        if role.partition != ap.partition {
            diags.push(
                Problem::new(format!(
                    "mixed partitions: the bridge role is in `{}` but the access point in `{}`",
                    role.partition, ap.partition
                ))
                .help("use the access point's partition in the role ARN")
                .at(r.loc),
            );
        } else if role.account != ap.account {
            diags.push(
                Problem::new(format!("bridge role `{role}` is in account `{}`, not in the access point owner's account `{}`", role.account, ap.account))
                    .help(format!("the requester assumes a role the access point owner controls: `arn:{}:iam::{}:role/<name>`", ap.partition, ap.account))
                    .at(r.loc),
            );
        }
    }
    if let (Some(account), Some(b)) = (bucket_account, &g.bucket_account) {
        if *account == ap.account {
            diags.push(
                Problem::new(format!(
                    "`bucket_account` `{account}` is the access point owner's account already"
                ))
                .help("remove `bucket_account`; it is only for a bucket in a third account")
                .at(b.loc),
            );
        }
    }
}

/// `requester_trust` creates the requester role: the requester must be a role xacct may
/// create, and MFA cannot be required of a service.
fn check_requester_trust(
    g: &GrantInput,
    trust: &RequesterTrust,
    requester: &Principal,
    at: Loc,
    diags: &mut Diagnostics,
) {
    if requester.kind != PrincipalKind::Role {
        diags.push(
            Problem::new(format!(
                "`requester_trust` creates a role, but the requester is {}",
                article(requester.kind_name())
            ))
            .help("remove `requester_trust`, or make the requester a role ARN")
            .at(at),
        );
    } else if let Err(p) = names::check_creatable_role_path(&requester.path) {
        diags.push(p.at(at));
    }
    if let (RequesterTrust::Service(service), Some(mfa)) = (trust, &g.require_mfa) {
        if mfa.value {
            diags.push(
                Problem::new(format!("`require_mfa` can never be satisfied: the requester role is assumed by the service `{service}`, which signs in without MFA"))
                    .help("remove `require_mfa`, or let people assume the requester role (`requester_trust: account`)")
                    .at(mfa.loc),
            );
        }
    }
}

/// What a key must be to encrypt the bucket's objects for this grant: in the bucket's region and
/// partition, owned by an account the grant names, and used by at least one action.
fn check_kms_key(
    key: &KmsKey,
    ap: &AccessPointArn,
    bucket_account: Option<&AccountId>,
    actions: Option<&[&'static Action]>,
    diags: &mut Diagnostics,
    at: Loc,
) {
    let bucket_account = bucket_account.unwrap_or(&ap.account);
    if key.partition != ap.partition || key.region != ap.region {
        diags.push(
            Problem::new(format!(
                "the key is in `{}`, but the bucket (behind an access point in `{}`) can only use a key of its own region",
                key.region, ap.region
            ))
            .help("SSE-KMS uses a key in the bucket's region; name the key the bucket's default encryption names")
            .at(at),
        );
    }
    if key.account != *bucket_account && key.account != ap.account {
        let named = if *bucket_account == ap.account {
            format!("the bucket and its access point are in `{bucket_account}`")
        } else {
            format!(
                "the bucket is in `{bucket_account}`, its access point in `{}`",
                ap.account
            )
        };
        diags.push(
            Problem::new(format!(
                "the key is in account `{}`, which the grant does not name: {named}",
                key.account
            ))
            .help("name the key the bucket is encrypted with; if the bucket is in a third account, say so with `bucket_account`")
            .at(at),
        );
    }
    if actions.is_some_and(|a| kms::kms_actions(a).is_empty()) {
        diags.push(
            Problem::new("`kms_key` is never used: none of the grant's actions reads or writes object data")
                .help("remove `kms_key`, or grant an action that reads or writes objects (`s3:GetObject`, `s3:PutObject`)")
                .at(at),
        );
    }
}

/// The network and time limits: each value's shape, then what they say together.
fn check_restrictions(g: &GrantInput, diags: &mut Diagnostics) -> Option<Restrictions> {
    let before = diags.0.len();
    let ids = |field: &Option<Spanned<Vec<Spanned<String>>>>,
               name: &str,
               prefix: &str,
               what: &str,
               diags: &mut Diagnostics| {
        let Some(list) = field else {
            return Vec::new();
        };
        non_empty_unique(list, name, diags);
        list.value
            .iter()
            .filter_map(|v| {
                diags
                    .check(v.loc, check_resource_id(&v.value, prefix, what))
                    .map(|()| v.value.clone())
            })
            .collect()
    };
    let vpc_endpoints = ids(
        &g.vpc_endpoints,
        "vpc_endpoints",
        "vpce",
        "a VPC endpoint",
        diags,
    );
    let vpcs = ids(&g.vpcs, "vpcs", "vpc", "a VPC", diags);
    let mut source_ips = Vec::new();
    if let Some(list) = &g.source_ips {
        non_empty_unique(list, "source_ips", diags);
        for v in &list.value {
            let Some(cidr) = diags.check(v.loc, Cidr::parse(&v.value)) else {
                continue;
            };
            if cidr.bits == 0 {
                diags.push(
                    Problem::new(format!("`{cidr}` is every address: it limits nothing"))
                        .help(
                            "remove `source_ips`, or list the public ranges the requests come from",
                        )
                        .at(v.loc),
                );
            } else if cidr.is_private() {
                diags.push(
                    Problem::new(format!("`{cidr}` holds private addresses, which AWS never sees as a request's source IP"))
                        .help("requests from inside a VPC reach S3 through an endpoint and carry it instead: limit them with `vpc_endpoints` or `vpcs`; `source_ips` takes public ranges")
                        .at(v.loc),
                );
            }
            source_ips.push(cidr);
        }
        if g.vpc_endpoints.is_some() || g.vpcs.is_some() {
            diags.push(
                Problem::new("`source_ips` with `vpc_endpoints` or `vpcs` can never be satisfied: a request through a VPC endpoint carries no source IP, and one from a public address no endpoint")
                    .help("keep the VPC limits for requests from your VPCs, or `source_ips` for requests over the internet, in separate grants")
                    .at(list.loc),
            );
        }
    }
    let expires = g
        .expires
        .as_ref()
        .and_then(|e| diags.check(e.loc, Expiry::parse(&e.value)));
    let access_point_vpc = g.access_point_vpc.as_ref().and_then(|v| {
        diags.check(v.loc, check_resource_id(&v.value, "vpc", "a VPC"))?;
        if let Some(ips) = &g.source_ips {
            diags.push(
                Problem::new(format!("`source_ips` can never be satisfied through an access point that takes requests from `{}` only: requests from a VPC carry no source IP", v.value))
                    .help("remove `source_ips`; the access point's VPC already limits where requests come from")
                    .at(ips.loc),
            );
        }
        if let Some(list) = &g.vpcs {
            if !list.value.iter().any(|x| x.value == v.value) {
                diags.push(
                    Problem::new(format!("`vpcs` does not include `{}`, the only VPC the access point takes requests from: no request could meet both", v.value))
                        .help(format!("add `{}` to `vpcs`, or remove `vpcs`", v.value))
                        .at(list.loc),
                );
            }
        }
        Some(v.value.clone())
    });
    if diags.0.len() > before {
        return None;
    }
    let (mut vpc_endpoints, mut vpcs, mut source_ips) = (vpc_endpoints, vpcs, source_ips);
    vpc_endpoints.sort();
    vpcs.sort();
    source_ips.sort_by_key(ToString::to_string);
    let texts = |list: Vec<String>| list.into_iter().map(Text::from).collect::<Vec<_>>().into();
    Some(Restrictions {
        vpc_endpoints: texts(vpc_endpoints),
        vpcs: texts(vpcs),
        source_ips: source_ips.into(),
        expires,
        access_point_vpc: access_point_vpc.map(Text::from),
    })
}

/// A list field that limits must name something, and each thing once.
fn non_empty_unique(list: &Spanned<Vec<Spanned<String>>>, name: &str, diags: &mut Diagnostics) {
    if list.value.is_empty() {
        diags.push(
            Problem::new(format!("`{name}` is empty: no request could meet it"))
                .help(format!("remove `{name}`, or list at least one value"))
                .at(list.loc),
        );
    }
    for (i, v) in list.value.iter().enumerate() {
        if list.value[..i].iter().any(|e| e.value == v.value) {
            diags.push(
                Problem::new(format!("duplicate `{}` in `{name}`", v.value))
                    .help("remove one of them")
                    .at(v.loc),
            );
        }
    }
}

/// An organization is named by resource policies only: what would need an identity of its own
/// (a bridge role's trust, a role xacct creates, MFA in a policy xacct writes) cannot be said.
fn check_organization_grant(g: &GrantInput, org: &OrgScope, diags: &mut Diagnostics) {
    let whom = match &org.path {
        Some(path) => format!("the organizational unit `{path}`"),
        None => format!("the organization `{}`", org.id),
    };
    if let Some(role) = &g.assume_role {
        diags.push(
            Problem::new(format!("`assume_role` cannot be used with {whom} as requester: a trust policy names principals, and an organization is not one"))
                .help("remove `assume_role`: the access point and bucket policies name the organization, and each of its accounts grants its own identities")
                .at(role.loc),
        );
    }
    if let Some(trust) = &g.requester_trust {
        diags.push(
            Problem::new(format!(
                "`requester_trust` creates the requester role, but the requester is {whom}"
            ))
            .help("remove `requester_trust`; the organization's accounts manage their own roles")
            .at(trust.loc),
        );
    }
    if let Some(mfa) = g.require_mfa.as_ref().filter(|m| m.value) {
        diags.push(
            Problem::new(format!("`require_mfa` cannot be used with {whom} as requester: xacct writes no identity policy in the organization's accounts, where MFA would be required"))
                .help("remove `require_mfa`, and require MFA in the member accounts' own policies (or an SCP)")
                .at(mfa.loc),
        );
    }
}

fn article(noun: &str) -> String {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

/// Resolves the action tokens to the service reference, expanding wildcards into the explicit
/// actions an access point can serve.
fn resolve_actions(
    list: &Spanned<Vec<Spanned<String>>>,
    permissions_management: bool,
    diags: &mut Diagnostics,
) -> Option<Vec<&'static Action>> {
    if list.value.is_empty() {
        diags.push(
            Problem::new("`actions` is empty: the grant would grant nothing")
                .help("list the S3 actions to grant, e.g. `[s3:GetObject]`")
                .at(list.loc),
        );
        return None;
    }
    let before = diags.0.len();
    let mut chosen: BTreeMap<&'static str, &str> = BTreeMap::new();
    for entry in &list.value {
        let Some(resolved) = diags.check(
            entry.loc,
            resolve_action(&entry.value, permissions_management),
        ) else {
            continue;
        };
        for action in resolved {
            if let Some(first) = chosen.insert(action.name, &entry.value) {
                let message = if first.eq_ignore_ascii_case(&entry.value) {
                    format!("duplicate action `{}`", entry.value)
                } else if entry.value.contains('*') {
                    format!(
                        "`{}` repeats `{}`, which is listed already as `{first}`",
                        entry.value,
                        action.full_name()
                    )
                } else {
                    format!(
                        "duplicate action `{}`: `{first}` covers it already",
                        entry.value
                    )
                };
                diags.push(
                    Problem::new(message)
                        .help("remove one of them")
                        .at(entry.loc),
                );
                break;
            }
        }
    }
    if diags.0.len() > before {
        return None;
    }
    let s3 = service_reference::s3();
    Some(chosen.keys().filter_map(|name| s3.action(name)).collect())
}

fn resolve_action(
    text: &str,
    permissions_management: bool,
) -> Result<Vec<&'static Action>, Problem> {
    let list_them = "list the actions the requester needs, e.g. `[s3:GetObject, s3:ListBucket]`";
    if text == "*" {
        return Err(Problem::new("`*` grants every action of every AWS service").help(list_them));
    }
    let Some((service, name)) = text.split_once(':') else {
        return Err(
            Problem::new(format!("action `{text}` has no service prefix"))
                .help(format!("write `s3:{text}`")),
        );
    };
    if !service.eq_ignore_ascii_case("s3") {
        let known = service_reference::service(service)
            .and_then(|s| s.action(name))
            .is_some();
        let what = if known {
            "an action of"
        } else {
            "not an S3 action; its service is"
        };
        return Err(Problem::new(format!("`{text}` is {what} `{service}`, but access points serve only S3 actions"))
            .help("grants give S3 actions; the role assumptions they need (`sts:AssumeRole`) are generated for you"));
    }
    let s3 = service_reference::s3();
    if name == "*" {
        return Err(Problem::new(format!("`{text}` grants every S3 action, including ones that change permissions and delete data"))
            .help(format!("{list_them}, or a narrower pattern such as `s3:Get*`")));
    }
    if name.contains(['*', '?']) {
        let matching: Vec<&'static Action> = s3
            .actions
            .iter()
            .filter(|a| crate::eval::wildcard(name, a.name, true))
            .collect();
        let expanded: Vec<&'static Action> = matching
            .iter()
            .copied()
            .filter(|a| {
                a.access_point_can_serve()
                    && (permissions_management || !a.is_permissions_management())
            })
            .collect();
        if expanded.is_empty() {
            let why = if matching.is_empty() {
                "matches no S3 action".to_owned()
            } else {
                format!(
                    "matches {} S3 actions, but none that an access point can serve",
                    matching.len()
                )
            };
            return Err(Problem::new(format!("`{text}` {why}")).help(list_them));
        }
        return Ok(expanded);
    }
    let Some(action) = s3.action(name) else {
        let problem = Problem::new(format!("unknown action `{text}`"));
        return Err(
            match did_you_mean(name, s3.actions.iter().map(|a| a.name)) {
                Some(near) => problem.help(format!("did you mean `s3:{near}`?")),
                None => {
                    problem.help("see the S3 actions in the AWS Service Authorization Reference")
                }
            },
        );
    };
    if !action.access_point_can_serve() {
        return Err(Problem::new(format!("an access point cannot serve `s3:{}`", action.name)).help(
            "access points serve object operations (`s3:GetObject`, `s3:PutObject`, ...) and bucket-level reads (`s3:ListBucket`, ...); grant bucket and account operations outside xacct",
        ));
    }
    if action.is_permissions_management() && !permissions_management {
        return Err(Problem::new(format!("`s3:{}` is a permissions-management action: it lets the requester change who has access", action.name))
            .help("if that is intended, add `permissions_management: true` to the grant"));
    }
    Ok(vec![action])
}

fn check_prefixes(
    list: &Spanned<Vec<Spanned<String>>>,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    if list.value.is_empty() {
        diags.push(Problem::new("`prefixes` is empty: the grant would reach no object").help("remove `prefixes` to grant the whole access point, or list key prefixes such as `\"reports/\"`").at(list.loc));
        return None;
    }
    let before = diags.0.len();
    // `2025*` says "every key starting with 2025"; `2025/` the folder. The bare `2025` is refused.
    let list = Spanned::new(
        list.value
            .iter()
            .filter_map(|p| {
                diags
                    .check(p.loc, intended_prefix(&p.value))
                    .map(|value| Spanned::new(value, p.loc))
            })
            .collect::<Vec<_>>(),
        list.loc,
    );
    if diags.0.len() > before {
        return None;
    }
    for (i, p) in list.value.iter().enumerate() {
        if diags.check(p.loc, check_prefix(&p.value)).is_none() {
            continue;
        }
        for earlier in &list.value[..i] {
            if earlier.value == p.value {
                diags.push(
                    Problem::new(format!("duplicate prefix `{}`", p.value))
                        .help("remove one of them")
                        .at(p.loc),
                );
            } else if p.value.starts_with(&earlier.value) || earlier.value.starts_with(&p.value) {
                let (wide, narrow) = if p.value.len() < earlier.value.len() {
                    (&p.value, &earlier.value)
                } else {
                    (&earlier.value, &p.value)
                };
                diags.push(
                    Problem::new(format!("prefix `{narrow}` is covered by `{wide}`"))
                        .help(format!("keep only `{wide}`"))
                        .at(p.loc),
                );
            }
        }
    }
    if diags.0.len() > before {
        return None;
    }
    let mut prefixes: Vec<String> = list.value.iter().map(|p| p.value.clone()).collect();
    prefixes.sort();
    Some(prefixes)
}

/// What a written prefix means: `reports/` (a folder) as it is, `2025*` (every key starting with
/// `2025`, said explicitly) as `2025`. A prefix that ends with neither is refused: `2025` would
/// reach `2025-secret/…` and `20250101.csv` as well as `2025/…`, where people almost always mean
/// the folder.
fn intended_prefix(written: &str) -> Result<String, Problem> {
    if written.ends_with('/') || written.is_empty() {
        return Ok(written.to_owned());
    }
    if let Some(stem) = written.strip_suffix('*') {
        if stem.ends_with('/') {
            return Err(
                Problem::new(format!("prefix `{written}` ends with `/*`")).help(format!(
                    "write `{stem}`: a folder prefix already covers every key under it"
                )),
            );
        }
        if stem.is_empty() {
            return Err(Problem::new("prefix `*` is every key")
                .help("remove `prefixes` to grant the whole access point"));
        }
        return Ok(stem.to_owned());
    }
    let folder = format!("{written}/");
    Err(Problem::new(format!(
        "prefix `{written}` does not end with `/`: it would reach every key that starts with `{written}` (`{written}-other/…`, `{written}0.csv`), not only the folder `{folder}`"
    ))
    .help(format!(
        "write `{folder}` for the folder, or `{written}*` if every key starting with `{written}` is meant"
    )))
}

/// A key prefix as it will appear in `.../object/<prefix>*` and in `s3:prefix` conditions.
fn check_prefix(prefix: &str) -> Result<(), Problem> {
    if prefix.is_empty() {
        return Err(
            Problem::new("empty prefix").help("remove `prefixes` to grant the whole access point")
        );
    }
    if prefix.starts_with('/') {
        return Err(Problem::new(format!(
            "prefix `{prefix}` starts with `/`, but S3 keys do not"
        ))
        .help(format!("write `{}`", prefix.trim_start_matches('/'))));
    }
    if let Some(c) = prefix.chars().find(|c| *c == '*' || *c == '?') {
        return Err(Problem::new(format!("prefix `{prefix}` contains the wildcard `{c}`"))
            .help("a prefix already covers every key that starts with it (end it with `*` to say so when it is not a folder); IAM would read `*` and `?` inside it as wildcards"));
    }
    if prefix.contains("${") {
        return Err(Problem::new(format!(
            "prefix `{prefix}` contains `${{`, which IAM reads as a policy variable"
        ))
        .help("remove `${` from the prefix"));
    }
    if prefix.len() > 1024 {
        return Err(
            Problem::new(format!("prefix is {} bytes long", prefix.len()))
                .help("S3 keys, and so prefixes, are at most 1,024 bytes"),
        );
    }
    if let Some(c) = prefix.chars().find(|c| c.is_control()) {
        return Err(Problem::new(format!(
            "prefix `{}` contains the control character `{}`",
            prefix.escape_default(),
            c.escape_default()
        ))
        .help("remove it"));
    }
    Ok(())
}

/// `sts:ExternalId`: 2 to 1,224 characters of `[A-Za-z0-9+=,.@:/_-]` (the `AssumeRole` API reference).
fn check_external_id(id: &str) -> Result<String, Problem> {
    let len = id.chars().count();
    if !(2..=1224).contains(&len) {
        return Err(
            Problem::new(format!("external id is {len} characters long"))
                .help("AWS accepts external ids of 2 to 1,224 characters"),
        );
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(*c)))
    {
        return Err(Problem::new(format!("external id `{id}` contains `{c}`"))
            .help("external ids use only letters, digits and `+=,.@:/_-`"));
    }
    Ok(id.to_owned())
}

/// A service principal: `<service>.amazonaws.com` (`.amazonaws.com.cn` in China).
fn check_service_principal(name: &str) -> Result<String, Problem> {
    let service = name
        .strip_suffix(".amazonaws.com")
        .or_else(|| name.strip_suffix(".amazonaws.com.cn"));
    match service {
        Some(s)
            if !s.is_empty()
                && s.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                }) =>
        {
            Ok(name.to_owned())
        }
        _ => Err(
            Problem::new(format!("`{name}` is not a service principal")).help(
                "service principals look like `lambda.amazonaws.com` or `ecs-tasks.amazonaws.com`",
            ),
        ),
    }
}

/// Rules that need several grants: the same access point, bucket or role must be declared the
/// same way everywhere it appears, since the deployment creates each of them once.
fn check_deployment(grants: &[(Grant, &GrantInput)], diags: &mut Diagnostics) {
    let mut seen = Seen::default();
    for (grant, input) in grants {
        seen.check_iam_names(grant, input, diags);
        seen.check_statement_ids(grant, input, diags);
        seen.check_access_point(grant, input, diags);
        seen.check_bucket(grant, input, diags);
        seen.check_created_roles(grant, input, diags);
    }
}

/// Where a field was written, or the grant's name when it was not.
fn field_loc(field: &Option<Spanned<String>>, g: &GrantInput) -> Loc {
    field.as_ref().map_or(g.name.loc, |s| s.loc)
}

/// What the grants before this one declared, for the rules that span grants.
#[derive(Default)]
struct Seen<'a> {
    access_points: HashMap<String, &'a Grant>,
    buckets: HashMap<String, &'a Grant>,
    created_roles: HashMap<String, (&'a Grant, String)>,
    sids: HashMap<String, &'a Grant>,
    /// IAM role and user names are unique case-insensitively: `Reader` and `reader` are one role.
    iam_names: HashMap<(String, String), String>,
}

impl<'a> Seen<'a> {
    /// One IAM role or user is written one way everywhere.
    fn check_iam_names(&mut self, grant: &Grant, input: &GrantInput, diags: &mut Diagnostics) {
        let named = [
            (grant.requester.principal(), &input.requester),
            (grant.bridge_role.as_ref(), &input.assume_role),
        ];
        for (principal, field) in named {
            let Some(p) = principal.filter(|p| p.kind != PrincipalKind::Root) else {
                continue;
            };
            let key = (
                p.account.to_string(),
                format!("{}/{}", p.kind_name(), p.name.to_lowercase()),
            );
            let arn = p.arn();
            match self.iam_names.get(&key) {
                None => {
                    self.iam_names.insert(key, arn);
                }
                Some(other) if *other != arn => diags.push(
                    Problem::new(format!("`{arn}` and `{other}` name the same IAM {}: names are unique in an account regardless of case and path", p.kind_name()))
                        .help(format!("write it the same way everywhere: `{other}`"))
                        .at(field_loc(field, input)),
                ),
                Some(_) => {}
            }
        }
    }

    /// Two grants never give the same statement ids.
    fn check_statement_ids(
        &mut self,
        grant: &'a Grant,
        input: &GrantInput,
        diags: &mut Diagnostics,
    ) {
        if let Some(other) = self.sids.insert(ownership::pascal_case(&grant.name), grant) {
            diags.push(
                Problem::new(format!(
                    "grant names `{}` and `{}` give the same statement ids",
                    other.name, grant.name
                ))
                .help("statement ids drop underscores and case; rename one of the grants")
                .at(input.name.loc),
            );
        }
    }

    /// An access point serves one bucket and has one network origin.
    fn check_access_point(
        &mut self,
        grant: &'a Grant,
        input: &GrantInput,
        diags: &mut Diagnostics,
    ) {
        let ap = grant.access_point.arn();
        let Some(other) = self.access_points.insert(ap.clone(), grant) else {
            return;
        };
        if other.bucket != grant.bucket || other.bucket_account != grant.bucket_account {
            diags.push(
                Problem::new(format!(
                    "access point `{ap}` serves bucket `{}` (account {}) in grant `{}`, but `{}` (account {}) here",
                    other.bucket, other.bucket_account, other.name, grant.bucket, grant.bucket_account
                ))
                .help("an access point belongs to exactly one bucket; use the same bucket, or another access point")
                .at(field_loc(&input.bucket, input)),
            );
        }
        let origin = |g: &Grant| {
            g.restrictions
                .access_point_vpc
                .as_ref()
                .map_or("the internet".to_owned(), |v| format!("VPC `{v}`"))
        };
        if other.restrictions.access_point_vpc != grant.restrictions.access_point_vpc {
            diags.push(
                Problem::new(format!(
                    "access point `{ap}` takes requests from {} in grant `{}`, but from {} here",
                    origin(other), other.name, origin(grant)
                ))
                .help("an access point has one network origin, chosen when it is created; write the same `access_point_vpc` in every grant on it, or use another access point")
                .at(input.access_point_vpc.as_ref().map_or(input.name.loc, |v| v.loc)),
            );
        }
    }

    /// A bucket has one owner.
    fn check_bucket(&mut self, grant: &'a Grant, input: &GrantInput, diags: &mut Diagnostics) {
        let bucket = crate::arn::bucket_arn(grant.access_point.partition, &grant.bucket);
        if let Some(other) = self.buckets.insert(bucket, grant) {
            if other.bucket_account != grant.bucket_account {
                diags.push(
                    Problem::new(format!(
                        "bucket `{}` belongs to account {} in grant `{}`, but to {} here",
                        grant.bucket, other.bucket_account, other.name, grant.bucket_account
                    ))
                    .help(
                        "bucket names are unique in a partition; declare the same owner everywhere",
                    )
                    .at(field_loc(&input.bucket_account, input)),
                );
            }
        }
    }

    /// A role the deployment creates (a bridge role, a requester role with a trust) has one trust.
    fn check_created_roles(
        &mut self,
        grant: &'a Grant,
        input: &GrantInput,
        diags: &mut Diagnostics,
    ) {
        let mut create = |role: &Principal, trust: String, at: Loc| {
            if let Some((other, other_trust)) = self
                .created_roles
                .insert(role.arn(), (grant, trust.clone()))
            {
                if other_trust != trust {
                    diags.push(
                        Problem::new(format!("role `{role}` is created with {other_trust} in grant `{}`, but with {trust} here", other.name))
                            .help("a role has one trust policy; declare it the same way in every grant")
                            .at(at),
                    );
                }
            }
        };
        if let Some(role) = &grant.bridge_role {
            create(
                role,
                "a bridge-role trust".into(),
                field_loc(&input.assume_role, input),
            );
        }
        if let Some(trust) = &grant.requester_trust {
            let what = match trust {
                RequesterTrust::Service(s) => format!("a trust in `{s}`"),
                RequesterTrust::Account => "a trust in its own account".into(),
            };
            let at = input
                .requester_trust
                .as_ref()
                .map_or(input.name.loc, |t| t.loc);
            if let Some(requester) = grant.requester.principal() {
                create(requester, what, at);
            }
        }
    }
}

/// Grant names become part of statement ids, whose alphabet is ASCII letters and digits.
fn check_grant_name(name: &str) -> Result<(), Problem> {
    match name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '_')
    {
        Some(c) => Err(Problem::new(format!(
            "the grant name `{name}` contains `{c}`, which AWS statement ids cannot carry"
        ))
        .help("name grants with ASCII letters, digits and `_`")),
        None => Ok(()),
    }
}
