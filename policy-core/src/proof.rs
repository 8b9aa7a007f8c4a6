//! The least-privilege proof run at compile time: for every grant, the generated documents are
//! evaluated over a finite space of requests — every S3 action of the service reference, resources
//! inside and outside each declared prefix and access point, the declared principal and others
//! (same account, the requester's account, the requester skipping its bridge role), with and
//! without MFA and external id, inside each network and time limit and outside each in turn, a
//! member inside and outside the organization or OU an organization grant names, and the KMS calls
//! S3 makes for a grant on an SSE-KMS bucket — and each decision must be what the grants declare.

use crate::arn::Principal;
use crate::deployment::Document;
use crate::diagnostic::Problem;
use crate::eval::condition::{lookup, wildcard, Context};
use crate::eval::{evaluate, Decision, Effect, PolicySet, Request, Verdict};
use crate::grant::Grant;
use crate::requester::{OrgScope, Requester};
use crate::service_reference;

/// An account no grant names, standing for everyone else.
const STRANGER: &str = "999999999999";

/// Outside every prefix a grant can declare: prefixes never start with `/`, but keys can.
const OUTSIDE: &str = "/xacct-proof-outside/";

/// A member account of the organization an organization grant names.
const MEMBER: &str = "444444444444";

/// The organization keys of an identity inside `org` (in an OU below the one named), then of
/// identities outside it: another organization, no organization, a sibling OU.
fn organization_variants(org: &OrgScope) -> Vec<Context> {
    let keys = |id: &str, path: String| -> Context {
        [
            ("aws:PrincipalOrgID".to_owned(), vec![id.to_owned()]),
            ("aws:PrincipalOrgPaths".to_owned(), vec![path]),
        ]
        .into_iter()
        .collect()
    };
    let (root, inside) = match &org.path {
        Some(path) => {
            let root = path.split('/').take(2).collect::<Vec<_>>().join("/");
            (root, format!("{path}ou-proof-xacctchild/"))
        }
        None => {
            let root = format!("{}/r-proof", org.id);
            (root.clone(), format!("{root}/ou-proof-xacctunit/"))
        }
    };
    let mut variants = vec![
        keys(&org.id, inside),
        keys("o-xacctproofother", "o-xacctproofother/r-proof/".to_owned()),
        Context::new(),
    ];
    if org.path.is_some() {
        variants.push(keys(&org.id, format!("{root}/ou-proof-xacctsibling/")));
    }
    variants
}

fn ctx(pairs: &[(&str, &str)]) -> Context {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), vec![(*v).to_owned()]))
        .collect()
}

/// `context` with `pairs` added (replacing a key already there).
fn with(context: &Context, pairs: &[(&'static str, String)]) -> Context {
    let mut c = context.clone();
    for (k, v) in pairs {
        c.insert((*k).to_owned(), vec![v.clone()]);
    }
    c
}

fn values_of(context: &Context) -> impl Fn(&str) -> Option<Vec<String>> + '_ {
    |key| lookup(context, key).map(<[String]>::to_vec)
}

fn mfa_of(context: &Context) -> bool {
    lookup(context, "aws:MultiFactorAuthPresent").is_some_and(|v| v.iter().any(|x| x == "true"))
}

/// Whether a request on the access point is inside what grant `g` declares.
fn in_scope(
    g: &Grant,
    ap: &str,
    action: &service_reference::Action,
    resource: &str,
    context: &Context,
) -> bool {
    let inside =
        |key: &str| g.prefixes.is_empty() || g.prefixes.iter().any(|p| key.starts_with(&**p));
    if let Some(key) = resource.strip_prefix(&format!("{ap}/object/")) {
        return action.is_access_point_object_action() && inside(key);
    }
    if resource != ap || !action.is_access_point_bucket_action() {
        return false;
    }
    if !action.supports_condition_key("s3:prefix") || g.prefixes.is_empty() {
        return true;
    }
    lookup(context, "s3:prefix").is_some_and(|v| v.iter().all(|p| inside(p)))
}

/// Whether the request's organization keys put the caller in the organization (or OU) an
/// organization grant names; any caller passes this for a grant to one principal.
fn is_member(g: &Grant, context: &Context) -> bool {
    match &g.requester {
        Requester::Organization(org) => org.admits(
            lookup(context, "aws:PrincipalOrgID"),
            lookup(context, "aws:PrincipalOrgPaths"),
        ),
        Requester::Principal(_) => true,
    }
}

/// A principal's own grants, and the grants to organizations; each with its access point's ARN.
/// The grants that can declare one principal's access: its own, its account's (a grant to the
/// account root lets in every principal of that account its own policies allow: "AWS JSON policy
/// elements: Principal", AWS account principals), and the organizations'.
type GrantsOf<'a> = (
    &'a [(Grant, String)],
    &'a [(Grant, String)],
    &'a [(Grant, String)],
);

