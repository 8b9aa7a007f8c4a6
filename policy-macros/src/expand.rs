//! The parsed invocation → a `static` with every document pre-rendered, or compile errors under
//! the tokens that caused them.

use crate::ast::Input;
use crate::emit;
use policy_core::{build, Deployment};
use proc_macro2::TokenStream;
use quote::quote;

/// `core` is the path the expansion names `policy-core` by: `::policy_core`, or the path a
/// re-exporting crate passes (`xacct` passes its own).
pub fn expand(input: Input, core: &TokenStream) -> TokenStream {
    let docs = input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || crate::ast::is_lint(a));
    let grant_docs = grants_section(&input.grant_docs);
    let value = match try_expand(&input) {
        Ok(deployment) => emit::deployment(&deployment, core),
        Err(errors) => {
            let compile_errors = errors.iter().map(syn::Error::to_compile_error);
            // The static still exists, empty, so uses of it do not add errors of their own.
            quote! { { #(#compile_errors)* #core::Deployment::EMPTY } }
        }
    };
    let (vis, name) = (&input.vis, &input.name);
    quote! {
        #(#docs)*
        #grant_docs
        #vis static #name: #core::Deployment = #value;
    }
}

/// The deployment, or every compile error: those of parsing, then those of `policy_core::build`,
/// each under the tokens its `Loc` stands for.
pub fn try_expand(input: &Input) -> Result<Deployment, Vec<syn::Error>> {
    let rendered = build(&input.deployment);
    let mut errors = input.errors.clone();
    if let Err(diagnostics) = &rendered {
        for d in diagnostics.iter() {
            let text = d.to_string();
            errors.push(match input.locs.get(d.loc.0 as usize) {
                Some(tokens) => syn::Error::new_spanned(tokens, text),
                None => syn::Error::new(input.name.span(), text),
            });
        }
    }
    match rendered {
        Ok(deployment) if errors.is_empty() => Ok(deployment),
        _ => Err(errors),
    }
}

/// `# Grants` with each grant's doc comment, appended to the static's rustdoc.
fn grants_section(grants: &[(String, String)]) -> TokenStream {
    if grants.is_empty() {
        return TokenStream::new();
    }
    let mut lines = vec![String::new(), "# Grants".to_owned(), String::new()];
    for (name, doc) in grants {
        let doc = if doc.is_empty() {
            String::new()
        } else {
            format!(": {}", doc.replace('\n', " "))
        };
        lines.push(format!("- `{name}`{doc}"));
    }
    quote! { #(#[doc = #lines])* }
}
