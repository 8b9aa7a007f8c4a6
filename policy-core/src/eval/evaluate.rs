//! AWS's policy evaluation logic for the documents of a deployment: explicit deny first, then the
//! identity and resource policies each request needs — both for a principal from another account,
//! the access point policy *and* the bucket policy for a request through an access point, the
//! identity policy *and* the trust policy to assume a role. Every decision carries its reasons.

use super::condition::{holds, resource_like, substitute, wildcard, Context, Keys};
use super::limit::{LimitKind, LimitPolicy, Limits};
use super::organization::{ControlKind, Organization};
use super::policy::{Effect, Policy, PrincipalEntry, Statement};
use crate::deployment::{Document, DocumentKind};
use crate::diagnostic::Problem;
use crate::hash::Fnv;
use crate::json::POLICY_VERSION;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// One request: who, what, on which resource, with which context keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// A role, user, account root or role-session ARN, or a service principal.
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub context: Context,
}

/// A string-keyed index of the set.
type Index<V> = HashMap<String, V, Fnv>;

/// A policy document the evaluator knows, with what it is attached to.
#[derive(Clone, Debug)]
pub struct PolicyDoc {
    pub kind: DocumentKind,
    pub account: String,
    pub target: String,
    pub policy: Policy,
}

/// An access point and the bucket behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPointInfo {
    pub arn: String,
    pub account: String,
    pub bucket: String,
    pub bucket_account: String,
    /// Network origin `VPC`: S3 rejects requests through the access point from other places.
    pub vpc: Option<String>,
}

/// An access point with what every request through it needs, computed once.
#[derive(Clone, Debug)]
struct KnownAccessPoint {
    info: AccessPointInfo,
    bucket_arn: String,
    /// The values of `s3:DataAccessPointArn` and `s3:DataAccessPointAccount`.
    keys: [[String; 1]; 2],
}

/// Every document the evaluation may consult.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// Private: the indexes below are built from it by [`PolicySet::push`].
    pub(crate) docs: Vec<PolicyDoc>,
    /// Added by [`PolicySet::add_access_point`], found by ARN through `access_point_index`.
    access_points: Vec<KnownAccessPoint>,
    access_point_index: Index<usize>,
    /// `docs` by (kind, target), and identity policies by (account, role or user name): the proof
    /// evaluates hundreds of thousands of requests against sets of a thousand documents.
    /// Nested, so that a lookup by `&str` allocates nothing.
    by_target: HashMap<DocumentKind, Index<Vec<usize>>>,
    by_identity: Index<Index<Vec<usize>>>,
    /// "access point policy of arn:…", per document, for the reasons that cite it.
    descriptions: Vec<Arc<str>>,
    /// Role ARNs (with their paths) by (account, role name), from the documents attached to roles.
    role_arns: HashMap<(String, String), String, Fnv>,
    /// The account of each bucket the set knows (from its bucket policy, an access point or
    /// [`PolicySet::set_bucket_owner`]).
    bucket_owners: Index<String>,
    /// The organization's SCPs and RCPs, when they could be read.
    pub organization: Option<Organization>,
    /// Permissions boundaries, session policies and endpoint policies.
    limits: Limits,
    /// When set, a principal from another account whose identity policies are not in the set is
    /// assumed to be allowed anything by its own account (the proof's worst case). Off, such a
    /// principal has no identity policy at all.
    pub assume_unknown_identities_allow: bool,
    /// When set, every principal from another account is assumed to be allowed anything by its
    /// own account, whatever identity policies the set holds for it: then the resource's side
    /// alone decides, as it must for the data's owner, who does not control the other account.
    pub assume_other_accounts_allow: bool,
}

/// A statement that decided, or a rule that did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub effect: Effect,
    /// "access point policy of arn:..." or the rule applied. Shared with the set: decisions are
    /// made by the hundred thousand, and most of their reasons are never read.
    pub document: Arc<str>,
    pub sid: Option<Arc<str>>,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let effect = if self.effect == Effect::Allow {
            "allowed by"
        } else {
            "denied by"
        };
        match &self.sid {
            Some(sid) => write!(f, "{effect} statement `{sid}` of the {}", self.document),
            None => write!(f, "{effect} {}", self.document),
        }
    }
}

/// What AWS would answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
    /// The set lacks what AWS would use to decide (the account of a bucket it has no document
    /// for); the text says what.
    Unknown(String),
}

/// A document the evaluation read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Consulted {
    /// An index into [`PolicySet::documents`].
    Document(usize),
    /// An index into the organization's [`Organization::policies`].
    ControlPolicy(usize),
    /// An index into [`PolicySet::limit_policies`].
    Limit(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The statements that decided (the denies when a deny decided), and the rule when none did.
    pub reasons: Vec<Reason>,
    /// Every document read, in the order read (indexes: the hot path builds no text).
    pub consulted: Vec<Consulted>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }

    /// The documents read, in prose: "bucket policy of arn:aws:s3:::b in account 222222222222".
    /// Each once, in the order first read (a policy read for two layers, or attached at two
    /// levels, is listed once).
    pub fn consulted_documents(&self, set: &PolicySet) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.consulted
            .iter()
            .filter(|c| seen.insert(**c))
            .filter_map(|c| match *c {
                Consulted::Document(i) => set
                    .docs
                    .get(i)
                    .map(|d| format!("{} in account {}", set.descriptions[i], d.account)),
                Consulted::ControlPolicy(i) => set
                    .organization
                    .as_ref()
                    .and_then(|o| o.policies.get(i))
                    .map(|p| format!("{} {} ({})", p.kind.describe(), p.id, p.name)),
                Consulted::Limit(i) => set
                    .limits
                    .policies
                    .get(i)
                    .map(|l| l.description.to_string()),
            })
            .collect()
    }
}

