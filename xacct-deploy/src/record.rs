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
use policy_core::kms::KmsKey;
use policy_core::{
    AccessPointArn, Document, DocumentKind, Partition, Principal, PrincipalKind, RawArn,
};
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
    /// Roles and access points: created (or adopted) by the deployment, so its whole policy is
    /// the deployment's and destroy deletes it (an adopted one only when asked).
    pub owned: bool,
    /// Taken over with `--adopt` rather than created: released, not deleted, when no grant
    /// declares it any more (ARCHITECTURE.md "Ownership and revocation").
    pub adopted: bool,
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
            adopted: false,
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
            let mut value = json!({
                "kind": self.kind.as_str(),
                "target": self.target,
                "name": self.name,
                "region": self.region,
                "owned": self.owned,
                "grants": grants,
            });
            // Only when set, so that entries written before adoption was recorded read the same.
            if self.adopted {
                value["adopted"] = json!(true);
            }
            let value = value.to_string();
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
            adopted: value["adopted"].as_bool().unwrap_or(false),
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

    /// Reads the entry stored as `parameter` in `account` and checks that it is exactly one xacct
    /// writes there: anyone who can write under `/xacct/<NAME>/` could otherwise point the next
    /// apply's deletes at what the deployment never created. The parameter's name is the one
    /// computed for the entry (a copy under another name never shadows the real one); its target
    /// is an ARN of its kind in the record's account and partition; the names and region it
    /// carries are the ones its target implies (delete calls use them); its value is byte for
    /// byte what [`Entry::to_value`] writes.
    pub fn read_checked(
        account: &str,
        parameter: &str,
        text: &str,
        rules: &RecordRules,
    ) -> Result<Entry, String> {
        let entry = Entry::parse(account, text)?;
        let expected = entry.parameter(rules.path);
        if parameter != expected {
            return Err(format!(
                "it describes the {} {}, whose entry is stored as `{expected}`",
                entry.kind.describe(),
                entry.target
            ));
        }
        let implied = implied_names(entry.kind, &entry.target, account, rules)?;
        if entry.name.as_deref() != Some(implied.name.as_str()) {
            return Err(format!(
                "its `name` is {}, but its target {} implies `{}`",
                entry
                    .name
                    .as_deref()
                    .map_or("missing".to_owned(), |n| format!("`{n}`")),
                entry.target,
                implied.name
            ));
        }
        match (&entry.region, &implied.region) {
            (Some(region), Some(implied)) if region != implied => {
                return Err(format!(
                    "its `region` is `{region}`, but its target is in `{implied}`"
                ))
            }
            (Some(region), None) => rules
                .partition
                .check_region(region)
                .map_err(|p| format!("its `region`: {}", p.message))?,
            (None, Some(_)) if entry.kind != DocumentKind::AccessPoint => {}
            (None, Some(implied)) => {
                return Err(format!(
                    "it has no `region`, but its target is in `{implied}`"
                ))
            }
            _ => {}
        }
        let owned_kind = matches!(entry.kind, DocumentKind::Role | DocumentKind::AccessPoint);
        if (entry.owned || entry.adopted) && !owned_kind {
            return Err(format!(
                "it says a {} is owned, which only roles and access points are",
                entry.kind.describe()
            ));
        }
        if entry.adopted && !entry.owned {
            return Err("it says adopted but not owned".to_owned());
        }
        if entry.kind == DocumentKind::Role && !entry.owned {
            return Err("a role is recorded only when the deployment owns it".to_owned());
        }
        if let Some(bad) = entry.grants.iter().find(|g| !is_grant_name(g)) {
            return Err(format!("`{bad}` in its `grants` is not a grant name"));
        }
        if entry.to_value() != text {
            return Err("its value is not written the way xacct writes it".to_owned());
        }
        Ok(entry)
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

/// What an entry read from AWS is checked against: where the record is, and the names only
/// this deployment writes.
#[derive(Clone, Copy, Debug)]
pub struct RecordRules<'a> {
    /// `/xacct/<NAME>/`.
    pub path: &'a str,
    pub partition: Partition,
    /// `xacct-<name>`: the only inline policy name the deployment writes or deletes.
    pub inline_policy_name: &'a str,
}

/// The name and region a recorded target implies.
struct Implied {
    name: String,
    region: Option<String>,
}

