//! The build pipeline of one deployment, the same at compile time (in `grants!`) and at run
//! time: validate the input into checked grants, render every document, prove that the documents
//! allow exactly what the grants declare, and gather the result into a [`Deployment`].

use crate::deployment::{Deployment, Document, GrantData};
use crate::diagnostic::Diagnostics;
use crate::input::DeploymentInput;
use crate::json::to_canonical_string;
use serde_json::Value;
use std::borrow::Cow;

pub use crate::proof::prove;
pub use crate::render::render;
pub use crate::validate::validate;

/// Validates and renders a deployment: the same function the macro runs at compile time.
pub fn build(input: &DeploymentInput) -> Result<Deployment, Diagnostics> {
    let grants = validate(input)?;
    let documents = render(&input.name.value, &grants, input.name.loc)?;
    // Least privilege, proven: the documents must allow exactly what the grants declare.
    if let Err(failures) = prove(&documents, &grants) {
        let loc = |i: usize| input.grants.get(i).map_or(input.name.loc, |g| g.name.loc);
        return Err(Diagnostics(
            failures.into_iter().map(|(i, p)| p.at(loc(i))).collect(),
        ));
    }
    let json = to_canonical_string(Value::Array(
        documents.iter().map(Document::to_json).collect(),
    ));
    Ok(Deployment {
        name: Cow::Owned(input.name.value.clone()),
        grants: Cow::Owned(grants.iter().map(GrantData::from).collect()),
        documents: Cow::Owned(documents),
        json: Cow::Owned(json),
    })
}