impl PolicySet {
    /// The documents of a deployment (rendered, or read back from AWS).
    pub fn from_documents(docs: &[Document]) -> Result<PolicySet, Problem> {
        let mut set = PolicySet::default();
        for d in docs {
            if d.kind == DocumentKind::AccessPoint {
                if let (Some(bucket), Some(owner)) = (&d.bucket, &d.bucket_account) {
                    set.set_bucket_owner(bucket, owner);
                }
                set.add_access_point(AccessPointInfo {
                    arn: d.target.to_string(),
                    account: d.account.to_string(),
                    bucket: d.bucket.as_deref().unwrap_or_default().to_owned(),
                    bucket_account: d.bucket_account.as_deref().unwrap_or(&d.account).to_owned(),
                    vpc: d.vpc.as_deref().map(str::to_owned),
                });
            }
            if let Some(text) = &d.policy {
                let policy = Policy::parse(text).map_err(|p| {
                    Problem::new(format!(
                        "{} of {}: {}",
                        d.kind.describe(),
                        d.target,
                        p.message
                    ))
                })?;
                set.push(PolicyDoc {
                    kind: d.kind,
                    account: d.account.to_string(),
                    target: d.target.to_string(),
                    policy,
                });
            }
        }
        Ok(set)
    }

    /// Every document of the set, in the order they were added.
    pub fn documents(&self) -> &[PolicyDoc] {
        &self.docs
    }

    /// Sets the permissions boundary (the managed policy `policy_arn`) of a role or user; a
    /// session of the role is limited by it too.
    pub fn set_permissions_boundary(
        &mut self,
        entity_arn: &str,
        policy_arn: &str,
        policy: Policy,
    ) -> Result<(), Problem> {
        self.add_limit(
            LimitKind::PermissionsBoundary,
            entity_arn,
            policy_arn,
            policy,
        )
    }

    /// Sets the session policy (inline or managed, passed to `AssumeRole`) of a role session.
    pub fn set_session_policy(
        &mut self,
        session_arn: &str,
        name: &str,
        policy: Policy,
    ) -> Result<(), Problem> {
        self.add_limit(LimitKind::SessionPolicy, session_arn, name, policy)
    }

    /// Sets the policy of the VPC endpoint `endpoint_id` (`vpce-…`): requests whose
    /// `aws:SourceVpce` is that endpoint must satisfy it.
    pub fn set_endpoint_policy(
        &mut self,
        endpoint_id: &str,
        name: &str,
        policy: Policy,
    ) -> Result<(), Problem> {
        self.add_limit(LimitKind::EndpointPolicy, endpoint_id, name, policy)
    }

    fn add_limit(
        &mut self,
        kind: LimitKind,
        attached_to: &str,
        name: &str,
        policy: Policy,
    ) -> Result<(), Problem> {
        let what = match kind {
            LimitKind::PermissionsBoundary => "a role or user ARN: a permissions boundary is attached to a role or a user",
            LimitKind::SessionPolicy => "a role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION): session policies limit role sessions",
            LimitKind::EndpointPolicy => "a VPC endpoint id (vpce-…)",
        };
        self.limits
            .add(kind, attached_to, name, policy)
            .map(drop)
            .ok_or_else(|| Problem::new(format!("`{attached_to}` is not {what}")))
    }

    /// The permissions boundaries, session policies and endpoint policies of the set.
    pub fn limit_policies(&self) -> &[LimitPolicy] {
        &self.limits.policies
    }

    /// Makes requests through the access point `info.arn` known (replacing what the set knew of
    /// it): which bucket it serves, whose it is, its network origin.
    pub fn add_access_point(&mut self, info: AccessPointInfo) {
        let partition = info.arn.split(':').nth(1).unwrap_or("aws");
        let known = KnownAccessPoint {
            bucket_arn: format!("arn:{partition}:s3:::{}", info.bucket),
            keys: [[info.arn.clone()], [info.account.clone()]],
            info,
        };
        match self.access_point_index.get(&known.info.arn) {
            Some(&i) => self.access_points[i] = known,
            None => {
                self.access_point_index
                    .insert(known.info.arn.clone(), self.access_points.len());
                self.access_points.push(known);
            }
        }
    }

    /// The access point whose ARN is `arn`, when the set knows it.
    pub fn access_point(&self, arn: &str) -> Option<&AccessPointInfo> {
        self.known_access_point(arn).map(|known| &known.info)
    }

    fn known_access_point(&self, arn: &str) -> Option<&KnownAccessPoint> {
        self.access_point_index
            .get(arn)
            .map(|&i| &self.access_points[i])
    }

    /// Records the account that owns `bucket` (a name, not an ARN). A request on a bucket whose
    /// owner the set does not know is [`Verdict::Unknown`] when it depends on it.
    pub fn set_bucket_owner(&mut self, bucket: &str, account: &str) {
        self.bucket_owners
            .insert(bucket.to_owned(), account.to_owned());
    }

    /// The account of `bucket`, when the set knows it.
    fn bucket_owner(&self, bucket: &str) -> Option<&str> {
        self.bucket_owners
            .get(bucket)
            .map(String::as_str)
            .or_else(|| {
                self.access_points
                    .iter()
                    .find(|ap| ap.info.bucket == bucket)
                    .map(|ap| ap.info.bucket_account.as_str())
            })
    }

