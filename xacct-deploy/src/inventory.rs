//! The deployment's record of what it owns, kept in every account it touches, so that any
//! machine (a fresh clone, CI) finds what a grant deleted from the code left behind
//! (ARCHITECTURE.md "Ownership and revocation").
//!
//! The record is a set of SSM parameters under `/xacct/<deployment>/` in the partition's home
//! region: one per resource or shared document the deployment wrote in that account
//! (`r/<hex of kind and target>`, value: the entry as JSON), and `accounts`, every account the
//! deployment had resources in at its last apply. One parameter per entry makes each write
//! idempotent and crash-safe: apply records an entry before it creates the resource and removes
//! it only after the resource is gone.

use policy_core::hash::fnv1a;
use policy_core::{Document, DocumentKind};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Hex keys up to this many bytes name a parameter as they are; longer ones are cut and hashed.
const MAX_READABLE_KEY: usize = 400;

/// SSM's limit on a standard parameter's value.
const MAX_VALUE: usize = 4096;

/// One resource, or one shared document, the deployment wrote in an account.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub account: String,
    pub kind: DocumentKind,
    pub target: String,
    pub name: Option<String>,
    pub region: Option<String>,
    /// Access points: created (or adopted) by the deployment, so its whole policy is the
    /// deployment's and destroy deletes it.
    pub owned: bool,
    /// The grants whose statements it held, to say why it goes when they are gone.
    pub grants: Vec<String>,
}

impl Entry {
    /// The entry that records a declared document; `None` for the documents that go with
    /// another (a trust policy with its role).
    pub fn of(doc: &Document, owned: bool) -> Option<Entry> {
        (doc.kind != DocumentKind::RoleTrustPolicy).then(|| Entry {
            account: doc.account.to_string(),
            kind: doc.kind,
            target: doc.target.to_string(),
            name: doc.name.as_deref().map(str::to_owned),
            region: doc.region.as_deref().map(str::to_owned),
            owned,
            grants: doc.grants.iter().map(|g| g.to_string()).collect(),
        })
    }

    /// What an entry identifies: the same resource whatever else it says.
    pub fn key(&self) -> (String, DocumentKind, String) {
        (self.account.clone(), self.kind, self.target.clone())
    }

    /// The parameter's name under the deployment's path: within SSM's alphabet, and short enough
    /// for SSM's 1011 characters whatever the target (a long role path is hashed).
    pub fn parameter(&self, path: &str) -> String {
        let key = format!("{}:{}", self.kind.as_str(), self.target);
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        if key.len() <= MAX_READABLE_KEY {
            format!("{path}r/{}", hex(key.as_bytes()))
        } else {
            let head = hex(&key.as_bytes()[..MAX_READABLE_KEY]);
            format!("{path}r/{head}-{:016x}", fnv1a(key.as_bytes()))
        }
    }

    /// The parameter's value: the entry as JSON, within SSM's 4 KB for a standard parameter (the
    /// list of grants is cut short when it would not fit; it only explains removals).
    pub fn to_value(&self) -> String {
        let mut grants = self.grants.clone();
        loop {
            let value = json!({
                "kind": self.kind.as_str(),
                "target": self.target,
                "name": self.name,
                "region": self.region,
                "owned": self.owned,
                "grants": grants,
            })
            .to_string();
            if value.len() <= MAX_VALUE || grants.is_empty() {
                return value;
            }
            grants.truncate(grants.len() / 2);
        }
    }

