//! Tokens → the input model of `policy-core`, remembering which tokens each value came from.
//!
//! Errors in a field's value are collected, not returned, so that one mistake does not hide the
//! next; only a broken outer shape (`pub static NAME = { ... };`) stops the parse.

use policy_core::{DeploymentInput, GrantField, GrantInput, Loc, Problem, Spanned, TrustInput};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{braced, bracketed, Attribute, Ident, LitBool, LitStr, Token, Visibility};

/// The parsed invocation.
pub struct Input {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub deployment: DeploymentInput,
    /// The tokens each [`Loc`] stands for, by index.
    pub locs: Vec<TokenStream>,
    /// Grants with an unreadable field are left out of `deployment`, so that their missing
    /// value is not reported a second time as missing.
    pub errors: Vec<syn::Error>,
    /// Each grant's doc comment, for the static's rustdoc.
    pub grant_docs: Vec<(String, String)>,
}

impl Input {
    fn loc(&mut self, tokens: impl ToTokens) -> Loc {
        self.locs.push(tokens.into_token_stream());
        Loc(u32::try_from(self.locs.len() - 1).unwrap_or(u32::MAX))
    }
}

/// Only doc comments are read; any other attribute would be dropped silently, so it is refused —
/// above all `#[cfg]`, which a macro cannot evaluate: a grant compiled out must not be deployed.
fn check_attributes(attrs: &[Attribute], on: &str) -> Vec<syn::Error> {
    attrs
        .iter()
        .filter_map(|attr| {
            let problem = if attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr") {
                Problem::new(format!("`#[cfg]` on a {on} is not supported: `grants!` cannot evaluate it, and a {on} compiled out would still be deployed"))
                    .help("put the grants that depend on a configuration in their own `grants!` inside a `#[cfg(...)] mod`")
            } else if on == "deployment" && is_lint(attr) {
                return None;
            } else if !attr.path().is_ident("doc") {
                let name = attr.path().to_token_stream().to_string().replace(' ', "");
                Problem::new(format!("attribute `#[{name}]` on a {on} is not supported"))
                    .help("only doc comments (`///`) are read; remove the attribute")
            } else if !matches!(&attr.meta, syn::Meta::NameValue(nv) if matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(_), .. }))) {
                Problem::new("a doc attribute takes a string: write a `///` comment")
            } else {
                return None;
            };
            Some(syn::Error::new_spanned(attr, problem.to_string()))
        })
        .collect()
}

/// `#[allow(...)]`, `#[warn(...)]`, `#[deny(...)]`, `#[expect(...)]`: kept on the static.
pub fn is_lint(attr: &Attribute) -> bool {
    ["allow", "warn", "deny", "expect"]
        .iter()
        .any(|lint| attr.path().is_ident(lint))
}

/// The text of `///` comments: `#[doc = "..."]` attributes, joined by lines.
pub fn doc_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Parse for Input {
    fn parse(stream: ParseStream) -> syn::Result<Self> {
        let attrs = stream.call(Attribute::parse_outer)?;
        let vis: Visibility = stream.parse()?;
        stream.parse::<Token![static]>()?;
        let name: Ident = stream.parse()?;
        stream.parse::<Token![=]>()?;
        let body;
        braced!(body in stream);
        if stream.peek(Token![;]) {
            stream.parse::<Token![;]>()?;
        }
        if !stream.is_empty() {
            return Err(stream.error("one `grants!` invocation declares one deployment: `pub static NAME = { grant ... };`"));
        }
        let mut input = Input {
            attrs,
            vis,
            name: name.clone(),
            deployment: DeploymentInput::default(),
            locs: Vec::new(),
            errors: Vec::new(),
            grant_docs: Vec::new(),
        };
        input.deployment.name = Spanned::new(name.to_string(), input.loc(&name));
        input.deployment.doc = doc_text(&input.attrs);
        let outer = check_attributes(&input.attrs, "deployment");
        input.errors.extend(outer);
        while !body.is_empty() {
            let attrs = body.call(Attribute::parse_outer)?;
            input.errors.extend(check_attributes(&attrs, "grant"));
            let keyword: Ident = body.parse()?;
            if keyword != "grant" {
                return Err(syn::Error::new(
                    keyword.span(),
                    Problem::new(format!("expected `grant`, found `{keyword}`"))
                        .help("each entry is `grant name { requester: ..., ... }`")
                        .to_string(),
                ));
            }
            let grant_name: Ident = body.parse()?;
            let fields;
            braced!(fields in body);
            let mut grant = GrantInput {
                name: Spanned::new(grant_name.to_string(), input.loc(&grant_name)),
                doc: doc_text(&attrs),
                ..GrantInput::default()
            };
            input
                .grant_docs
                .push((grant.name.value.clone(), grant.doc.clone()));
            let errors_before = input.errors.len();
            parse_fields(&fields, &mut grant, &mut input)?;
            if input.errors.len() == errors_before {
                input.deployment.grants.push(grant);
            }
        }
        Ok(input)
    }
}