    /// The account that owns `resource`: an S3 bucket's from what the set knows, any other ARN's
    /// from its account field; `*` and account-less ARNs are the caller's own account's
    /// (account-level actions such as `s3:ListAllMyBuckets`).
    fn resource_owner<'a>(&'a self, resource: &'a str, caller: Option<&'a str>) -> Option<&'a str> {
        let Some(["arn", _, service, region, account, rest]) = arn_parts(resource) else {
            return caller;
        };
        if service == "s3" && region.is_empty() && account.is_empty() {
            return self.bucket_owner(rest.split('/').next().unwrap_or_default());
        }
        if account.is_empty() {
            caller
        } else {
            Some(account)
        }
    }

    /// Adds a document to the set.
    pub fn push(&mut self, doc: PolicyDoc) {
        let description = format!("{} of {}", doc.kind.describe(), doc.target);
        self.push_described(doc, &description);
    }

    /// Adds a document to the set, cited in reasons as `description` ("managed policy
    /// arn:…:policy/p attached to arn:…:role/r") rather than by its kind and target.
    pub fn push_described(&mut self, doc: PolicyDoc, description: &str) {
        let index = self.docs.len();
        if doc.kind == DocumentKind::BucketPolicy {
            if let Some(bucket) = doc.target.rsplit(":::").next() {
                self.bucket_owners
                    .insert(bucket.to_owned(), doc.account.clone());
            }
        }
        self.by_target
            .entry(doc.kind)
            .or_default()
            .entry(doc.target.clone())
            .or_default()
            .push(index);
        if matches!(
            doc.kind,
            DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy
        ) {
            let id = Identity::of(&doc.target);
            let name = doc.target.rsplit('/').next().unwrap_or_default().to_owned();
            self.by_identity
                .entry(id.account.unwrap_or_default().to_owned())
                .or_default()
                .entry(name)
                .or_default()
                .push(index);
        }
        if matches!(
            doc.kind,
            DocumentKind::RoleInlinePolicy | DocumentKind::RoleTrustPolicy
        ) {
            let id = Identity::of(&doc.target);
            if let (Some(account), Some(name), false) = (id.account, id.role_name, id.session) {
                self.role_arns
                    .insert((account.to_owned(), name.to_owned()), doc.target.clone());
            }
        }
        self.descriptions.push(description.into());
        self.docs.push(doc);
    }

    /// The indexes of the documents of `kind` attached to `target`.
    fn docs(&self, kind: DocumentKind, target: &str) -> &[usize] {
        self.by_target
            .get(&kind)
            .and_then(|by_name| by_name.get(target))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The ARN (with its path) of role `name` in `account`, when a document of the set is
    /// attached to it.
    fn role_arn(&self, account: &str, name: &str) -> Option<String> {
        self.role_arns
            .get(&(account.to_owned(), name.to_owned()))
            .cloned()
    }

    /// The indexes of the identity policies of a principal (a role session uses its role's).
    fn identity(&self, principal: &str, id: &Identity) -> Vec<usize> {
        let name = id
            .role_name
            .unwrap_or_else(|| principal.rsplit('/').next().unwrap_or_default());
        self.by_identity
            .get(id.account.unwrap_or_default())
            .and_then(|by_name| by_name.get(name))
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| {
                let d = &self.docs[*i];
                d.target == principal || (id.role_name.is_some() && d.target.contains(":role/"))
            })
            .collect()
    }
}

/// The six parts of an ARN (the last keeps its colons), when `text` has them.
fn arn_parts(text: &str) -> Option<[&str; 6]> {
    let mut parts = text.splitn(6, ':');
    let mut out = [""; 6];
    for slot in &mut out {
        *slot = parts.next()?;
    }
    Some(out)
}

/// What the evaluator needs to know about a principal ARN (borrowed, and read once a request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity<'a> {
    account: Option<&'a str>,
    /// For roles and their sessions.
    role_name: Option<&'a str>,
    session: bool,
    /// A service-linked role or its session: organization guardrails do not limit it.
    service_linked: bool,
    /// The role or user has a permissions boundary in the set.
    bounded: bool,
}

impl<'a> Identity<'a> {
    /// A service principal (`lambda.amazonaws.com`): no account, no identity policies.
    fn is_service(&self, principal: &str) -> bool {
        self.account.is_none() && !principal.starts_with("arn:")
    }