/// What a target of `kind` in `account` names: the role, the inline policy (always the
/// deployment's own), the access point, the bucket or the key id; an error when the target is
/// not an ARN of its kind in the record's account and partition.
fn implied_names(
    kind: DocumentKind,
    target: &str,
    account: &str,
    rules: &RecordRules,
) -> Result<Implied, String> {
    let bad = |what: &str| format!("its target `{target}` is not {what}");
    let in_place = |partition: Partition, in_account: &str| {
        if partition != rules.partition {
            Err(format!(
                "its target {target} is in partition `{partition}`, the record in `{}`",
                rules.partition
            ))
        } else if in_account != account {
            Err(format!(
                "its target {target} is in account {in_account}, not the record's account {account}"
            ))
        } else {
            Ok(())
        }
    };
    let iam = |want: PrincipalKind, what: &str| -> Result<Principal, String> {
        let p = Principal::parse(target).map_err(|_| bad(what))?;
        if p.kind != want {
            return Err(bad(what));
        }
        in_place(p.partition, p.account.as_str())?;
        Ok(p)
    };
    let inline = || Implied {
        name: rules.inline_policy_name.to_owned(),
        region: None,
    };
    match kind {
        DocumentKind::Role => iam(PrincipalKind::Role, "a role ARN").map(|p| Implied {
            name: p.name.into_owned(),
            region: None,
        }),
        DocumentKind::RoleInlinePolicy => iam(PrincipalKind::Role, "a role ARN").map(|_| inline()),
        DocumentKind::UserInlinePolicy => iam(PrincipalKind::User, "a user ARN").map(|_| inline()),
        DocumentKind::AccessPoint | DocumentKind::AccessPointPolicy => {
            let ap = AccessPointArn::parse(target).map_err(|_| bad("an access point ARN"))?;
            in_place(ap.partition, ap.account.as_str())?;
            Ok(Implied {
                name: ap.name.into_owned(),
                region: Some(ap.region.into_owned()),
            })
        }
        DocumentKind::BucketPolicy => {
            let arn = RawArn::split(target).map_err(|_| bad("a bucket ARN"))?;
            let partition = Partition::parse(arn.partition).map_err(|_| bad("a bucket ARN"))?;
            if arn.service != "s3" || !arn.region.is_empty() || !arn.account.is_empty() {
                return Err(bad("a bucket ARN"));
            }
            // S3's bucket naming rules, as far as a recorded name matters: one segment of its
            // alphabet ("Bucket naming rules", S3 User Guide).
            let bucket = arn.resource;
            if !(3..=63).contains(&bucket.len())
                || !bucket
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            {
                return Err(bad("a bucket ARN"));
            }
            in_place(partition, account)?;
            Ok(Implied {
                name: arn.resource.to_owned(),
                region: None,
            })
        }
        DocumentKind::KeyPolicy => {
            let key = KmsKey::parse(target).map_err(|_| bad("a KMS key ARN"))?;
            in_place(key.partition, key.account.as_str())?;
            Ok(Implied {
                name: key.id.into_owned(),
                region: Some(key.region.into_owned()),
            })
        }
        DocumentKind::RoleTrustPolicy => {
            Err("trust policies go with their role and are never recorded".to_owned())
        }
    }
}

/// A grant's name as `grants!` accepts it: a Rust identifier.
fn is_grant_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A parameter of the record that failed the checks: never acted on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub account: String,
    pub parameter: String,
    pub reason: String,
    /// Who wrote it last, as SSM says (`LastModifiedUser`).
    pub written_by: Option<String>,
}

/// One parameter of the record as SSM has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredParameter {
    pub value: String,
    /// `LastModifiedUser`: the ARN of the identity that wrote it last.
    pub written_by: Option<String>,
}

/// What a document is recorded by: the same key as [`Entry::key`].
pub fn key_of(doc: &Document) -> (String, DocumentKind, String) {
    (doc.account.to_string(), doc.kind, doc.target.to_string())
}

/// The record as read from every account reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// By [`Entry::key`].
    pub entries: BTreeMap<(String, DocumentKind, String), Entry>,
    /// Every account some account's record names.
    pub accounts: BTreeSet<String>,
    /// Each account's own list, as stored.
    pub lists: BTreeMap<String, BTreeSet<String>>,
    /// The accounts whose record was read.
    pub read_from: BTreeSet<String>,
    /// Parameters that are not entries xacct writes: nothing is planned while there are any.
    pub rejected: Vec<Rejected>,
}

impl Record {
    /// Adds what one account's parameters say; a parameter that fails the checks is set aside
    /// in [`Record::rejected`], never acted on.
    pub fn add_account(
        &mut self,
        account: &str,
        rules: &RecordRules,
        parameters: &BTreeMap<String, StoredParameter>,
    ) {
        self.read_from.insert(account.to_owned());
        for (name, stored) in parameters {
            let checked = if name == &accounts_parameter(rules.path) {
                read_accounts(&stored.value).map(|list| {
                    self.accounts.extend(list.iter().cloned());
                    self.lists.insert(account.to_owned(), list);
                })
            } else {
                Entry::read_checked(account, name, &stored.value, rules).map(|entry| {
                    self.accounts.insert(account.to_owned());
                    self.entries.insert(entry.key(), entry);
                })
            };
            if let Err(reason) = checked {
                self.rejected.push(Rejected {
                    account: account.to_owned(),
                    parameter: name.clone(),
                    reason,
                    written_by: stored.written_by.clone(),
                });
            }
        }
    }