/// What the grants of `principal` (the grants whose resource principal it is, and the grants to
/// an organization, which the request's organization keys decide) declare for an S3 request
/// through an access point.
fn declared(
    grants_of_principal: GrantsOf<'_>,
    action: &str,
    resource: &str,
    context: &Context,
) -> bool {
    let name = action.strip_prefix("s3:").unwrap_or(action);
    let (own, account, organizations) = grants_of_principal;
    own.iter()
        .chain(account)
        .chain(organizations)
        .any(|(g, ap)| {
            let member = is_member(g, context);
            member
                && (!g.require_mfa || g.bridge_role.is_some() || mfa_of(context))
                && g.restrictions.admits(values_of(context))
                && resource.starts_with(ap.as_str())
                && g.actions.iter().any(|a| {
                    a.name.eq_ignore_ascii_case(name) && in_scope(g, ap, a, resource, context)
                })
        })
}

/// What the grants of a principal declare for a KMS request S3 makes on its behalf: the grant's
/// key, an action its S3 actions need, through S3 in the key's region, for an object the grant
/// reaches (or the bucket, which S3 Bucket Keys name), before the expiry.
fn declared_kms(
    grants_of_principal: GrantsOf<'_>,
    action: &str,
    key: &str,
    context: &Context,
) -> bool {
    let (own, account, organizations) = grants_of_principal;
    own.iter()
        .chain(account)
        .chain(organizations)
        .any(|(g, _)| {
            let Some(k) = g.kms_key.as_ref().filter(|k| k.arn() == key) else {
                return false;
            };
            let member = is_member(g, context);
            let bucket = crate::arn::bucket_arn(g.access_point.partition, &g.bucket);
            let reached = |arn: &str| {
                arn == bucket
                    || arn.strip_prefix(&format!("{bucket}/")).is_some_and(|key| {
                        g.prefixes.is_empty() || g.prefixes.iter().any(|p| key.starts_with(&**p))
                    })
            };
            member
                && crate::kms::kms_actions(&g.actions)
                    .iter()
                    .any(|a| a.full_name().eq_ignore_ascii_case(action))
                && lookup(context, "kms:ViaService").is_some_and(|v| v.contains(&k.via_service()))
                && lookup(context, "kms:EncryptionContext:aws:s3:arn")
                    .is_some_and(|v| !v.is_empty() && v.iter().all(|arn| reached(arn)))
                && g.restrictions.in_time(values_of(context))
        })
}

/// What the grants declare for assuming a bridge role: `assumers` are the grants through that
/// role, each with its requester's ARN.
fn declared_assume(assumers: &[(&Grant, String)], principal: &str, context: &Context) -> bool {
    assumers.iter().any(|(g, requester)| {
        requester == principal
            && (!g.require_mfa || mfa_of(context))
            && g.restrictions.in_time(values_of(context))
            && g.external_id.as_ref().is_none_or(|id| {
                lookup(context, "sts:ExternalId").is_some_and(|v| v.iter().any(|x| x == id))
            })
    })
}

fn counterexample(
    grant: &Grant,
    request: &Request,
    decision: &Decision,
    expected: bool,
    blame: &str,
) -> Problem {
    let context = if request.context.is_empty() {
        String::new()
    } else {
        format!(" with {:?}", request.context)
    };
    let mut why = decision
        .reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if let Verdict::Unknown(what) = &decision.verdict {
        why = format!("{what}; {why}");
    }
    let message = if let Verdict::Unknown(_) = decision.verdict {
        format!("proof failed for grant `{}`: whether `{}` may `{}` on `{}`{context} cannot be decided from the documents", grant.name, request.principal, request.action, request.resource)
    } else if expected {
        format!("proof failed for grant `{}`: `{}` is denied `{}` on `{}`{context}, which the grant declares", grant.name, request.principal, request.action, request.resource)
    } else {
        format!("proof failed for grant `{}`: `{}` is allowed `{}` on `{}`{context}, which no grant declares", grant.name, request.principal, request.action, request.resource)
    };
    Problem::new(message).help(format!("{why}; {blame}"))
}