    fn of(principal: &'a str) -> Identity<'a> {
        let Some(["arn", _, _, _, account, resource]) = arn_parts(principal) else {
            return Identity {
                account: None,
                role_name: None,
                session: false,
                service_linked: false,
                bounded: false,
            };
        };
        let (role_name, session) = if let Some(r) = resource.strip_prefix("role/") {
            (r.rsplit('/').next(), false)
        } else if let Some(r) = resource.strip_prefix("assumed-role/") {
            (r.split('/').next(), true)
        } else {
            (None, false)
        };
        // Service-linked roles live under the path `/aws-service-role/` and are named
        // `AWSServiceRoleFor…` ("Using service-linked roles", IAM user guide).
        let service_linked = resource.starts_with("role/aws-service-role/")
            || role_name.is_some_and(|r| r.starts_with("AWSServiceRoleFor"));
        Identity {
            account: Some(account).filter(|a| !a.is_empty()),
            role_name,
            session,
            service_linked,
            bounded: false,
        }
    }
}

fn principal_matches(entry: &PrincipalEntry, principal: &str, who: &Identity) -> bool {
    match entry {
        PrincipalEntry::Anyone => true,
        PrincipalEntry::Service(s)
        | PrincipalEntry::Federated(s)
        | PrincipalEntry::CanonicalUser(s) => s == principal,
        PrincipalEntry::Aws(id) if id.len() == 12 && id.bytes().all(|c| c.is_ascii_digit()) => {
            who.account == Some(id.as_str())
        }
        PrincipalEntry::Aws(id) if id.ends_with(":root") => {
            who.account.is_some() && Identity::of(id).account == who.account
        }
        PrincipalEntry::Aws(id) => {
            if id == principal {
                return true;
            }
            // A role's sessions act as the role (parsed only for a session: this runs per entry).
            who.session && id.contains(":role/") && {
                let named = Identity::of(id);
                named.role_name.is_some()
                    && named.role_name == who.role_name
                    && named.account == who.account
            }
        }
    }
}

/// Whether `NotPrincipal` exempts the caller: AWS checks each identity of the request — the
/// account, then the role, then the role session (or the user) — so every one of them must be
/// listed; naming a role does not exempt its sessions, naming a user or role without its account
/// exempts nobody ("AWS JSON policy elements: NotPrincipal", key points).
fn not_principal_exempts(entries: &[PrincipalEntry], principal: &str, who: &Identity) -> bool {
    let listed = |wanted: &dyn Fn(&PrincipalEntry) -> bool| entries.iter().any(wanted);
    if listed(&|e| matches!(e, PrincipalEntry::Anyone)) {
        return true;
    }
    let Some(account) = who.account else {
        // A service or other non-IAM principal: named as itself.
        return listed(&|e| principal_matches(e, principal, who));
    };
    let account_listed = listed(&|e| {
        is_account_entry(e)
            && matches!(e, PrincipalEntry::Aws(id) if id == account || Identity::of(id).account == Some(account))
    });
    let role_listed = || {
        listed(&|e| match e {
            PrincipalEntry::Aws(id) => {
                let named = Identity::of(id);
                id.contains(":role/")
                    && named.account == Some(account)
                    && named.role_name == who.role_name
            }
            _ => false,
        })
    };
    let itself_listed = || listed(&|e| matches!(e, PrincipalEntry::Aws(id) if id == principal));
    let is_root = principal.ends_with(":root");
    account_listed
        && (is_root
            || match (who.session, who.role_name.is_some()) {
                (true, _) => role_listed() && itself_listed(),
                (false, true) => role_listed(),
                (false, false) => itself_listed(),
            })
}

/// Whether a statement applies to the request; `resource_policy` says whether `Principal` is
/// checked (resource and trust policies) or absent (identity policies).
/// `variables`: the policy is version 2012-10-17, so `${...}` are policy variables.
fn applies(
    s: &Statement,
    request: &View,
    who: &Identity,
    resource_policy: bool,
    variables: bool,
) -> bool {
    if resource_policy {
        let Some(entries) = &s.principal else {
            return false;
        };
        let named = || {
            entries
                .iter()
                .any(|e| principal_matches(e, request.principal, who))
        };
        let applies_to_caller = match (s.not_principal, s.effect) {
            (false, _) => named(),
            // A `Deny` with `NotPrincipal` denies every IAM principal that has a permissions
            // boundary, whatever it lists ("Permissions boundaries for IAM entities").
            (true, Effect::Deny) => {
                who.bounded || !not_principal_exempts(entries, request.principal, who)
            }
            // AWS does not support `NotPrincipal` with `Allow`; under the older reading it
            // allowed everyone but the principals it names. Either way a principal it names —
            // itself, its role, its account — gets nothing from it ("AWS JSON policy
            // elements: NotPrincipal").
            (true, Effect::Allow) => !named(),
        };
        if !applies_to_caller {
            return false;
        }
    }
    if s.actions.iter().any(|a| wildcard(a, request.action, true)) == s.not_action {
        return false;
    }
    if let Some(resources) = &s.resources {
        let mut hit = false;
        let has_variables = variables && resources.iter().any(|r| r.contains("${"));
        for pattern in resources {
            if hit && !has_variables {
                break;
            }
            let pattern = if variables {
                // A variable AWS cannot resolve: the statement does not apply.
                let Some(p) = substitute(pattern, request) else {
                    return false;
                };
                p
            } else {
                std::borrow::Cow::Borrowed(pattern.as_str())
            };
            hit |= resource_like(&pattern, request.resource);
        }
        if hit == s.not_resource {
            return false;
        }
    }
    s.conditions.iter().all(|c| holds(c, request, variables))
}

/// Whether an `Allow` of a resource or trust policy that applies grants on its own: it names the
/// principal itself (its role, user or session, `*`, a service). One that matches only through
/// the account (`123456789012` or `arn:aws:iam::123456789012:root`) delegates to that account,
/// whose identity policies must then allow as well — even in the same account ("Policy evaluation
/// logic", "IAM JSON policy elements: Principal": AWS account principals).
fn names_principal(s: &Statement, request: &View, who: &Identity) -> bool {
    let Some(entries) = &s.principal else {
        return true;
    };
    if s.not_principal {
        return true;
    }
    entries
        .iter()
        .any(|e| !is_account_entry(e) && principal_matches(e, request.principal, who))
}

/// Whether an `Allow` names the caller's own session or user ARN — not its role's, not its
/// account ("Policy evaluation for requests within a single account": resource-based policies).
/// `*` names every principal, the session itself included (our reading: the page does not say).
fn names_itself(s: &Statement, principal: &str, who: &Identity) -> bool {
    let itself = who.session || (who.role_name.is_none() && principal.contains(":user/"));
    itself
        && !s.not_principal
        && s.principal.as_ref().is_some_and(|entries| {
            entries.iter().any(|e| match e {
                PrincipalEntry::Anyone => true,
                PrincipalEntry::Aws(id) => id == principal,
                _ => false,
            })
        })
}

fn is_account_entry(entry: &PrincipalEntry) -> bool {
    matches!(entry, PrincipalEntry::Aws(id)
        if id.ends_with(":root") || (id.len() == 12 && id.bytes().all(|c| c.is_ascii_digit())))
}

/// What the statements of one policy that apply say.
#[derive(Clone, Copy, Debug, Default)]
struct Found {
    allow: bool,
    deny: bool,
    /// An `Allow` names the principal itself, not only its account.
    direct: bool,
    /// An `Allow` names the caller's own ARN, and the caller is a role session or a user: within
    /// an account such a grant is not limited by a permissions boundary or session policy.
    unbounded: bool,
}

/// The statements of one document of the set that apply, their reasons added to `reasons`.
fn scan(
    set: &PolicySet,
    index: usize,
    request: &View,
    who: &Identity,
    resource_policy: bool,
    reasons: &mut Vec<Reason>,
) -> Found {
    scan_policy(
        &set.docs[index].policy,
        &|| set.descriptions[index].clone(),
        request,
        who,
        resource_policy,
        (reasons, true),
    )
}

/// [`scan`] for any policy; `document` names it in the reasons; the reasons of `Allow`
/// statements are kept only when asked (a guardrail's allows explain nothing).
fn scan_policy(
    policy: &Policy,
    document: &dyn Fn() -> Arc<str>,
    request: &View,
    who: &Identity,
    resource_policy: bool,
    (reasons, keep_allows): (&mut Vec<Reason>, bool),
) -> Found {
    let mut found = Found::default();
    let variables = policy.version.as_deref() == Some(POLICY_VERSION);
    for s in policy
        .statements
        .iter()
        .filter(|s| applies(s, request, who, resource_policy, variables))
    {
        let allow = s.effect == Effect::Allow;
        if allow {
            found.allow = true;
            found.direct |= !resource_policy || names_principal(s, request, who);
            found.unbounded |= resource_policy && names_itself(s, request.principal, who);
        } else {
            found.deny = true;
        }
        if !allow || keep_allows {
            reasons.push(Reason {
                effect: s.effect,
                document: document(),
                sid: s.sid.clone(),
            });
        }
    }
    found
}

/// A request as the evaluator reads it: the asked request's keys, with the keys the evaluator
/// derives laid over them (`over`: the access point keys, which describe the request) and under
/// them (`under`: the principal's keys, used when the request does not carry its own). Nothing
/// of the asked request is copied.
#[derive(Clone, Copy)]
struct View<'a> {
    principal: &'a str,
    action: &'a str,
    resource: &'a str,
    base: &'a Context,
    over: [(&'static str, &'a [String]); 2],
    under: [(&'static str, &'a [String]); 4],
}

