//! One request followed through the chain a grant sets up: the requester assumes the bridge role,
//! then the bridge role's session makes the S3 request through the access point.

use crate::arn::{AccessPointArn, Principal, RawArn};
use crate::diagnostic::{did_you_mean, Problem};
use crate::eval::condition::{holds, lookup};
use crate::eval::{evaluate, wildcard, Context, Decision, Effect, PolicySet, Request, Verdict};
use crate::grant::Grant;
use crate::restrictions::{check_resource_id, Expiry};
use crate::service_reference;

#[derive(Clone, Debug)]
pub struct Step {
    pub title: String,
    pub request: Request,
    pub decision: Decision,
    /// When the step is denied: the conditions of statements that would otherwise have allowed
    /// it, and what the request had instead (`StringEquals sts:ExternalId …: the request has none`).
    pub unmet: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Explanation {
    /// The last step's verdict.
    pub verdict: Verdict,
    pub steps: Vec<Step>,
}

/// Evaluates `principal` doing `action` on `resource`. When a grant routes this requester to the
/// resource's access point through a bridge role, the role assumption is evaluated first (with
/// the same context: MFA and external id), then the request as the bridge role.
pub fn explain(
    set: &PolicySet,
    grants: &[Grant],
    principal: &str,
    action: &str,
    resource: &str,
    context: &Context,
) -> Explanation {
    let bridge = bridge_role(grants, principal, resource);
    follow(
        set,
        principal,
        bridge.as_deref(),
        None,
        action,
        resource,
        context,
    )
}

/// [`explain`], with `session_policy` passed to the session that makes the request: the bridge
/// role's session when a grant routes the requester through one, else the principal's own (a
/// role session ARN as given; for a role ARN, a session of it named `xacct-explain`).
pub fn explain_with_session_policy(
    set: &PolicySet,
    grants: &[Grant],
    principal: &str,
    (action, resource, context): (&str, &str, &Context),
    session_policy: crate::eval::Policy,
) -> Result<Explanation, Problem> {
    let bridge = bridge_role(grants, principal, resource);
    let caller = bridge.as_deref().unwrap_or(principal);
    let session = session_of(caller).ok_or_else(|| {
        Problem::new(format!(
            "a session policy limits a role session, and `{caller}` is not a role or role-session ARN (nor does a grant route it through a bridge role to `{resource}`)"
        ))
    })?;
    let mut set = set.clone();
    set.set_session_policy(&session, "given with --session-policy", session_policy)?;
    Ok(follow(
        &set,
        principal,
        bridge.as_deref(),
        Some(&session),
        action,
        resource,
        context,
    ))
}

/// The bridge role a grant routes `principal` through to the access point of `resource`.
fn bridge_role(grants: &[Grant], principal: &str, resource: &str) -> Option<String> {
    grants
        .iter()
        .find(|g| {
            g.requester
                .principal()
                .is_some_and(|p| p.arn() == principal)
                && g.bridge_role.is_some()
                && resource.starts_with(&g.access_point.arn())
        })
        .and_then(|g| g.bridge_role.as_ref().map(|role| role.arn()))
}

/// A role session ARN for `caller`: itself when it is one, a session named `xacct-explain` of a
/// role ARN, `None` for anything else.
fn session_of(caller: &str) -> Option<String> {
    let arn = RawArn::split(caller).ok()?;
    match (arn.service, arn.resource.split_once('/')) {
        ("sts", Some(("assumed-role", rest))) if rest.split('/').count() == 2 => {
            Some(caller.to_owned())
        }
        ("iam", Some(("role", path))) => {
            let name = path.rsplit('/').next()?;
            Some(format!(
                "arn:{}:sts::{}:assumed-role/{name}/xacct-explain",
                arn.partition, arn.account
            ))
        }
        _ => None,
    }
}

/// The steps: assuming `bridge` when there is one, then the request as the bridge role (or as
/// `session`, the session that makes it, when given).
fn follow(
    set: &PolicySet,
    principal: &str,
    bridge: Option<&str>,
    session: Option<&str>,
    action: &str,
    resource: &str,
    context: &Context,
) -> Explanation {
    let mut steps = Vec::new();
    let mut caller = principal.to_owned();
    if let Some(role) = bridge {
        let request = Request {
            principal: principal.to_owned(),
            action: "sts:AssumeRole".into(),
            resource: role.to_owned(),
            context: context.clone(),
        };
        let decision = evaluate(set, &request);
        let verdict = decision.verdict.clone();
        let unmet = unmet_conditions(set, &request, &decision);
        steps.push(Step {
            title: format!("{principal} assumes the bridge role {role}"),
            request,
            decision,
            unmet,
        });
        if verdict != Verdict::Allow {
            return Explanation { verdict, steps };
        }
        caller = role.to_owned();
    }
    if let Some(session) = session {
        caller = session.to_owned();
    }
    let request = Request {
        principal: caller.clone(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        context: context.clone(),
    };
    let decision = evaluate(set, &request);
    let verdict = decision.verdict.clone();
    let unmet = unmet_conditions(set, &request, &decision);
    steps.push(Step {
        title: format!("{caller} calls {action} on {resource}"),
        request,
        decision,
        unmet,
    });
    Explanation { verdict, steps }
}

/// For a denied request: each condition that kept an `Allow` statement of a policy on the
/// resource (or of the caller) from applying, with what the request carried for its key.
fn unmet_conditions(set: &PolicySet, request: &Request, decision: &Decision) -> Vec<String> {
    if decision.allowed() {
        return Vec::new();
    }
    let on_resource = |target: &str| {
        request.resource == target
            || request.resource.starts_with(&format!("{target}/"))
            || request.principal == target
    };
    let mut unmet = Vec::new();
    for doc in set.documents().iter().filter(|d| on_resource(&d.target)) {
        let variables = doc.policy.version.as_deref() == Some(crate::json::POLICY_VERSION);
        for statement in &doc.policy.statements {
            let action_matches = statement
                .actions
                .iter()
                .any(|pattern| wildcard(pattern, &request.action, true))
                != statement.not_action;
            if statement.effect != Effect::Allow || !action_matches {
                continue;
            }
            for condition in statement
                .conditions
                .iter()
                .filter(|c| !holds(c, &request.context, variables))
            {
                let had = match lookup(&request.context, &condition.key) {
                    Some(values) => format!("the request has `{}`", values.join("`, `")),
                    None => format!("the request has no `{}`", condition.key),
                };
                unmet.push(format!(
                    "condition `{}` on `{}` of statement `{}` of the {} of {}: {had}",
                    condition.operator,
                    condition.key,
                    statement.sid.as_deref().unwrap_or("(no Sid)"),
                    doc.kind.describe(),
                    doc.target
                ));
            }
        }
    }
    unmet
}

/// A request as the `explain` command takes it, checked as `grants!` checks its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRequest {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub context: Context,
}

/// Global condition keys whose values are booleans ("AWS global condition context keys", IAM
/// user guide); the service's own keys carry their type in the service reference.
const BOOL_GLOBAL_KEYS: &[&str] = &[
    "aws:MultiFactorAuthPresent",
    "aws:SecureTransport",
    "aws:ViaAWSService",
    "aws:PrincipalIsAWSService",
];

/// Checks the principal (a role, user, account root, role session or service principal), the
/// action (against the service reference, with did-you-mean), the resource ARN and each
/// `KEY=VALUE` of the context. Every problem found is returned, not only the first.
pub fn check_request(
    principal: &str,
    action: &str,
    resource: &str,
    context: &[String],
) -> Result<CheckedRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    if let Err(p) = check_principal(principal) {
        problems.push(p);
    }
    if let Err(p) = check_action(action) {
        problems.push(p);
    }
    if let Err(p) = check_resource(resource) {
        problems.push(p);
    }
    let mut ctx = Context::new();
    for pair in context {
        match check_context(pair) {
            Ok((key, value)) => ctx.entry(key).or_default().push(value),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CheckedRequest {
        principal: principal.to_owned(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        context: ctx,
    })
}

fn check_principal(principal: &str) -> Result<(), Problem> {
    if principal.ends_with(".amazonaws.com") && !principal.contains(':') {
        return Ok(());
    }
    if let Ok(arn) = RawArn::split(principal) {
        let session: Vec<&str> = arn.resource.split('/').collect();
        if arn.service == "sts" && session.len() == 3 && session[0] == "assumed-role" {
            return Ok(());
        }
    }
    Principal::parse(principal)
        .map(|_| ())
        .map_err(|p| Problem {
            message: format!("invalid `--principal`: {}", p.message),
            help: p.help.or(Some(
                "a role, user or account-root ARN, a role session ARN or a service principal"
                    .into(),
            )),
        })
}

fn check_action(action: &str) -> Result<(), Problem> {
    let Some((prefix, name)) = action.split_once(':') else {
        return Err(
            Problem::new(format!("invalid `--action {action}`: no service prefix"))
                .help("write it as in a policy: `s3:GetObject`"),
        );
    };
    let Some(service) = service_reference::service(prefix) else {
        return Err(Problem::new(format!(
            "invalid `--action {action}`: the service `{prefix}` is not one this tool knows (s3, sts, iam, kms)"
        )));
    };
    if service.action(name).is_some() {
        return Ok(());
    }
    let problem = Problem::new(format!("unknown action `{action}`"));
    Err(
        match did_you_mean(name, service.actions.iter().map(|a| a.name)) {
            Some(near) => problem.help(format!("did you mean `{prefix}:{near}`?")),
            None => problem,
        },
    )
}

fn check_resource(resource: &str) -> Result<(), Problem> {
    let bad = |p: Problem| {
        Problem {
        message: format!("invalid `--resource {resource}`: {}", p.message),
        help: Some(
            "an access point ARN (`…:accesspoint/NAME/object/KEY` for objects), a bucket ARN, a role ARN or a KMS key ARN"
                .into(),
        ),
    }
    };
    let arn = RawArn::split(resource).map_err(bad)?;
    match arn.service {
        "s3" if arn.resource.starts_with("accesspoint/") => {
            let access_point = resource.split("/object/").next().unwrap_or(resource);
            AccessPointArn::parse(access_point).map(|_| ()).map_err(bad)
        }
        "s3" if arn.region.is_empty() && arn.account.is_empty() && !arn.resource.is_empty() => {
            Ok(())
        }
        "iam" => Principal::parse(resource).map(|_| ()).map_err(bad),
        "kms" => crate::kms::KmsKey::parse(resource).map(|_| ()).map_err(bad),
        _ => Err(bad(Problem::new("not an S3, IAM or KMS resource"))),
    }
}

fn check_context(pair: &str) -> Result<(String, String), Problem> {
    let Some((key, value)) = pair.split_once('=') else {
        return Err(
            Problem::new(format!("invalid `--context {pair}`: not KEY=VALUE"))
                .help("e.g. `--context aws:MultiFactorAuthPresent=true`"),
        );
    };
    let known: Vec<&str> = ["s3", "sts", "iam", "kms"]
        .into_iter()
        .filter_map(service_reference::service)
        .flat_map(|s| s.condition_keys.iter().map(|k| k.name))
        .chain(BOOL_GLOBAL_KEYS.iter().copied())
        .chain([
            "aws:PrincipalArn",
            "aws:SourceIp",
            "aws:SourceVpc",
            "aws:SourceVpce",
            "aws:CurrentTime",
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
        ])
        .collect();
    let Some((prefix, _)) = key.split_once(':') else {
        let problem = Problem::new(format!(
            "invalid `--context {pair}`: `{key}` is not a condition key"
        ));
        return Err(match did_you_mean(key, known.iter().copied()) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None => problem.help("condition keys are `service:Name`, e.g. `sts:ExternalId`"),
        });
    };
    let typed = service_reference::service(prefix).and_then(|s| s.condition_key(key));
    if prefix != "aws" && typed.is_none() {
        let problem = Problem::new(format!("unknown condition key `{key}`"));
        return Err(match did_you_mean(key, known.iter().copied()) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None => problem,
        });
    }
    let boolean = typed.is_some_and(|k| k.value_type.eq_ignore_ascii_case("bool"))
        || BOOL_GLOBAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
    if boolean && value != "true" && value != "false" {
        return Err(Problem::new(format!(
            "invalid `--context {pair}`: `{key}` is true or false"
        )));
    }
    // The values the grants' network and time conditions compare, in the form AWS sets them.
    let invalid = |p: Problem| Problem {
        message: format!("invalid `--context {pair}`: {}", p.message),
        help: p.help,
    };
    if key.eq_ignore_ascii_case("aws:SourceIp") && value.parse::<std::net::IpAddr>().is_err() {
        return Err(invalid(
            Problem::new(format!("`{value}` is not an IP address"))
                .help("the address the request came from, e.g. `203.0.113.7`"),
        ));
    }
    if key.eq_ignore_ascii_case("aws:CurrentTime") {
        Expiry::parse(value).map_err(invalid)?;
    }
    if key.eq_ignore_ascii_case("aws:SourceVpce") {
        check_resource_id(value, "vpce", "a VPC endpoint").map_err(invalid)?;
    }
    if key.eq_ignore_ascii_case("aws:SourceVpc") {
        check_resource_id(value, "vpc", "a VPC").map_err(invalid)?;
    }
    Ok((key.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_like_grants() {
        let ok = check_request(
            "arn:aws:iam::111111111111:role/etl",
            "s3:GetObject",
            "arn:aws:s3:us-east-1:222222222222:accesspoint/data/object/a.csv",
            &[
                "sts:ExternalId=x".into(),
                "aws:MultiFactorAuthPresent=true".into(),
            ],
        );
        assert!(ok.is_ok(), "{ok:?}");
        let problems = check_request(
            "garbage",
            "s3:GetObjects",
            "not-an-arn",
            &[
                "MFA=maybe".into(),
                "aws:MultiFactorAuthPresent=maybe".into(),
            ],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert_eq!(
            problems[1].help.as_deref(),
            Some("did you mean `s3:GetObject`?")
        );
        assert!(check_request(
            "arn:aws:sts::111111111111:assumed-role/etl/session",
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/reader",
            &[],
        )
        .is_ok());
    }

    #[test]
    fn the_keys_of_network_time_organization_and_kms_conditions_are_accepted() {
        let request = check_request(
            "arn:aws:iam::222222222222:role/finance-reader",
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            &[
                "kms:ViaService=s3.us-east-1.amazonaws.com".into(),
                "kms:EncryptionContext:aws:s3:arn=arn:aws:s3:::finance-encrypted/closes/a".into(),
                "aws:SourceVpce=vpce-0a1b2c3d".into(),
                "aws:CurrentTime=2027-01-01T00:00:00Z".into(),
                "aws:PrincipalOrgPaths=o-a1b2c3d4e5/r-ab12/".into(),
            ],
        );
        assert!(request.is_ok(), "{request:?}");
        let problems = check_request(
            "arn:aws:iam::222222222222:role/finance-reader",
            "s3:GetObject",
            "arn:aws:s3:::finance-encrypted",
            &[
                "aws:SourceIp=203.0.113".into(),
                "aws:CurrentTime=tomorrow".into(),
                "aws:SourceVpc=vpce-0a1b2c3d".into(),
                "kms:EncryptionContxt:aws:s3:arn=x".into(),
            ],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
