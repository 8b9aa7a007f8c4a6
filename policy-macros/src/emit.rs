//! Checked values as the expressions that build them again in a `static`: the run time uses the
//! grants `grants!` checked as they are, without parsing any text a second time.
//!
//! The expressions name their types by the short names [`deployment`] imports at the top of the
//! block it writes (from `core`, the path the expansion names `policy-core` by, and `std`): the
//! fewer tokens rustc reads, the cheaper every build of a crate of grants. Every text and list is
//! borrowed from the program. Each value is taken apart field by field, so a field added to a type
//! is a compile error here until it is emitted.

use policy_core::restrictions::{Cidr, Expiry, Restrictions};
use policy_core::service_reference::Action;
use policy_core::{
    kms::KmsKey, AccessPointArn, AccountId, Deployment, Document, Grant, OrgScope, Partition,
    Principal, Requester, RequesterTrust,
};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::net::IpAddr;

fn text(s: &str) -> TokenStream {
    quote! { Borrowed(#s) }
}

fn option<T>(value: Option<T>, emit: impl FnOnce(T) -> TokenStream) -> TokenStream {
    match value {
        Some(v) => {
            let v = emit(v);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}

fn list(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    quote! { Borrowed(&[#(#items),*]) }
}

fn texts<'a>(items: impl Iterator<Item = &'a str>) -> TokenStream {
    list(items.map(text))
}

/// A variant's name as written in its enum (their `Debug` is the variant's name).
fn variant(debug: impl std::fmt::Debug) -> syn::Ident {
    syn::Ident::new(&format!("{debug:?}"), Span::call_site())
}

pub fn deployment(d: &Deployment, core: &TokenStream) -> TokenStream {
    let Deployment {
        name,
        grants,
        documents,
        json: _, // rendered from the documents when first asked
    } = d;
    let name = text(name);
    let grants = list(grants.iter().map(grant));
    let documents = list(documents.iter().map(document));
    quote! {
        {
            #[allow(unused_imports)]
            use #core::{
                kms::KmsKey, restrictions::{Cidr, Expiry, Restrictions}, service_reference,
                AccessPointArn, AccountId, Deployment, Document, DocumentKind, Grant, OrgScope,
                Partition, Principal, PrincipalKind, Requester, RequesterTrust,
            };
            #[allow(unused_imports)]
            use ::std::{
                borrow::Cow::Borrowed, net::{IpAddr, Ipv4Addr, Ipv6Addr},
                option::Option::{None, Some}, sync::OnceLock,
            };
            Deployment { name: #name, grants: #grants, documents: #documents, json: OnceLock::new() }
        }
    }
}

fn grant(g: &Grant) -> TokenStream {
    let Grant {
        name,
        doc,
        requester,
        requester_trust,
        bridge_role,
        access_point,
        bucket,
        bucket_account,
        actions,
        prefixes,
        require_mfa,
        external_id,
        restrictions,
        kms_key,
    } = g;
    let (name, doc, bucket) = (text(name), text(doc), text(bucket));
    let requester = self::requester(requester);
    let requester_trust = option(requester_trust.as_ref(), |t| match t {
        RequesterTrust::Account => quote! { RequesterTrust::Account },
        RequesterTrust::Service(s) => {
            let s = text(s);
            quote! { RequesterTrust::Service(#s) }
        }
    });
    let bridge_role = option(bridge_role.as_ref(), principal);
    let access_point = self::access_point(access_point);
    let bucket_account = account(bucket_account);
    let actions = list(actions.iter().copied().map(action));
    let prefixes = texts(prefixes.iter().map(|p| &**p));
    let external_id = option(external_id.as_deref(), text);
    let restrictions = self::restrictions(restrictions);
    let kms_key = option(kms_key.as_ref(), self::kms_key);
    quote! {
        Grant {
            name: #name, doc: #doc, requester: #requester, requester_trust: #requester_trust,
            bridge_role: #bridge_role, access_point: #access_point, bucket: #bucket,
            bucket_account: #bucket_account, actions: #actions, prefixes: #prefixes,
            require_mfa: #require_mfa, external_id: #external_id, restrictions: #restrictions,
            kms_key: #kms_key,
        }
    }
}

fn account(a: &AccountId) -> TokenStream {
    let id = a.as_str();
    quote! { AccountId(Borrowed(#id)) }
}

fn partition(p: Partition) -> TokenStream {
    let p = variant(p);
    quote! { Partition::#p }
}

fn principal(p: &Principal) -> TokenStream {
    let Principal {
        partition,
        account,
        kind,
        path,
        name,
    } = p;
    let (partition, account) = (self::partition(*partition), self::account(account));
    let kind = variant(kind);
    let (path, name) = (text(path), text(name));
    quote! {
        Principal {
            partition: #partition, account: #account, kind: PrincipalKind::#kind,
            path: #path, name: #name,
        }
    }
}

fn requester(r: &Requester) -> TokenStream {
    match r {
        Requester::Principal(p) => {
            let p = principal(p);
            quote! { Requester::Principal(#p) }
        }
        Requester::Organization(OrgScope { id, path }) => {
            let id = text(id);
            let path = option(path.as_deref(), text);
            quote! { Requester::Organization(OrgScope { id: #id, path: #path }) }
        }
    }
}

fn access_point(ap: &AccessPointArn) -> TokenStream {
    let AccessPointArn {
        partition,
        region,
        account,
        name,
    } = ap;
    let (partition, account) = (self::partition(*partition), self::account(account));
    let (region, name) = (text(region), text(name));
    quote! {
        AccessPointArn { partition: #partition, region: #region, account: #account, name: #name }
    }
}

/// The action's entry in its service's table: the macro and the run time build those tables from
/// the same vendored file, so the places are the same.
fn action(a: &'static Action) -> TokenStream {
    // Every `&'static Action` is an entry of a service's table; no other exists.
    let Some((table, index)) = a.place() else {
        let message = format!("{} is in no table of the service reference", a.full_name());
        return quote! { ::core::compile_error!(#message) };
    };
    let table = syn::Ident::new(table, Span::call_site());
    quote! { &service_reference::#table[#index] }
}

fn restrictions(r: &Restrictions) -> TokenStream {
    let Restrictions {
        vpc_endpoints,
        vpcs,
        source_ips,
        expires,
        access_point_vpc,
    } = r;
    let vpc_endpoints = texts(vpc_endpoints.iter().map(|v| &**v));
    let vpcs = texts(vpcs.iter().map(|v| &**v));
    let source_ips = list(source_ips.iter().map(cidr));
    let expires = option(expires.as_ref(), |Expiry { seconds }| {
        quote! { Expiry { seconds: #seconds } }
    });
    let access_point_vpc = option(access_point_vpc.as_deref(), text);
    quote! {
        Restrictions {
            vpc_endpoints: #vpc_endpoints, vpcs: #vpcs, source_ips: #source_ips,
            expires: #expires, access_point_vpc: #access_point_vpc,
        }
    }
}

fn cidr(&Cidr { network, bits }: &Cidr) -> TokenStream {
    let network = match network {
        IpAddr::V4(v4) => {
            let octets = v4.octets();
            quote! { IpAddr::V4(Ipv4Addr::new(#(#octets),*)) }
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            quote! { IpAddr::V6(Ipv6Addr::new(#(#segments),*)) }
        }
    };
    quote! { Cidr { network: #network, bits: #bits } }
}

fn kms_key(k: &KmsKey) -> TokenStream {
    let KmsKey {
        partition,
        region,
        account,
        id,
    } = k;
    let (partition, account) = (self::partition(*partition), self::account(account));
    let (region, id) = (text(region), text(id));
    quote! {
        KmsKey { partition: #partition, region: #region, account: #account, id: #id }
    }
}

fn document(d: &Document) -> TokenStream {
    let Document {
        account,
        kind,
        target,
        name,
        policy,
        bucket,
        bucket_account,
        region,
        path,
        vpc,
        grants,
    } = d;
    let (account, target) = (text(account), text(target));
    let kind = variant(kind);
    let [name, policy, bucket, bucket_account, region, path, vpc] =
        [name, policy, bucket, bucket_account, region, path, vpc]
            .map(|field| option(field.as_deref(), text));
    let grants = texts(grants.iter().map(|g| &**g));
    quote! {
        Document {
            account: #account, kind: DocumentKind::#kind, target: #target, name: #name,
            policy: #policy, bucket: #bucket, bucket_account: #bucket_account, region: #region,
            path: #path, vpc: #vpc, grants: #grants,
        }
    }
}