/// The number of requests evaluated, or the first counterexample of each failing grant.
pub fn prove(documents: &[Document], grants: &[Grant]) -> Result<usize, Vec<(usize, Problem)>> {
    let set = PolicySet::from_documents(documents).map_err(|p| vec![(0, p)])?;
    prove_set(
        &set,
        grants,
        "this is a bug in xacct's document generation; please report it",
    )
}

/// [`prove`] over any set of documents, such as those read back from AWS; `blame` says, in each
/// counterexample, where the difference must come from.
pub fn prove_set(
    set: &PolicySet,
    grants: &[Grant],
    blame: &str,
) -> Result<usize, Vec<(usize, Problem)>> {
    let proof = Proof::new(set, grants, blame);
    let mut tally = Tally::default();
    for (index, grant) in grants.iter().enumerate() {
        let space = RequestSpace::of(grant);
        let mut judge = Judge {
            proof: &proof,
            tally: &mut tally,
            index,
            grant,
        };
        judge.the_declared_principal(&space);
        judge.other_principals(&space);
        judge.the_kms_key(&space);
        judge.the_bridge_role(&space);
    }
    if tally.failures.is_empty() {
        Ok(tally.evaluated)
    } else {
        Err(tally.failures)
    }
}

/// What every grant's requests are judged with.
struct Proof<'g> {
    /// The documents, with a principal from another account whose identity policies the set
    /// lacks assumed to be allowed anything by its own account.
    set: PolicySet,
    /// The same, with every principal from another account so assumed: what no grant declares,
    /// the resource's side must refuse alone.
    resource_side: PolicySet,
    /// Only the grants of a principal can declare its access (each with its access point's
    /// ARN); the grants to organizations, any member's.
    by_principal: std::collections::HashMap<String, Vec<(Grant, String)>>,
    organization_grants: Vec<(Grant, String)>,
    /// The grants through each bridge role (by its ARN), each with its requester's ARN: looked up
    /// for every `sts:AssumeRole` request instead of formatting every grant's ARNs again.
    assumers: std::collections::HashMap<String, Vec<(&'g Grant, String)>>,
    /// Per S3 action of the service reference: whether some `Allow` statement of the set can
    /// match it. One none can match is denied for every request: proven once here instead of
    /// request by request.
    may_be_allowed: Vec<bool>,
    blame: &'g str,
}

impl<'g> Proof<'g> {
    fn new(set: &PolicySet, grants: &'g [Grant], blame: &'g str) -> Proof<'g> {
        let mut set = set.clone();
        set.assume_unknown_identities_allow = true;
        let mut resource_side = set.clone();
        resource_side.assume_other_accounts_allow = true;
        let mut by_principal: std::collections::HashMap<String, Vec<(Grant, String)>> =
            std::collections::HashMap::new();
        let mut organization_grants = Vec::new();
        for g in grants {
            match g.resource_principal() {
                Some(p) => by_principal
                    .entry(p.arn())
                    .or_default()
                    .push((g.clone(), g.access_point.arn())),
                None => organization_grants.push((g.clone(), g.access_point.arn())),
            }
        }
        let mut assumers: std::collections::HashMap<String, Vec<(&'g Grant, String)>> =
            std::collections::HashMap::new();
        for g in grants {
            if let (Some(role), Some(requester)) = (&g.bridge_role, g.requester.principal()) {
                assumers
                    .entry(role.arn())
                    .or_default()
                    .push((g, requester.arn()));
            }
        }
        let allow_patterns: std::collections::BTreeSet<&str> = set
            .docs
            .iter()
            .flat_map(|d| &d.policy.statements)
            .filter(|st| st.effect == Effect::Allow)
            .flat_map(|st| st.actions.iter().map(String::as_str))
            .collect();
        let any_not_action = set
            .docs
            .iter()
            .flat_map(|d| &d.policy.statements)
            .any(|st| st.not_action);
        let may_be_allowed: Vec<bool> = service_reference::s3()
            .actions
            .iter()
            .map(|a| {
                let name = a.full_name();
                any_not_action || allow_patterns.iter().any(|p| wildcard(p, &name, true))
            })
            .collect();
        Proof {
            set,
            resource_side,
            by_principal,
            organization_grants,
            assumers,
            may_be_allowed,
            blame,
        }
    }

