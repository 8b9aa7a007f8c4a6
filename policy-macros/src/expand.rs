//! The parsed invocation → a `static` with every document pre-rendered, or compile errors under
//! the tokens that caused them.

use crate::ast::Input;
use policy_core::{build, Deployment, Document, GrantData};
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
        Ok(deployment) => deployment_tokens(&deployment, core),
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

fn cow(s: &str) -> TokenStream {
    quote! { ::std::borrow::Cow::Borrowed(#s) }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(s) => {
            let s = cow(s);
            quote! { ::core::option::Option::Some(#s) }
        }
        None => quote! { ::core::option::Option::None },
    }
}

fn cows<'a>(values: impl Iterator<Item = &'a str>) -> TokenStream {
    let values = values.map(cow);
    quote! { ::std::borrow::Cow::Borrowed(&[#(#values),*]) }
}

fn deployment_tokens(d: &Deployment, core: &TokenStream) -> TokenStream {
    let name = cow(&d.name);
    let grants = d.grants().iter().map(|g| grant_tokens(g, core));
    let documents = d.documents().iter().map(|doc| document_tokens(doc, core));
    quote! {
        #core::Deployment {
            name: #name,
            grants: ::std::borrow::Cow::Borrowed(&[#(#grants),*]),
            documents: ::std::borrow::Cow::Borrowed(&[#(#documents),*]),
            json: ::std::sync::OnceLock::new(),
        }
    }
}

fn grant_tokens(g: &GrantData, core: &TokenStream) -> TokenStream {
    let (name, doc, requester, access_point, bucket, bucket_account) = (
        cow(&g.name),
        cow(&g.doc),
        cow(&g.requester),
        cow(&g.access_point),
        cow(&g.bucket),
        cow(&g.bucket_account),
    );
    let assume_role = option(g.assume_role.as_deref());
    let external_id = option(g.external_id.as_deref());
    let actions = cows(g.actions.iter().map(|a| a.as_ref()));
    let prefixes = cows(g.prefixes.iter().map(|p| p.as_ref()));
    let require_mfa = g.require_mfa;
    let requester_trust = option(g.requester_trust.as_deref());
    let vpc_endpoints = cows(g.vpc_endpoints.iter().map(|v| v.as_ref()));
    let vpcs = cows(g.vpcs.iter().map(|v| v.as_ref()));
    let source_ips = cows(g.source_ips.iter().map(|v| v.as_ref()));
    let expires = option(g.expires.as_deref());
    let access_point_vpc = option(g.access_point_vpc.as_deref());
    let kms_key = option(g.kms_key.as_deref());
    quote! {
        #core::GrantData {
            name: #name, doc: #doc, requester: #requester, assume_role: #assume_role,
            access_point: #access_point, bucket: #bucket, bucket_account: #bucket_account,
            actions: #actions, prefixes: #prefixes, require_mfa: #require_mfa, external_id: #external_id,
            requester_trust: #requester_trust, vpc_endpoints: #vpc_endpoints, vpcs: #vpcs,
            source_ips: #source_ips, expires: #expires, access_point_vpc: #access_point_vpc,
            kms_key: #kms_key,
        }
    }
}

fn document_tokens(d: &Document, core: &TokenStream) -> TokenStream {
    let (account, target) = (cow(&d.account), cow(&d.target));
    let kind = syn::Ident::new(&format!("{:?}", d.kind), proc_macro2::Span::call_site());
    let name = option(d.name.as_deref());
    let policy = option(d.policy.as_deref());
    let bucket = option(d.bucket.as_deref());
    let bucket_account = option(d.bucket_account.as_deref());
    let region = option(d.region.as_deref());
    let path = option(d.path.as_deref());
    let vpc = option(d.vpc.as_deref());
    let grants = cows(d.grants.iter().map(|g| g.as_ref()));
    quote! {
        #core::Document {
            account: #account, kind: #core::DocumentKind::#kind, target: #target, name: #name,
            policy: #policy, bucket: #bucket, bucket_account: #bucket_account, region: #region,
            path: #path, vpc: #vpc, grants: #grants,
        }
    }
}