/// `field: value, ...` — each value is read as the tokens up to the next top-level comma, so an
/// unreadable value costs one error and the next field is still read.
fn parse_fields(stream: ParseStream, grant: &mut GrantInput, input: &mut Input) -> syn::Result<()> {
    let mut seen: Vec<String> = Vec::new();
    while !stream.is_empty() {
        let field: Ident = stream.parse()?;
        stream.parse::<Token![:]>()?;
        let mut value = TokenStream::new();
        while !stream.is_empty() && !stream.peek(Token![,]) {
            value.extend([stream.parse::<TokenTree>()?]);
        }
        if !stream.is_empty() {
            stream.parse::<Token![,]>()?;
        }
        let name = field.to_string();
        if seen.contains(&name) {
            input.errors.push(syn::Error::new(
                field.span(),
                Problem::new(format!("duplicate field `{name}`"))
                    .help("remove one of them")
                    .to_string(),
            ));
            continue;
        }
        seen.push(name.clone());
        let kind = match GrantField::parse(&name) {
            Ok(kind) => kind,
            Err(problem) => {
                input
                    .errors
                    .push(syn::Error::new(field.span(), problem.to_string()));
                continue;
            }
        };
        if value.is_empty() {
            input.errors.push(syn::Error::new(
                field.span(),
                format!("`{name}` has no value"),
            ));
            continue;
        }
        if let Err(error) = read_value(kind, value, grant, input) {
            input.errors.push(error);
        }
    }
    Ok(())
}

/// Reads a field's value into its place in the grant. One arm per field: a field added to
/// [`GrantField`] does not compile until it is read here.
fn read_value(
    field: GrantField,
    value: TokenStream,
    grant: &mut GrantInput,
    input: &mut Input,
) -> syn::Result<()> {
    let name = field.name();
    match field {
        GrantField::Requester => grant.requester = Some(read_str(name, value, input)?),
        GrantField::RequesterTrust => grant.requester_trust = Some(read_trust(value, input)?),
        GrantField::AssumeRole => grant.assume_role = Some(read_str(name, value, input)?),
        GrantField::AccessPoint => grant.access_point = Some(read_str(name, value, input)?),
        GrantField::Bucket => grant.bucket = Some(read_str(name, value, input)?),
        GrantField::BucketAccount => grant.bucket_account = Some(read_str(name, value, input)?),
        GrantField::Actions => grant.actions = Some(read_actions(value, input)?),
        GrantField::Prefixes => grant.prefixes = Some(read_str_list(name, value, input)?),
        GrantField::RequireMfa => grant.require_mfa = Some(read_bool(name, value, input)?),
        GrantField::ExternalId => grant.external_id = Some(read_str(name, value, input)?),
        GrantField::PermissionsManagement => {
            grant.permissions_management = Some(read_bool(name, value, input)?)
        }
        GrantField::VpcEndpoints => grant.vpc_endpoints = Some(read_str_list(name, value, input)?),
        GrantField::Vpcs => grant.vpcs = Some(read_str_list(name, value, input)?),
        GrantField::SourceIps => grant.source_ips = Some(read_str_list(name, value, input)?),
        GrantField::Expires => grant.expires = Some(read_str(name, value, input)?),
        GrantField::AccessPointVpc => grant.access_point_vpc = Some(read_str(name, value, input)?),
        GrantField::KmsKey => grant.kms_key = Some(read_str(name, value, input)?),
    }
    Ok(())
}

/// `"text"`.
fn read_str(field: &str, value: TokenStream, input: &mut Input) -> syn::Result<Spanned<String>> {
    let lit: LitStr = syn::parse2(value)
        .map_err(|e| syn::Error::new(e.span(), format!("`{field}` takes a string literal")))?;
    Ok(Spanned::new(lit.value(), input.loc(&lit)))
}