    /// The grants that can declare `principal`'s access.
    fn of(&self, principal: &str) -> GrantsOf<'_> {
        let grants = |arn: &str| {
            self.by_principal
                .get(arn)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        // The account root of the principal's account, unless it is the principal.
        let root = crate::arn::RawArn::split(principal)
            .ok()
            .map(|a| format!("arn:{}:iam::{}:root", a.partition, a.account))
            .filter(|root| root != principal);
        (
            grants(principal),
            root.as_deref().map(grants).unwrap_or_default(),
            self.organization_grants.as_slice(),
        )
    }
}

/// What the proof found so far.
#[derive(Default)]
struct Tally {
    failures: Vec<(usize, Problem)>,
    evaluated: usize,
}

/// The requests one grant is proven on: where, with what keys and contexts, by whom.
struct RequestSpace {
    ap: String,
    bucket: String,
    /// The declared prefixes, or one empty prefix.
    prefixes: Vec<String>,
    /// An object key inside each prefix, then one outside every prefix.
    keys: Vec<String>,
    /// The listing contexts: without a prefix, inside each, outside all.
    listings: Vec<Context>,
    /// Who asks for the grant: its principal, or a member of its organization.
    principal: String,
    /// The principal with and without MFA, or identities inside and outside the organization.
    identity_variants: Vec<Context>,
    /// Inside the grant's network and time limits.
    inside: Vec<(&'static str, String)>,
    /// Each identity variant inside the limits, then outside each in turn.
    variants: Vec<Context>,
    /// Another access point of the same account.
    other_ap: String,
    /// Principals the grant does not name.
    others: Vec<String>,
}

impl RequestSpace {
    fn of(g: &Grant) -> RequestSpace {
        let ap = g.access_point.arn();
        let partition = g.access_point.partition;
        let prefixes: Vec<String> = if g.prefixes.is_empty() {
            vec![String::new()]
        } else {
            g.prefixes.iter().map(|p| p.to_string()).collect()
        };
        let mut keys: Vec<String> = prefixes
            .iter()
            .map(|p| format!("{p}xacct-proof-key"))
            .collect();
        keys.push(format!("{OUTSIDE}key"));
        // A listing without a prefix: no `s3:prefix` at all, or an empty one (clients differ).
        let mut listings: Vec<Context> = vec![Context::new(), ctx(&[("s3:prefix", "")])];
        listings.extend(
            prefixes
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| ctx(&[("s3:prefix", p.as_str())])),
        );
        listings.push(ctx(&[("s3:prefix", OUTSIDE)]));
        // Who asks: the grant's principal with and without MFA, or an identity of a member
        // account inside the organization (or OU) and outside it.
        let (principal, identity_variants) = match (&g.requester, g.resource_principal()) {
            (Requester::Organization(org), _) => (
                format!("arn:{partition}:iam::{MEMBER}:role/xacct-proof-member"),
                organization_variants(org),
            ),
            (_, Some(p)) if g.require_mfa && g.bridge_role.is_none() => (
                p.arn(),
                vec![
                    ctx(&[("aws:MultiFactorAuthPresent", "true")]),
                    ctx(&[("aws:MultiFactorAuthPresent", "false")]),
                ],
            ),
            (_, p) => (
                p.map(Principal::arn).unwrap_or_default(),
                vec![Context::new()],
            ),
        };
        // Inside the network and time limits, then outside each in turn.
        let inside = g.restrictions.inside();
        let mut limit_variants = vec![inside.clone()];
        limit_variants.extend(g.restrictions.outside());
        let variants: Vec<Context> = identity_variants
            .iter()
            .flat_map(|m| limit_variants.iter().map(move |l| with(m, l)))
            .collect();
        let other_ap = format!(
            "arn:{partition}:s3:{}:{}:accesspoint/xacct-proof-other",
            g.access_point.region, g.access_point.account
        );
        let mut others = vec![
            format!("arn:{partition}:iam::{STRANGER}:role/xacct-proof-stranger"),
            format!(
                "arn:{partition}:iam::{}:role/xacct-proof-other",
                g.access_point.account
            ),
        ];
        if let Some(requester) = g.requester.principal() {
            others.push(format!(
                "arn:{partition}:iam::{}:role/xacct-proof-other",
                requester.account
            ));
            if g.bridge_role.is_some() {
                others.push(requester.arn());
            }
        }
        RequestSpace {
            ap,
            bucket: crate::arn::bucket_arn(partition, &g.bucket),
            prefixes,
            keys,
            listings,
            principal,
            identity_variants,
            inside,
            variants,
            other_ap,
            others,
        }
    }
}