impl<'a> Keys for View<'a> {
    fn values(&self, key: &str) -> Option<&[String]> {
        let derived = |layer: &[(&'static str, &'a [String])]| {
            layer
                .iter()
                .find(|(k, v)| !v.is_empty() && k.eq_ignore_ascii_case(key))
                .map(|(_, v)| *v)
        };
        derived(&self.over)
            .or_else(|| Keys::values(self.base, key))
            .or_else(|| derived(&self.under))
    }
}

/// The principal's keys ("AWS global condition context keys"): `aws:PrincipalAccount`,
/// `aws:PrincipalArn` (a role session's is its role's ARN, with the role's path when the set
/// names the role), and `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` for an account of a known organization.
fn principal_keys(set: &PolicySet, request: &Request, who: &Identity) -> [[String; 1]; 4] {
    let account = who.account.unwrap_or_default().to_owned();
    // The caller's own ARN is borrowed from the request (see `evaluate`); a role session's is
    // its role's.
    let role_arn = match (who.session, who.account, who.role_name) {
        (true, Some(account), Some(role)) => set.role_arn(account, role).unwrap_or_else(|| {
            let partition = request.principal.split(':').nth(1).unwrap_or("aws");
            format!("arn:{partition}:iam::{account}:role/{role}")
        }),
        _ => String::new(),
    };
    let (org, path) = match (&set.organization, who.account) {
        (Some(org), Some(account)) if org.knows(account) => {
            (org.id.clone(), org.path(account).unwrap_or_default())
        }
        _ => (String::new(), String::new()),
    };
    [[account], [role_arn], [org], [path]]
}