/// `true` or `false`.
fn read_bool(field: &str, value: TokenStream, input: &mut Input) -> syn::Result<Spanned<bool>> {
    let lit: LitBool = syn::parse2(value)
        .map_err(|e| syn::Error::new(e.span(), format!("`{field}` takes `true` or `false`")))?;
    Ok(Spanned::new(lit.value, input.loc(&lit)))
}

/// `["a/", "b/"]`.
fn read_str_list(
    field: &str,
    value: TokenStream,
    input: &mut Input,
) -> syn::Result<Spanned<Vec<Spanned<String>>>> {
    let all = value.clone();
    let list = Parser::parse2(
        |s: ParseStream| {
            let inner;
            bracketed!(inner in s);
            Punctuated::<LitStr, Token![,]>::parse_terminated(&inner)
        },
        value,
    )
    .map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{field}` takes a list of string literals: `[\"reports/\", ...]`"),
        )
    })?;
    let items = list
        .iter()
        .map(|lit| Spanned::new(lit.value(), input.loc(lit)))
        .collect();
    Ok(Spanned::new(items, input.loc(all)))
}

/// `[s3:GetObject, s3:List*]`.
fn read_actions(
    value: TokenStream,
    input: &mut Input,
) -> syn::Result<Spanned<Vec<Spanned<String>>>> {
    let all = value.clone();
    // The items, and the first comma with nothing before it (`[a, , b]`).
    let (items, empty) = Parser::parse2(
        |s: ParseStream| {
            let inner;
            bracketed!(inner in s);
            let (mut items, mut empty) = (Vec::new(), None);
            while !inner.is_empty() {
                let mut item = TokenStream::new();
                while !inner.is_empty() && !inner.peek(Token![,]) {
                    item.extend([inner.parse::<TokenTree>()?]);
                }
                if !inner.is_empty() {
                    let comma: Token![,] = inner.parse()?;
                    if item.is_empty() {
                        empty = empty.or(Some(comma.span));
                        continue;
                    }
                }
                items.push(item);
            }
            Ok((items, empty))
        },
        value,
    )
    .map_err(|e| {
        syn::Error::new(
            e.span(),
            "`actions` takes a list of actions: `[s3:GetObject, s3:ListBucket]`",
        )
    })?;
    if let Some(comma) = empty {
        let problem = Problem::new("an empty item in `actions`").help("remove the extra comma");
        return Err(syn::Error::new(comma, problem.to_string()));
    }
    let mut actions = Vec::new();
    for item in items {
        actions.push(Spanned::new(action_text(&item)?, input.loc(item)));
    }
    Ok(Spanned::new(actions, input.loc(all)))
}

/// `service "lambda.amazonaws.com"` or `account`.
fn read_trust(value: TokenStream, input: &mut Input) -> syn::Result<Spanned<TrustInput>> {
    let all = value.clone();
    let trust = Parser::parse2(
        |s: ParseStream| {
            let word: Ident = s.parse()?;
            if word == "account" && s.is_empty() {
                Ok(None)
            } else if word == "service" {
                if s.is_empty() {
                    return Err(syn::Error::new(
                        word.span(),
                        Problem::new("`service` needs the service principal")
                            .help("write `service \"lambda.amazonaws.com\"`")
                            .to_string(),
                    ));
                }
                let lit: LitStr = s.parse()?;
                Ok(Some(lit))
            } else {
                Err(syn::Error::new(
                    word.span(),
                    "expected `service \"<name>.amazonaws.com\"` or `account`",
                ))
            }
        },
        value,
    )?;
    let trust = match trust {
        None => TrustInput::Account,
        Some(lit) => TrustInput::Service(Spanned::new(lit.value(), input.loc(&lit))),
    };
    Ok(Spanned::new(trust, input.loc(all)))
}

/// `s3:GetObject`, `s3:Get*`, `*`: the item's tokens as one string. Only identifiers, `:`, `*`
/// and `?` make up an action.
fn action_text(item: &TokenStream) -> syn::Result<String> {
    let mut text = String::new();
    for token in item.clone() {
        match &token {
            TokenTree::Ident(ident) => text.push_str(&ident.to_string()),
            TokenTree::Punct(p) if matches!(p.as_char(), ':' | '*' | '?') => text.push(p.as_char()),
            TokenTree::Literal(lit) if lit.to_string().starts_with('"') => {
                return Err(syn::Error::new(
                    lit.span(),
                    "write the action as tokens, without quotes: `s3:GetObject`",
                ));
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    Problem::new(format!("unexpected `{other}` in an action"))
                        .help("actions are written `s3:GetObject`")
                        .to_string(),
                ))
            }
        }
    }
    Ok(text)
}