/// One grant being proven: each step evaluates its requests and stops at its first
/// counterexample.
struct Judge<'p, 'g> {
    proof: &'p Proof<'g>,
    tally: &'p mut Tally,
    index: usize,
    grant: &'p Grant,
}

impl Judge<'_, '_> {
    /// Evaluates one request; a decision other than `expected` is a counterexample.
    fn check(&mut self, request: Request, expected: bool) -> bool {
        let proof = self.proof;
        self.tally.evaluated += 1;
        // What no grant declares, the resource's side must refuse alone, whatever else the
        // requester's account attaches to it. Refused so, it is refused with the identity
        // policies xacct writes too (they allow less), which then need no evaluation.
        let mut decision = evaluate(
            if expected {
                &proof.set
            } else {
                &proof.resource_side
            },
            &request,
        );
        if !expected && matches!(decision.verdict, Verdict::Unknown(_)) {
            self.tally.evaluated += 1;
            decision = evaluate(&proof.set, &request);
        }
        // Unknown is a failure either way: the proof shows what AWS decides.
        let as_declared = match decision.verdict {
            Verdict::Allow => expected,
            Verdict::Deny => !expected,
            Verdict::Unknown(_) => false,
        };
        if !as_declared {
            self.tally.failures.push((
                self.index,
                counterexample(self.grant, &request, &decision, expected, proof.blame),
            ));
        }
        as_declared
    }

    /// The declared principal: every S3 action, inside and outside the grant.
    fn the_declared_principal(&mut self, space: &RequestSpace) {
        let proof = self.proof;
        let grants_of = proof.of(&space.principal);
        for (action, may_be_allowed) in service_reference::s3()
            .actions
            .iter()
            .zip(&proof.may_be_allowed)
        {
            let name = action.full_name();
            if !may_be_allowed
                && !grants_of
                    .0
                    .iter()
                    .chain(grants_of.1)
                    .any(|(g, _)| g.actions.iter().any(|a| std::ptr::eq(*a, action)))
            {
                continue;
            }
            // Each action on the resources it can name (its resource types in the service
            // reference): S3 never authorizes an object action on an access point's own ARN, nor
            // a listing on an object.
            let on_objects = !action.is_access_point_bucket_action();
            let on_access_point = !action.is_access_point_object_action();
            for mfa in &space.variants {
                let mut requests: Vec<(String, Context)> = Vec::new();
                if on_objects {
                    requests.extend(
                        space
                            .keys
                            .iter()
                            .map(|k| (format!("{}/object/{k}", space.ap), mfa.clone())),
                    );
                }
                for listing in space.listings.iter().filter(|_| on_access_point) {
                    let mut c = listing.clone();
                    c.extend(mfa.clone());
                    requests.push((space.ap.clone(), c));
                }
                requests.push((
                    format!("{}/object/xacct-proof-key", space.other_ap),
                    mfa.clone(),
                ));
                for (resource, context) in requests {
                    let expected = declared(grants_of, &name, &resource, &context);
                    let request = Request {
                        principal: space.principal.clone(),
                        action: name.clone(),
                        resource,
                        context,
                    };
                    if !self.check(request, expected) {
                        return;
                    }
                }
            }
        }
    }

    /// Other principals, on what the grant declares; a stranger also tries the bucket directly,
    /// around the access point.
    fn other_principals(&mut self, space: &RequestSpace) {
        let g = self.grant;
        for other in &space.others {
            if other.contains(STRANGER) {
                for (action, resource) in [
                    (
                        "s3:GetObject",
                        format!("{}/{}", space.bucket, space.keys[0]),
                    ),
                    ("s3:ListBucket", space.bucket.clone()),
                    (
                        "s3:PutObject",
                        format!("{}/{}", space.bucket, space.keys[0]),
                    ),
                ] {
                    let request = Request {
                        principal: other.clone(),
                        action: action.into(),
                        resource,
                        context: Context::new(),
                    };
                    if !self.check(request, false) {
                        return;
                    }
                }
            }
            for action in g.actions.iter() {
                let resource = if action.is_access_point_object_action() {
                    format!("{}/object/{}", space.ap, space.keys[0])
                } else {
                    space.ap.clone()
                };
                let context = if g.prefixes.is_empty() {
                    ctx(&[("aws:MultiFactorAuthPresent", "true")])
                } else {
                    ctx(&[
                        ("s3:prefix", space.prefixes[0].as_str()),
                        ("aws:MultiFactorAuthPresent", "true"),
                    ])
                };
                let context = with(&context, &space.inside);
                let expected = declared(
                    self.proof.of(other),
                    &action.full_name(),
                    &resource,
                    &context,
                );
                let request = Request {
                    principal: other.clone(),
                    action: action.full_name(),
                    resource,
                    context,
                };
                if !self.check(request, expected) {
                    return;
                }
            }
        }
    }