/// The keys, with empty values standing for absent ones.
fn layer<'a, const N: usize>(
    keys: [&'static str; N],
    values: [&'a [String; 1]; N],
) -> [(&'static str, &'a [String]); N] {
    std::array::from_fn(|i| {
        let value: &[String] = if values[i][0].is_empty() {
            &[]
        } else {
            values[i]
        };
        (keys[i], value)
    })
}

/// What one layer of resource policies says: whether it allows at all, and whether it names the
/// principal itself rather than only its account.
#[derive(Clone, Copy, Debug, Default)]
struct Allowed {
    any: bool,
    direct: bool,
    /// See [`Found::unbounded`].
    unbounded: bool,
}

/// Collects allows and denies of several layers, then applies the rules.
struct Tally<'s, 'r> {
    set: &'s PolicySet,
    /// The caller, read once.
    who: Identity<'r>,
    reasons: Vec<Reason>,
    consulted: Vec<Consulted>,
    denied: bool,
    /// An SCP or RCP level, or an endpoint policy, that allows nothing here: an implicit deny no
    /// other policy lifts.
    blocked: Option<String>,
    /// The caller's permissions boundary or session policy that does not allow the request.
    limited: Option<String>,
}

impl<'s, 'r> Tally<'s, 'r> {
    fn new(set: &'s PolicySet, who: Identity<'r>) -> Self {
        Tally {
            set,
            who,
            reasons: Vec::new(),
            consulted: Vec::new(),
            denied: false,
            blocked: None,
            limited: None,
        }
    }

    /// The caller's permissions boundary and session policy, read like identity policies:
    /// whether every one present allows. A principal from another account assumed to be allowed
    /// anything by its own account (see [`Tally::identity`]) is assumed unlimited too.
    fn limits(&mut self, request: &View, resource_account: Option<&str>) -> bool {
        let (set, who) = (self.set, self.who);
        if set.limits.is_empty()
            || (set.assume_other_accounts_allow
                && who.account.is_some()
                && who.account != resource_account)
        {
            return true;
        }
        let mut all_allow = true;
        for index in [
            set.limits.boundary(request.principal),
            set.limits.session(request.principal),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(refusal) = self.limit(index, request, false) {
                all_allow = false;
                self.limited.get_or_insert(refusal);
            }
        }
        all_allow
    }

    /// The policy of the VPC endpoint the request came through (its `aws:SourceVpce`), when the
    /// set has it: it must allow, as a resource policy (its `Principal` is checked).
    fn endpoint(&mut self, request: &View) {
        let set = self.set;
        if !set.limits.has_endpoints() {
            return;
        }
        for id in request.values("aws:SourceVpce").unwrap_or_default() {
            let Some(index) = set.limits.endpoint(id) else {
                continue;
            };
            if let Some(refusal) = self.limit(index, request, true) {
                self.blocked.get_or_insert(refusal);
            }
        }
    }

    /// Reads one limiting policy (its denies count as any other); when it does not allow the
    /// request, what to say of it.
    fn limit(&mut self, index: usize, request: &View, resource_policy: bool) -> Option<String> {
        let limit = &self.set.limits.policies[index];
        self.consulted.push(Consulted::Limit(index));
        let found = scan_policy(
            &limit.policy,
            &|| limit.description.clone(),
            request,
            &self.who,
            resource_policy,
            (&mut self.reasons, false),
        );
        self.denied |= found.deny;
        (!found.allow).then(|| format!("default: the {} does not allow it", limit.description))
    }

    /// Decides with `rule(limits_allow)`; when the caller's boundary or session policy is all
    /// that refuses, the reason names it.
    fn decide_limited(
        mut self,
        rule: impl Fn(bool) -> Verdict,
        limits_allow: bool,
        missing: impl FnOnce() -> String,
    ) -> Decision {
        let outcome = rule(limits_allow);
        if outcome == Verdict::Deny && !limits_allow && rule(true) == Verdict::Allow {
            if let Some(limited) = self.limited.take() {
                return self.decide(Verdict::Deny, || limited);
            }
        }
        self.decide(outcome, missing)
    }

    /// The caller's identity layer. A principal from another account whose identity policies are
    /// not in the set may be allowed anything by its own account: assume the worst.
    fn identity(&mut self, docs: &[usize], request: &View, resource_account: Option<&str>) -> bool {
        let who = self.who;
        if (self.set.assume_other_accounts_allow
            || (self.set.assume_unknown_identities_allow && docs.is_empty()))
            && who.account.is_some()
            && who.account != resource_account
        {
            self.reasons.push(Reason {
                effect: Effect::Allow,
                document: if docs.is_empty() {
                    format!("assumption: the identity policies of {} are not known here; its own account may allow anything", request.principal)
                } else {
                    format!("assumption: {} may hold identity policies other than these; its own account may allow anything", request.principal)
                }.into(),
                sid: None,
            });
            return true;
        }
        self.layer(docs, request, false)
    }

    /// Whether any document allows; for identity policies, `layer(..).any`.
    fn layer(&mut self, docs: &[usize], request: &View, resource_policy: bool) -> bool {
        self.resource_layer(docs, request, resource_policy).any
    }

    /// Whether the documents allow, and whether one of them names the principal itself.
    fn resource_layer(&mut self, docs: &[usize], request: &View, resource_policy: bool) -> Allowed {
        let mut allowed = Allowed::default();
        for &i in docs {
            self.consulted.push(Consulted::Document(i));
            let found = scan(
                self.set,
                i,
                request,
                &self.who,
                resource_policy,
                &mut self.reasons,
            );
            self.denied |= found.deny;
            allowed.any |= found.allow;
            allowed.direct |= found.direct;
            allowed.unbounded |= found.unbounded;
        }
        allowed
    }

    /// The organization's guardrails for one request: the SCPs of the caller's account (when
    /// `caller`) and the RCPs of `resource_account`. A `Deny` counts as any other; a level that
    /// allows nothing blocks the request.
    fn guardrails(&mut self, request: &View, caller: bool, resource_account: Option<&str>) {
        let Some(org) = &self.set.organization else {
            return;
        };
        let who = self.who;
        if who.service_linked {
            return;
        }
        let caller_levels = who.account.filter(|_| caller).and_then(|a| org.levels(a));
        let resource_levels = resource_account
            .filter(|_| Organization::rcp_applies_to(request.action))
            .and_then(|a| org.levels(a));
        for (levels, kind) in [
            (caller_levels, ControlKind::Service),
            (resource_levels, ControlKind::Resource),
        ] {
            if !org.enabled.contains(&kind) {
                continue;
            }
            for level in levels.unwrap_or_default() {
                let mut allowed = false;
                for &i in &level.policies {
                    let control = &org.policies[i];
                    if control.kind != kind {
                        continue;
                    }
                    self.consulted.push(Consulted::ControlPolicy(i));
                    let document = || -> Arc<str> {
                        format!(
                            "{} {} ({}) attached to {}",
                            kind.describe(),
                            control.id,
                            control.name,
                            level.target
                        )
                        .into()
                    };
                    // RCPs are read as resource policies (`Principal` is checked), SCPs as
                    // identity policies.
                    let found = scan_policy(
                        &control.policy,
                        &document,
                        request,
                        &who,
                        kind == ControlKind::Resource,
                        (&mut self.reasons, false),
                    );
                    allowed |= found.allow;
                    self.denied |= found.deny;
                }
                if !allowed && self.blocked.is_none() {
                    self.blocked = Some(format!(
                        "default: no {} attached to {} allows it",
                        kind.describe(),
                        level.target
                    ));
                }
            }
        }
    }

    /// `missing` says what no policy allowed; it is built only for a denial.
    fn decide(mut self, verdict: Verdict, missing: impl FnOnce() -> String) -> Decision {
        if self.denied {
            return Decision {
                verdict: Verdict::Deny,
                reasons: self
                    .reasons
                    .into_iter()
                    .filter(|r| r.effect == Effect::Deny)
                    .collect(),
                consulted: self.consulted,
            };
        }
        let verdict = match (self.blocked.take(), verdict) {
            (Some(blocked), _) => {
                self.reasons.push(Reason {
                    effect: Effect::Deny,
                    document: blocked.into(),
                    sid: None,
                });
                Verdict::Deny
            }
            (None, Verdict::Deny) => {
                self.reasons.push(Reason {
                    effect: Effect::Deny,
                    document: missing().into(),
                    sid: None,
                });
                Verdict::Deny
            }
            (None, verdict) => verdict,
        };
        Decision {
            verdict,
            reasons: self.reasons,
            consulted: self.consulted,
        }
    }
}

fn verdict(allowed: bool) -> Verdict {
    if allowed {
        Verdict::Allow
    } else {
        Verdict::Deny
    }
}

/// Evaluates one request against the set, as AWS would: the request read once (the
/// principal's keys laid under its own), then judged by the rules of what it asks for.
pub fn evaluate(set: &PolicySet, asked: &Request) -> Decision {
    if asked.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return caller_identity();
    }
    let mut who = Identity::of(&asked.principal);
    who.bounded = set.limits.boundary(&asked.principal).is_some();
    let [account, role_arn, org, path] = principal_keys(set, asked, &who);
    let principal_arn = if role_arn[0].is_empty() {
        std::array::from_ref(&asked.principal)
    } else {
        &role_arn
    };
    let request = View {
        principal: &asked.principal,
        action: &asked.action,
        resource: &asked.resource,
        base: &asked.context,
        over: [("", &[]), ("", &[])],
        under: layer(
            [
                "aws:PrincipalAccount",
                "aws:PrincipalArn",
                "aws:PrincipalOrgID",
                "aws:PrincipalOrgPaths",
            ],
            [&account, principal_arn, &org, &path],
        ),
    };
    let judge = Judge {
        set,
        who,
        identity: set.identity(&asked.principal, &who),
        tally: Tally::new(set, who),
        // A service principal has no identity policies: the resource policies alone decide
        // ("Policy evaluation logic": AWS service principals).
        service: who.is_service(request.principal),
    };
    if request.action.eq_ignore_ascii_case("sts:AssumeRole") {
        return judge.assume_role(&request);
    }
    let access_point = request
        .resource
        .split("/object/")
        .next()
        .unwrap_or_default();
    if let Some(known) = set.known_access_point(access_point) {
        return judge.through_access_point(&request, known);
    }
    if request
        .action
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("kms:"))
        && is_kms_key(request.resource)
    {
        return judge.kms_key(&request);
    }
    judge.other_resource(&request)
}

