//! The build pipeline of one deployment, the same at compile time (in `grants!`) and at run
//! time: validate the input into checked grants, render every document, prove that the documents
//! allow exactly what the grants declare, and gather the result into a [`Deployment`].

use crate::deployment::Deployment;
use crate::diagnostic::{Diagnostics, Loc};
use crate::grant::Grant;
use crate::input::DeploymentInput;
use crate::restrictions::Expiry;
use std::borrow::Cow;

pub use crate::proof::prove;
pub use crate::render::render;
pub use crate::validate::validate;

/// Validates and renders a deployment: the same function the macro runs at compile time.
pub fn build(input: &DeploymentInput) -> Result<Deployment, Diagnostics> {
    let grants = validate(input)?;
    let loc = |i: usize| input.grants.get(i).map_or(input.name.loc, |g| g.name.loc);
    build_grants(&input.name.value, &grants, input.name.loc, loc)
}

/// [`build`] from grants checked already (such as a deployment's own), for tools that derive one
/// deployment from another.
pub fn build_from_grants(name: &str, grants: &[Grant]) -> Result<Deployment, Diagnostics> {
    build_grants(name, grants, Loc::UNKNOWN, |_| Loc::UNKNOWN)
}

/// Render, prove and gather checked grants; `loc` places a failed proof on its grant.
fn build_grants(
    name: &str,
    grants: &[Grant],
    at: Loc,
    loc: impl Fn(usize) -> Loc,
) -> Result<Deployment, Diagnostics> {
    let documents = render(name, grants, at)?;
    // Least privilege, proven: the documents must allow exactly what the grants declare.
    if let Err(failures) = prove(&documents, grants) {
        return Err(Diagnostics(
            failures.into_iter().map(|(i, p)| p.at(loc(i))).collect(),
        ));
    }
    Ok(Deployment {
        name: Cow::Owned(name.to_owned()),
        grants: Cow::Owned(grants.to_vec()),
        documents: Cow::Owned(documents),
        json: std::sync::OnceLock::new(),
    })
}

/// A deployment without the grants whose expiry has passed: what `plan`, `apply` and `verify`
/// hold AWS to, so that an expired grant's statements are removed like a deleted grant's.
#[derive(Debug)]
pub struct InForce<'d> {
    /// Every grant the code declares, expired or not.
    pub declared: &'d Deployment,
    /// The grants in force.
    pub deployment: Cow<'d, Deployment>,
    /// The grants left out, with their expiry, in the deployment's order.
    pub expired: Vec<(String, Expiry)>,
}

/// The grants of `deployment` still in force at `now` (seconds since the epoch), rendered and
/// proven again when any has expired; the deployment itself when none has.
pub fn in_force(deployment: &Deployment, now: i64) -> Result<InForce<'_>, Diagnostics> {
    let mut grants = Vec::new();
    let mut expired = Vec::new();
    for grant in deployment.grants() {
        match &grant.restrictions.expires {
            Some(e) if e.passed(now) => expired.push((grant.name.to_string(), e.clone())),
            _ => grants.push(grant.clone()),
        }
    }
    if expired.is_empty() {
        return Ok(InForce {
            declared: deployment,
            deployment: Cow::Borrowed(deployment),
            expired,
        });
    }
    let rebuilt = build_from_grants(&deployment.name, &grants)?;
    Ok(InForce {
        declared: deployment,
        deployment: Cow::Owned(rebuilt),
        expired,
    })
}