    /// The bucket's KMS key, used by S3 on the principal's behalf: inside the grant, and with
    /// each of its limits broken in turn; by the others too.
    fn the_kms_key(&mut self, space: &RequestSpace) {
        let g = self.grant;
        let Some(key) = &g.kms_key else {
            return;
        };
        let key_arn = key.arn();
        let bucket = &space.bucket;
        let time: Vec<(&'static str, String)> = g
            .restrictions
            .expires
            .iter()
            .map(|e| ("aws:CurrentTime", e.just_before()))
            .collect();
        let call = |via: Option<&str>, object: &str| {
            let mut c = with(&Context::new(), &time);
            if let Some(via) = via {
                c.insert("kms:ViaService".to_owned(), vec![via.to_owned()]);
            }
            c.insert(
                "kms:EncryptionContext:aws:s3:arn".to_owned(),
                vec![object.to_owned()],
            );
            c
        };
        let via = key.via_service();
        let inside_object = format!("{bucket}/{}", space.keys[0]);
        let mut contexts = vec![
            call(Some(&via), &inside_object),
            call(Some(&via), bucket),
            call(Some(&via), &format!("{bucket}{OUTSIDE}key")),
            call(None, &inside_object),
            call(Some("ec2.us-east-1.amazonaws.com"), &inside_object),
        ];
        if let Some(e) = &g.restrictions.expires {
            let mut late = call(Some(&via), &inside_object);
            late.insert("aws:CurrentTime".to_owned(), vec![e.to_string()]);
            contexts.push(late);
        }
        let mut callers: Vec<(String, Context)> = space
            .identity_variants
            .iter()
            .map(|v| (space.principal.clone(), v.clone()))
            .collect();
        callers.extend(space.others.iter().map(|o| (o.clone(), Context::new())));
        for (caller, identity) in &callers {
            for action in ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"] {
                for context in &contexts {
                    let mut context = context.clone();
                    context.extend(identity.clone());
                    let expected = declared_kms(self.proof.of(caller), action, &key_arn, &context);
                    let request = Request {
                        principal: caller.clone(),
                        action: action.into(),
                        resource: key_arn.clone(),
                        context,
                    };
                    if !self.check(request, expected) {
                        return;
                    }
                }
            }
        }
    }

    /// Assuming the bridge role: with and without MFA and external id, before the expiry and at
    /// it, by the requester and by others.
    fn the_bridge_role(&mut self, space: &RequestSpace) {
        let g = self.grant;
        let Some(role) = &g.bridge_role else {
            return;
        };
        let role = role.arn();
        let times: Vec<Vec<(&'static str, String)>> = match &g.restrictions.expires {
            Some(e) => vec![
                vec![("aws:CurrentTime", e.just_before())],
                vec![("aws:CurrentTime", e.to_string())],
            ],
            None => vec![Vec::new()],
        };
        let mut contexts = Vec::new();
        for mfa in ["true", "false"] {
            contexts.push(ctx(&[("aws:MultiFactorAuthPresent", mfa)]));
            if let Some(id) = &g.external_id {
                contexts.push(ctx(&[
                    ("aws:MultiFactorAuthPresent", mfa),
                    ("sts:ExternalId", id),
                ]));
                contexts.push(ctx(&[
                    ("aws:MultiFactorAuthPresent", mfa),
                    ("sts:ExternalId", "xacct-proof-wrong-id"),
                ]));
            }
        }
        let contexts: Vec<Context> = contexts
            .iter()
            .flat_map(|c| times.iter().map(move |t| with(c, t)))
            .collect();
        let mut callers: Vec<String> = g
            .requester
            .principal()
            .map(Principal::arn)
            .into_iter()
            .collect();
        callers.extend(space.others.iter().cloned());
        for caller in &callers {
            for context in &contexts {
                let assumers = self
                    .proof
                    .assumers
                    .get(&role)
                    .map_or(&[][..], Vec::as_slice);
                let expected = declared_assume(assumers, caller, context);
                let request = Request {
                    principal: caller.clone(),
                    action: "sts:AssumeRole".into(),
                    resource: role.clone(),
                    context: context.clone(),
                };
                if !self.check(request, expected) {
                    return;
                }
            }
        }
    }
}