/// `sts:GetCallerIdentity` needs no permission, and a policy that denies it does not stop it
/// ("GetCallerIdentity", AWS STS API reference).
fn caller_identity() -> Decision {
    Decision {
        verdict: Verdict::Allow,
        reasons: vec![Reason {
            effect: Effect::Allow,
            document: "rule: sts:GetCallerIdentity needs no permission, and no deny stops it (AWS STS API reference, GetCallerIdentity)".into(),
            sid: None,
        }],
        consulted: Vec::new(),
    }
}

/// Whether `resource` is a KMS key, whose key policy must allow any use of it. KMS requests on
/// anything else — an alias (`arn:aws:kms:…:alias/…`), or `*` for account-level actions such as
/// `kms:ListKeys` and `kms:CreateKey` — are authorized by IAM policies alone ("Controlling access
/// to aliases", AWS KMS Developer Guide; "AWS KMS permissions" reference: Resources).
fn is_kms_key(resource: &str) -> bool {
    arn_parts(resource).is_some_and(|[_, _, service, _, _, rest]| {
        service.eq_ignore_ascii_case("kms") && rest.starts_with("key/")
    })
}

/// What every kind of request is judged with: the set, the caller (read once) and its identity
/// documents, and the tally of what each layer says.
struct Judge<'s, 'r> {
    set: &'s PolicySet,
    who: Identity<'r>,
    identity: Vec<usize>,
    tally: Tally<'s, 'r>,
    service: bool,
}

impl Judge<'_, '_> {
    /// Assuming a role: the trust policy must allow; from another account the caller's identity
    /// policy must allow as well.
    fn assume_role(mut self, request: &View) -> Decision {
        let (set, who, tally) = (self.set, self.who, &mut self.tally);
        let trust = set.docs(DocumentKind::RoleTrustPolicy, request.resource);
        let role_account = Identity::of(request.resource).account;
        tally.guardrails(request, true, role_account);
        tally.endpoint(request);
        let trust_says = tally.resource_layer(trust, request, true);
        let trusted = trust_says.any;
        let by_identity = tally.identity(&self.identity, request, role_account);
        let limits_allow = tally.limits(request, role_account);
        let same_account = role_account.is_some() && role_account == who.account;
        let service = self.service;
        // In the role's own account a trust policy naming the principal is enough; naming the
        // account delegates to its identity policies.
        let rule = |limits_allow: bool| {
            verdict(
                trusted
                    && ((by_identity && limits_allow)
                        || service
                        || (same_account
                            && trust_says.direct
                            && (trust_says.unbounded || limits_allow))),
            )
        };
        let missing = || {
            if !trusted {
                format!(
                    "default: the trust policy of {} does not allow this principal",
                    request.resource
                )
            } else {
                "default: no identity policy allows sts:AssumeRole on this role".to_owned()
            }
        };
        self.tally.decide_limited(rule, limits_allow, missing)
    }

