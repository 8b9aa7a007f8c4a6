//! Random valid grants, shared by the property tests of `policy_core::build`
//! (tests/tests/runtime_build.rs) and of `import` (xacct-deploy, by path).

#![allow(dead_code)]

use policy_core::{GrantInput, Loc, Spanned};
use proptest::prelude::*;

pub fn s(text: &str) -> Option<Spanned<String>> {
    Some(Spanned::new(text.to_owned(), Loc::UNKNOWN))
}

pub fn list(items: &[String]) -> Option<Spanned<Vec<Spanned<String>>>> {
    Some(Spanned::new(
        items
            .iter()
            .map(|i| Spanned::new(i.clone(), Loc::UNKNOWN))
            .collect(),
        Loc::UNKNOWN,
    ))
}

pub fn action_names() -> Vec<&'static str> {
    policy_core::service_reference::s3()
        .actions
        .iter()
        .filter(|a| a.access_point_can_serve() && !a.is_permissions_management())
        .map(|a| a.name)
        .collect()
}

prop_compose! {
    pub fn valid_grant(i: usize)(
        requester_account in 100_000_000_000u64..999_999_999_999,
        actions in proptest::sample::subsequence(action_names(), 1..6),
        prefixes in proptest::collection::btree_set("[a-z]{1,8}/", 0..3),
        bridge in any::<bool>(),
        mfa in any::<bool>(),
        network in 0..4usize,
        hosts in proptest::collection::btree_set(1u8..=254, 1..3),
        expires in proptest::option::of(1_800_000_000i64..2_000_000_000),
        organization in 0..4usize,
        encrypted in any::<bool>(),
    ) -> GrantInput {
        // An SSE-KMS bucket: the grant then reads object data at least (else the key is unused).
        let mut actions = actions;
        let moves_data = actions.iter().any(|a| matches!(*a, "GetObject" | "GetObjectVersion" | "PutObject"));
        if encrypted && !moves_data {
            actions.push("GetObject");
        }
        let kms_key = encrypted.then(|| "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".to_owned());
        let requester_account = if requester_account == 222_222_222_222 { 111_111_111_111 } else { requester_account };
        // Every account of an organization, one OU and those below it, or one role.
        let (requester, bridge, mfa) = match organization {
            0 => (s("o-a1b2c3d4e5"), false, false),
            1 => (s(&format!("o-a1b2c3d4e5/r-ab12/ou-ab12-{requester_account:08}/")), false, false),
            _ => (s(&format!("arn:aws:iam::{requester_account}:role/reader-{i}")), bridge, mfa),
        };
        // No limit, endpoints, endpoints and VPCs, or public ranges (v4 and v6).
        let ids = |prefix: &str| hosts.iter().map(|h| format!("{prefix}-{h:08x}")).collect::<Vec<_>>();
        let (vpc_endpoints, vpcs, source_ips) = match network {
            1 => (list(&ids("vpce")), None, None),
            2 => (list(&ids("vpce")), list(&ids("vpc")), None),
            3 => (None, None, list(&hosts.iter().flat_map(|h| [format!("198.51.{h}.0/24"), format!("2001:db8:{h:x}::/48")]).collect::<Vec<_>>())),
            _ => (None, None, None),
        };
        // Distinct first letters never make one prefix cover another.
        let mut seen = std::collections::BTreeSet::new();
        let prefixes: Vec<String> = prefixes.into_iter().filter(|p| seen.insert(p.as_bytes()[0])).collect();
        GrantInput {
            name: Spanned::new(format!("grant_{i}"), Loc::UNKNOWN),
            requester,
            assume_role: if bridge { s(&format!("arn:aws:iam::222222222222:role/bridge-{i}")) } else { None },
            access_point: s(&format!("arn:aws:s3:eu-west-1:222222222222:accesspoint/ap-{i}")),
            bucket: s(&format!("bucket-{i}")),
            actions: list(&actions.iter().map(|a| format!("s3:{a}")).collect::<Vec<_>>()),
            prefixes: if prefixes.is_empty() { None } else { list(&prefixes) },
            require_mfa: Some(Spanned::new(mfa, Loc::UNKNOWN)),
            vpc_endpoints,
            vpcs,
            source_ips,
            expires: expires.and_then(|e| s(&policy_core::restrictions::Expiry::format(e))),
            kms_key: kms_key.and_then(|k| s(&k)),
            ..GrantInput::default()
        }
    }
}