    pub fn owned(&self, doc: &Document) -> bool {
        self.entries
            .get(&(doc.account.to_string(), doc.kind, doc.target.to_string()))
            .is_some_and(|e| e.owned)
    }
}

/// The `accounts` parameter's value: account ids, comma-separated, as xacct writes them.
fn read_accounts(value: &str) -> Result<BTreeSet<String>, String> {
    let list: BTreeSet<String> = value
        .split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(bad) = list
        .iter()
        .find(|a| policy_core::AccountId::parse(a).is_err())
    {
        return Err(format!("`{bad}` is not an account id"));
    }
    Ok(list)
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
    inventory: &Record,
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

    const PATH: &str = "/xacct/D/";
    const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/shared";

    fn rules(path: &str) -> RecordRules<'_> {
        RecordRules {
            path,
            partition: Partition::Aws,
            inline_policy_name: "xacct-d",
        }
    }

    fn stored(value: &str) -> StoredParameter {
        StoredParameter {
            value: value.to_owned(),
            written_by: Some("arn:aws:iam::222222222222:user/intruder".into()),
        }
    }

    /// A well-formed entry of each kind, as xacct writes them.
    fn good(kind: DocumentKind) -> Entry {
        let (target, name, region, owned) = match kind {
            DocumentKind::Role => (
                "arn:aws:iam::222222222222:role/app/reader",
                "reader",
                None,
                true,
            ),
            DocumentKind::RoleInlinePolicy => (
                "arn:aws:iam::222222222222:role/reader",
                "xacct-d",
                None,
                false,
            ),
            DocumentKind::UserInlinePolicy => {
                ("arn:aws:iam::222222222222:user/u", "xacct-d", None, false)
            }
            DocumentKind::AccessPoint => (AP, "shared", Some("us-east-1"), true),
            DocumentKind::AccessPointPolicy => (AP, "shared", None, false),
            DocumentKind::BucketPolicy => (
                "arn:aws:s3:::shared-bucket",
                "shared-bucket",
                Some("eu-west-1"),
                false,
            ),
            DocumentKind::KeyPolicy => (
                "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                Some("us-east-1"),
                false,
            ),
            DocumentKind::RoleTrustPolicy => (
                "arn:aws:iam::222222222222:role/reader",
                "reader",
                None,
                false,
            ),
        };
        Entry {
            account: "222222222222".into(),
            kind,
            target: target.into(),
            name: Some(name.into()),
            region: region.map(Into::into),
            owned,
            adopted: false,
            grants: vec!["reads".into()],
        }
    }

    fn check(entry: &Entry, parameter: &str, value: &str) -> Result<Entry, String> {
        Entry::read_checked(&entry.account, parameter, value, &rules(PATH))
    }

    #[test]
    fn every_entry_xacct_writes_reads_back() {
        for kind in DocumentKind::ALL {
            if kind == DocumentKind::RoleTrustPolicy {
                continue;
            }
            let e = good(kind);
            assert_eq!(check(&e, &e.parameter(PATH), &e.to_value()), Ok(e.clone()));
        }
        let adopted = Entry {
            adopted: true,
            ..good(DocumentKind::AccessPoint)
        };
        assert!(adopted.to_value().contains(r#""adopted":true"#));
        assert_eq!(
            check(&adopted, &adopted.parameter(PATH), &adopted.to_value()),
            Ok(adopted.clone())
        );
        assert!(!good(DocumentKind::AccessPoint)
            .to_value()
            .contains("adopted"));
    }

    /// Forged entries, each with the words its rejection must contain: none is ever acted on.
    #[test]
    fn forged_entries_are_rejected_with_what_is_wrong() {
        let ap = good(DocumentKind::AccessPoint);
        let with = |f: &dyn Fn(&mut Entry)| {
            let mut e = ap.clone();
            f(&mut e);
            e
        };
        let cases: Vec<(&str, Entry, Option<String>, Option<String>)> = vec![
            (
                "implies `shared`",
                with(&|e| e.name = Some("victim-ap".into())),
                None,
                None,
            ),
            (
                "its `name` is missing",
                with(&|e| e.name = None),
                None,
                None,
            ),
            (
                "not an access point ARN",
                with(&|e| e.target = "victim-ap".into()),
                None,
                None,
            ),
            (
                "not the record's account",
                with(&|e| e.target = AP.replace("222222222222", "999999999999")),
                None,
                None,
            ),
            (
                "partition",
                with(&|e| {
                    e.target = AP
                        .replace("arn:aws:", "arn:aws-cn:")
                        .replace("us-east-1", "cn-north-1")
                }),
                None,
                None,
            ),
            (
                "its target is in `us-east-1`",
                with(&|e| e.region = Some("eu-west-1".into())),
                None,
                None,
            ),
            (
                "is stored as",
                ap.clone(),
                Some("/xacct/D/r/zzzz".into()),
                None,
            ),
            (
                "written the way",
                ap.clone(),
                None,
                Some(ap.to_value().replace(",\"", ", \"")),
            ),
            (
                "written the way",
                ap.clone(),
                None,
                Some(ap.to_value().replace("}", r#","extra":1}"#)),
            ),
            (
                "not a grant name",
                with(&|e| e.grants = vec!["x; rm".into()]),
                None,
                None,
            ),
            (
                "adopted but not owned",
                with(&|e| {
                    e.owned = false;
                    e.adopted = true
                }),
                None,
                None,
            ),
            (
                "implies `xacct-d`",
                Entry {
                    name: Some("victim-inline".into()),
                    ..good(DocumentKind::RoleInlinePolicy)
                },
                None,
                None,
            ),
            (
                "not a role ARN",
                Entry {
                    target: "arn:aws:iam::222222222222:user/u".into(),
                    ..good(DocumentKind::RoleInlinePolicy)
                },
                None,
                None,
            ),
            (
                "only roles and access points",
                Entry {
                    owned: true,
                    ..good(DocumentKind::BucketPolicy)
                },
                None,
                None,
            ),
            (
                "only when the deployment owns it",
                Entry {
                    owned: false,
                    ..good(DocumentKind::Role)
                },
                None,
                None,
            ),
            (
                "never recorded",
                good(DocumentKind::RoleTrustPolicy),
                None,
                None,
            ),
            (
                "not a bucket ARN",
                Entry {
                    target: "arn:aws:s3:::Victim/x".into(),
                    ..good(DocumentKind::BucketPolicy)
                },
                None,
                None,
            ),
            (
                "its target is in `us-east-1`",
                Entry {
                    region: Some("us-west-2".into()),
                    ..good(DocumentKind::KeyPolicy)
                },
                None,
                None,
            ),
        ];
        for (words, entry, parameter, value) in cases {
            let parameter = parameter.unwrap_or_else(|| entry.parameter(PATH));
            let value = value.unwrap_or_else(|| entry.to_value());
            match check(&entry, &parameter, &value) {
                Err(reason) => assert!(reason.contains(words), "`{reason}` should say `{words}`"),
                Ok(e) => panic!("accepted a forged entry ({words}): {e:?}"),
            }
        }
    }

    #[test]
    fn a_rejected_parameter_is_set_aside_with_its_writer() {
        let real = good(DocumentKind::AccessPoint);
        let copy = Entry {
            name: Some("victim-ap".into()),
            ..real.clone()
        };
        let params: BTreeMap<String, StoredParameter> = [
            (real.parameter(PATH), stored(&real.to_value())),
            ("/xacct/D/r/zzzz".to_owned(), stored(&copy.to_value())),
            (accounts_parameter(PATH), stored("222222222222,12")),
        ]
        .into();
        let mut inventory = Record::default();
        inventory.add_account("222222222222", &rules(PATH), &params);
        assert_eq!(inventory.entries.values().collect::<Vec<_>>(), [&real]);
        let rejected: Vec<&str> = inventory
            .rejected
            .iter()
            .map(|r| r.parameter.as_str())
            .collect();
        assert_eq!(rejected, ["/xacct/D/accounts", "/xacct/D/r/zzzz"]);
        assert!(inventory
            .rejected
            .iter()
            .all(|r| r.written_by.as_deref() == Some("arn:aws:iam::222222222222:user/intruder")));
    }

    fn entry(account: &str, kind: DocumentKind, target: &str) -> Entry {
        Entry {
            account: account.into(),
            kind,
            target: target.into(),
            name: Some("x".into()),
            region: None,
            owned: false,
            adopted: false,
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
        let old = Entry {
            name: Some("xacct-d".into()),
            ..entry(
                "333333333333",
                DocumentKind::RoleInlinePolicy,
                "arn:aws:iam::333333333333:role/r",
            )
        };
        let mut inventory = Record::default();
        let mut params = BTreeMap::new();
        params.insert(
            accounts_parameter(path),
            stored("111111111111,333333333333"),
        );
        params.insert(old.parameter(path), stored(&old.to_value()));
        inventory.add_account("333333333333", &rules(path), &params);
        assert_eq!(inventory.rejected, []);
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