    pub fn parse(account: &str, text: &str) -> Result<Entry, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let text_of = |key: &str| value[key].as_str().map(str::to_owned);
        let kind = text_of("kind")
            .and_then(|k| DocumentKind::parse(&k))
            .ok_or("no known `kind`")?;
        Ok(Entry {
            account: account.to_owned(),
            kind,
            target: text_of("target").ok_or("no `target`")?,
            name: text_of("name"),
            region: text_of("region"),
            owned: value["owned"].as_bool().unwrap_or(false),
            grants: value["grants"]
                .as_array()
                .map(|g| {
                    g.iter()
                        .filter_map(|g| g.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The document the entry stands for, with nothing declared in it: what planning removes.
    pub fn to_document(&self) -> Document {
        Document {
            account: self.account.clone().into(),
            kind: self.kind,
            target: self.target.clone().into(),
            name: self.name.clone().map(Into::into),
            policy: None,
            bucket: None,
            bucket_account: None,
            region: self.region.clone().map(Into::into),
            path: None,
            vpc: None,
            grants: self
                .grants
                .iter()
                .map(|g| g.clone().into())
                .collect::<Vec<_>>()
                .into(),
        }
    }
}

/// The record as read from every account reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// By [`Entry::key`].
    pub entries: BTreeMap<(String, DocumentKind, String), Entry>,
    /// Every account some account's record names.
    pub accounts: BTreeSet<String>,
    /// Each account's own list, as stored.
    pub lists: BTreeMap<String, BTreeSet<String>>,
    /// The accounts whose record was read.
    pub read_from: BTreeSet<String>,
}

impl Inventory {
    /// Adds what one account's parameters say.
    pub fn add_account(
        &mut self,
        account: &str,
        path: &str,
        parameters: &BTreeMap<String, String>,
    ) -> Result<(), (String, String)> {
        self.read_from.insert(account.to_owned());
        for (name, value) in parameters {
            if name == &accounts_parameter(path) {
                let list: Vec<String> = value
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect();
                if let Some(bad) = list
                    .iter()
                    .find(|a| policy_core::AccountId::parse(a).is_err())
                {
                    return Err((name.clone(), format!("`{bad}` is not an account id")));
                }
                self.accounts.extend(list.iter().cloned());
                self.lists
                    .insert(account.to_owned(), list.into_iter().collect());
            } else {
                let entry = Entry::parse(account, value).map_err(|e| (name.clone(), e))?;
                self.accounts.insert(account.to_owned());
                self.entries.insert(entry.key(), entry);
            }
        }
        Ok(())
    }

    pub fn owned(&self, doc: &Document) -> bool {
        self.entries
            .get(&(doc.account.to_string(), doc.kind, doc.target.to_string()))
            .is_some_and(|e| e.owned)
    }
}

/// The parameter that lists the deployment's accounts.
pub fn accounts_parameter(path: &str) -> String {
    format!("{path}accounts")
}

/// One write to the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordWrite {
    Put {
        account: String,
        name: String,
        value: String,
    },
    Delete {
        account: String,
        name: String,
    },
}

/// How the record changes with a plan: `before` runs ahead of every resource write (so nothing
/// is created unrecorded), `after` once every resource write succeeded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordChanges {
    pub before: Vec<RecordWrite>,
    pub after: Vec<RecordWrite>,
}

impl RecordChanges {
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }
}

/// What to write so that the record says `kept` (entries that stay, in accounts `accounts`) once
/// the plan is applied; `removed` are entries whose resource the plan deletes.
pub fn record_changes(
    path: &str,
    inventory: &Inventory,
    kept: &[Entry],
    removed: &[Entry],
    accounts: &BTreeSet<String>,
) -> RecordChanges {
    let mut changes = RecordChanges::default();
    for entry in kept {
        if inventory.entries.get(&entry.key()) != Some(entry) {
            changes.before.push(RecordWrite::Put {
                account: entry.account.clone(),
                name: entry.parameter(path),
                value: entry.to_value(),
            });
        }
    }
    for entry in removed {
        changes.after.push(RecordWrite::Delete {
            account: entry.account.clone(),
            name: entry.parameter(path),
        });
    }
    // Every account, old and new, lists every account until the apply is through; then only
    // those that still hold something.
    let all: BTreeSet<String> = accounts.union(&inventory.accounts).cloned().collect();
    // Comma-separated: 315 accounts fit a standard parameter's 4 KB.
    let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(",");
    let reachable: Vec<&String> = all
        .iter()
        .filter(|a| inventory.read_from.contains(*a) || accounts.contains(*a))
        .collect();
    for account in &reachable {
        if inventory.lists.get(*account) != Some(&all) {
            changes.before.push(RecordWrite::Put {
                account: (*account).clone(),
                name: accounts_parameter(path),
                value: list(&all),
            });
        }
    }
    if &all != accounts {
        for account in reachable {
            changes.after.push(if accounts.contains(account) {
                RecordWrite::Put {
                    account: account.clone(),
                    name: accounts_parameter(path),
                    value: list(accounts),
                }
            } else {
                RecordWrite::Delete {
                    account: account.clone(),
                    name: accounts_parameter(path),
                }
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(account: &str, kind: DocumentKind, target: &str) -> Entry {
        Entry {
            account: account.into(),
            kind,
            target: target.into(),
            name: Some("x".into()),
            region: None,
            owned: false,
            grants: vec!["g".into()],
        }
    }

    #[test]
    fn entries_round_trip_through_their_parameter() {
        let e = entry(
            "1",
            DocumentKind::AccessPoint,
            "arn:aws:s3:us-east-1:1:accesspoint/a",
        );
        assert_eq!(Entry::parse("1", &e.to_value()), Ok(e.clone()));
        let name = e.parameter("/xacct/D/");
        assert!(name.starts_with("/xacct/D/r/"));
        assert!(name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_.-".contains(c)));
    }

    #[test]
    fn long_targets_and_long_grant_lists_fit_ssm() {
        let mut e = entry(
            "1",
            DocumentKind::RoleInlinePolicy,
            &format!("arn:aws:iam::1:role/{}/r", "p".repeat(500)),
        );
        e.grants = (0..400).map(|i| format!("grant_number_{i}")).collect();
        assert!(e.parameter("/xacct/D/").len() < 1011 - 60);
        assert!(e.to_value().len() <= MAX_VALUE);
        let other = Entry {
            target: format!("{}x", e.target),
            ..e.clone()
        };
        assert_ne!(e.parameter("/xacct/D/"), other.parameter("/xacct/D/"));
    }

    #[test]
    fn a_dropped_account_stays_listed_until_the_apply_is_through() {
        let path = "/xacct/D/";
        let old = entry(
            "333333333333",
            DocumentKind::RoleInlinePolicy,
            "arn:aws:iam::333333333333:role/r",
        );
        let mut inventory = Inventory::default();
        let mut params = BTreeMap::new();
        params.insert(
            accounts_parameter(path),
            "111111111111,333333333333".to_owned(),
        );
        params.insert(old.parameter(path), old.to_value());
        inventory
            .add_account("333333333333", path, &params)
            .unwrap();
        let now: BTreeSet<String> = ["111111111111".to_owned()].into();
        let changes = record_changes(path, &inventory, &[], std::slice::from_ref(&old), &now);
        assert!(changes.before.iter().all(
            |w| matches!(w, RecordWrite::Put { value, .. } if value.contains("333333333333"))
        ));
        assert!(changes.after.contains(&RecordWrite::Delete {
            account: "333333333333".into(),
            name: old.parameter(path)
        }));
        assert!(changes.after.contains(&RecordWrite::Delete {
            account: "333333333333".into(),
            name: accounts_parameter(path)
        }));
        assert!(changes.after.contains(&RecordWrite::Put {
            account: "111111111111".into(),
            name: accounts_parameter(path),
            value: "111111111111".into()
        }));
    }
}