    /// Through an access point: identity policies see the access point ARN, the access point
    /// policy too; the bucket policy sees the bucket or object ARN, with the access point in the
    /// context.
    fn through_access_point(mut self, request: &View, known: &KnownAccessPoint) -> Decision {
        let (set, who, tally) = (self.set, self.who, &mut self.tally);
        let ap = &known.info;
        // The access point keys describe the request: every policy that judges it sees them
        // ("Configuring IAM policies for using access points": condition keys).
        let request = View {
            over: layer(
                ["s3:DataAccessPointArn", "s3:DataAccessPointAccount"],
                known.keys.each_ref(),
            ),
            ..*request
        };
        tally.guardrails(&request, true, Some(&ap.account));
        tally.endpoint(&request);
        let by_identity = tally.identity(&self.identity, &request, Some(&ap.account));
        let limits_allow = tally.limits(&request, Some(&ap.account));
        let ap_docs = set.docs(DocumentKind::AccessPointPolicy, &ap.arn);
        let ap_says = tally.resource_layer(ap_docs, &request, true);
        let by_ap = ap_says.any;
        let bucket_arn = known.bucket_arn.as_str();
        let bucket_docs = set.docs(DocumentKind::BucketPolicy, bucket_arn);
        let object;
        let bucket_resource = match request
            .resource
            .strip_prefix(ap.arn.as_str())
            .and_then(|rest| rest.strip_prefix("/object/"))
        {
            Some(key) => {
                object = format!("{bucket_arn}/{key}");
                object.as_str()
            }
            None => bucket_arn,
        };
        // The bucket policy judges the same request on the bucket's own ARN; the bucket's
        // account's RCPs judge it too.
        let bucket_request = &View {
            resource: bucket_resource,
            ..request
        };
        if ap.bucket_account != ap.account {
            tally.guardrails(bucket_request, false, Some(&ap.bucket_account));
        }
        let bucket_says = tally.resource_layer(bucket_docs, bucket_request, true);
        let caller = who.account;
        let in_ap_account = caller == Some(ap.account.as_str());
        // The bucket's owner's own identity policies, read only when they can matter.
        let by_bucket_identity = caller == Some(ap.bucket_account.as_str())
            && !(bucket_says.any && (bucket_says.direct || by_identity) && limits_allow)
            && tally.layer(&self.identity, bucket_request, false);
        let service = self.service;
        // A VPC-only access point takes requests from its VPC only, before any policy
        // ("Creating access points restricted to a virtual private cloud", S3 User Guide).
        let from_origin = ap.vpc.as_ref().is_none_or(|vpc| {
            request
                .values("aws:SourceVpc")
                .is_some_and(|v| v.iter().any(|x| x == vpc))
        });
        // Whether the caller's side, the access point policy and the bucket policy allow, with
        // the caller's boundary and session policy allowing or not. A policy that names only
        // the caller's account delegates to its identity policies.
        let layers = |limits_allow: bool| {
            let by_identity = by_identity && limits_allow;
            let direct = |says: Allowed| says.direct && (says.unbounded || limits_allow);
            let ap_ok =
                (by_ap && (direct(ap_says) || by_identity)) || (in_ap_account && by_identity);
            let bucket_ok = (bucket_says.any && (direct(bucket_says) || by_identity))
                || (by_bucket_identity && limits_allow);
            let identity_ok = by_identity || in_ap_account || service;
            (identity_ok, ap_ok, bucket_ok)
        };
        let rule = |limits_allow: bool| {
            let (identity_ok, ap_ok, bucket_ok) = layers(limits_allow);
            verdict(from_origin && identity_ok && ap_ok && bucket_ok)
        };
        let (identity_ok, ap_ok, _) = layers(limits_allow);
        let missing = || {
            if let (false, Some(vpc)) = (from_origin, &ap.vpc) {
                format!(
                    "denied: the access point {} takes requests from {vpc} only (network origin VPC), and this one does not come from it",
                    ap.arn
                )
            } else if !identity_ok {
                "default: no identity policy of the caller allows it (needed from another account)"
                    .to_owned()
            } else if !ap_ok {
                format!(
                    "default: the access point policy of {} does not allow it",
                    ap.arn
                )
            } else {
                format!(
                    "default: the bucket policy of {} does not delegate it to the access point",
                    ap.bucket
                )
            }
        };
        self.tally.decide_limited(rule, limits_allow, missing)
    }

    /// A KMS key: its key policy must allow, naming the caller (enough in the key's account) or
    /// trusting the caller's account (then the caller's identity policy must allow too); an
    /// identity policy alone never does, even in the key's account; from another account both
    /// must allow ("Key policies in AWS KMS"; "Allowing users in other accounts to use a KMS
    /// key").
    fn kms_key(mut self, request: &View) -> Decision {
        let (set, who, tally) = (self.set, self.who, &mut self.tally);
        let key_account = Identity::of(request.resource).account;
        tally.guardrails(request, true, key_account);
        tally.endpoint(request);
        let by_identity = tally.identity(&self.identity, request, key_account);
        let limits_allow = tally.limits(request, key_account);
        let key_docs = set.docs(DocumentKind::KeyPolicy, request.resource);
        let key_says = tally.resource_layer(key_docs, request, true);
        let same_account = key_account.is_some() && key_account == who.account;
        let rule = |limits_allow: bool| {
            verdict(
                key_says.any
                    && ((by_identity && limits_allow)
                        || (same_account
                            && key_says.direct
                            && (key_says.unbounded || limits_allow))),
            )
        };
        let missing = || {
            if key_says.any {
                "default: no identity policy of the caller allows it (needed unless the key policy names the caller in the key's own account)".to_owned()
            } else {
                format!(
                    "default: the key policy of {} does not allow it (a key policy must, even in the key's own account)",
                    request.resource
                )
            }
        };
        self.tally.decide_limited(rule, limits_allow, missing)
    }

    /// Anything else: the resource's own policy (a bucket policy when the set has one), and the
    /// caller's identity policies.
    fn other_resource(mut self, request: &View) -> Decision {
        let (set, who, tally) = (self.set, self.who, &mut self.tally);
        let bucket = request.resource.split('/').next().unwrap_or_default();
        let resource_docs = set.docs(DocumentKind::BucketPolicy, bucket);
        let owner = set.resource_owner(request.resource, who.account);
        tally.guardrails(request, true, owner);
        tally.endpoint(request);
        let by_identity = tally.identity(&self.identity, request, owner);
        let limits_allow = tally.limits(request, owner);
        let resource_says = tally.resource_layer(resource_docs, request, true);
        let by_resource = resource_says.any;
        let service = self.service;
        let rule = |limits_allow: bool| {
            let by_identity = by_identity && limits_allow;
            if service {
                return verdict(by_resource);
            }
            match owner {
                Some(owner) if Some(owner) == who.account => verdict(
                    by_identity
                        || (resource_says.direct && (resource_says.unbounded || limits_allow)),
                ),
                Some(_) => verdict(by_identity && by_resource),
                // Nothing allows it, wherever the resource is.
                None if !by_identity && !by_resource => Verdict::Deny,
                None => Verdict::Unknown(format!(
                    "the account that owns {bucket} is not known here: the request is allowed if it is the caller's account; from any other account, the bucket's policy must allow it too"
                )),
            }
        };
        self.tally.decide_limited(rule, limits_allow, || {
            "default: nothing allows it (implicit deny)".to_owned()
        })
    }
}
