//! One request followed through the chain a grant sets up: the requester assumes the bridge role,
//! then the bridge role's session makes the S3 request through the access point.

use crate::deployment::GrantData;
use crate::eval::{evaluate, Context, Decision, PolicySet, Request};

#[derive(Clone, Debug)]
pub struct Step {
    pub title: String,
    pub request: Request,
    pub decision: Decision,
}

#[derive(Clone, Debug)]
pub struct Explanation {
    pub allowed: bool,
    pub steps: Vec<Step>,
}

/// Evaluates `principal` doing `action` on `resource`. When a grant routes this requester to the
/// resource's access point through a bridge role, the role assumption is evaluated first (with
/// the same context: MFA and external id), then the request as the bridge role.
pub fn explain(
    set: &PolicySet,
    grants: &[GrantData],
    principal: &str,
    action: &str,
    resource: &str,
    context: &Context,
) -> Explanation {
    let bridge = grants.iter().find(|g| {
        g.requester == principal
            && g.assume_role.is_some()
            && resource.starts_with(g.access_point.as_ref())
    });
    let mut steps = Vec::new();
    let mut caller = principal.to_owned();
    if let Some(role) = bridge.and_then(|g| g.assume_role.as_deref()) {
        let request = Request {
            principal: principal.to_owned(),
            action: "sts:AssumeRole".into(),
            resource: role.to_owned(),
            context: context.clone(),
        };
        let decision = evaluate(set, &request);
        let allowed = decision.allowed;
        steps.push(Step {
            title: format!("{principal} assumes the bridge role {role}"),
            request,
            decision,
        });
        if !allowed {
            return Explanation {
                allowed: false,
                steps,
            };
        }
        caller = role.to_owned();
    }
    let request = Request {
        principal: caller.clone(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        context: context.clone(),
    };
    let decision = evaluate(set, &request);
    let allowed = decision.allowed;
    steps.push(Step {
        title: format!("{caller} calls {action} on {resource}"),
        request,
        decision,
    });
    Explanation { allowed, steps }
}
