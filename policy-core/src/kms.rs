//! SSE-KMS buckets: the customer managed key whose policy and the identity policies must let a
//! grant's requester decrypt (and, to write, generate data keys), through S3 only.
//!
//! Rules followed:
//! - "Protecting data with server-side encryption using AWS KMS keys (SSE-KMS)", S3 User Guide
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html>): reading an
//!   object needs `kms:Decrypt`; writing one `kms:GenerateDataKey`, and a multipart upload also
//!   `kms:Decrypt`; the key is in the bucket's region; S3 passes the object's ARN (the bucket's with
//!   S3 Bucket Keys) as the encryption context `aws:s3:arn`.
//! - "Key policies in AWS KMS" (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>):
//!   no principal may use a key unless its key policy allows it, directly or by trusting the
//!   principal's account; from another account the identity policy must allow too
//!   (".../key-policy-modifying-external-accounts.html"); key policies name keys by key ARN, and
//!   an alias cannot stand for the key in one.
//! - `kms:ViaService` (".../conditions-kms.html#conditions-kms-via-service"): the request came
//!   from the named service on the principal's behalf, here `s3.<region>.amazonaws.com`.

use crate::account::AccountId;
use crate::arn::RawArn;
use crate::basics::Text;
use crate::diagnostic::Problem;
use crate::partition::Partition;
use crate::service_reference::{self, Action};
use std::fmt;

/// A KMS key named by its key ARN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KmsKey {
    pub partition: Partition,
    pub region: Text,
    pub account: AccountId,
    /// A key id (`1234abcd-12ab-34cd-56ef-1234567890ab`) or a multi-Region key id (`mrk-…`).
    pub id: Text,
}

impl KmsKey {
    pub fn parse(input: &str) -> Result<KmsKey, Problem> {
        let shape = "a key ARN looks like `arn:aws:kms:<region>:<account>:key/<key id>`";
        let raw = RawArn::split(input).map_err(|p| p.help(shape))?;
        let partition = Partition::parse(raw.partition)?;
        if raw.service != "kms" {
            return Err(Problem::new(format!(
                "`{input}` is an ARN of service `{}`, not a KMS key ARN",
                raw.service
            ))
            .help(shape));
        }
        partition.check_region(raw.region)?;
        let account = AccountId::parse(raw.account)?;
        let Some(id) = raw.resource.strip_prefix("key/") else {
            if raw.resource.starts_with("alias/") {
                return Err(Problem::new(format!(
                    "`{input}` is an alias: a key policy grant needs the key itself, and an alias can point at another key tomorrow"
                ))
                .help("name the key by its key ARN (`aws kms describe-key --key-id alias/...` shows it)"));
            }
            return Err(Problem::new(format!("`{input}` does not name a key")).help(shape));
        };
        if !is_key_id(id) {
            return Err(Problem::new(format!(
                "`{id}` is not a KMS key id: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or a multi-Region key id (`mrk-` and 32 hexadecimal digits)"
            ))
            .help(shape));
        }
        Ok(KmsKey {
            partition,
            region: raw.region.to_owned().into(),
            account,
            id: id.to_owned().into(),
        })
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:{}:kms:{}:{}:key/{}",
            self.partition, self.region, self.account, self.id
        )
    }

    /// The service that calls KMS for the grant's requests: S3 in the key's (the bucket's)
    /// region.
    pub fn via_service(&self) -> String {
        format!("s3.{}.amazonaws.com", self.region)
    }
}

impl fmt::Display for KmsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

fn is_key_id(id: &str) -> bool {
    let hex = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    };
    if let Some(mrk) = id.strip_prefix("mrk-") {
        return mrk.len() == 32 && hex(mrk);
    }
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| hex(g))
}

/// The KMS actions the S3 actions need on an SSE-KMS bucket, sorted: reading object data needs
/// `kms:Decrypt`; writing (`s3:PutObject`, which multipart uploads are part of) needs
/// `kms:GenerateDataKey` and `kms:Decrypt`.
pub fn kms_actions(s3_actions: &[&'static Action]) -> Vec<&'static Action> {
    let reads = s3_actions
        .iter()
        .any(|a| matches!(a.name, "GetObject" | "GetObjectVersion"));
    let writes = s3_actions.iter().any(|a| a.name == "PutObject");
    let kms = service_reference::service("kms");
    let named = |name: &str| kms.and_then(|k| k.action(name));
    let mut out: Vec<&'static Action> = Vec::new();
    if reads || writes {
        out.extend(named("Decrypt"));
    }
    if writes {
        out.extend(named("GenerateDataKey"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_arns() {
        let key = KmsKey::parse(
            "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .unwrap();
        assert_eq!(key.via_service(), "s3.us-east-1.amazonaws.com");
        assert!(KmsKey::parse(
            "arn:aws:kms:us-east-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab"
        )
        .is_ok());
        let alias = KmsKey::parse("arn:aws:kms:us-east-1:222222222222:alias/lake").unwrap_err();
        assert!(alias.message.contains("alias"), "{alias}");
        assert!(KmsKey::parse("arn:aws:kms:us-east-1:222222222222:key/1234").is_err());
        assert!(KmsKey::parse(
            "arn:aws:s3:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )
        .is_err());
    }

    #[test]
    fn actions_follow_reads_and_writes() {
        let s3 = service_reference::s3();
        let a = |n: &str| s3.action(n).unwrap();
        let names = |v: Vec<&Action>| v.iter().map(|a| a.full_name()).collect::<Vec<_>>();
        assert_eq!(
            names(kms_actions(&[a("GetObject"), a("ListBucket")])),
            ["kms:Decrypt"]
        );
        assert_eq!(
            names(kms_actions(&[a("PutObject")])),
            ["kms:Decrypt", "kms:GenerateDataKey"]
        );
        assert!(kms_actions(&[a("ListBucket")]).is_empty());
    }
}
