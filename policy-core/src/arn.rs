//! The ARNs a grant names: IAM principals (role, user, account root), access points, buckets.

use crate::account::AccountId;
use crate::basics::Text;
use crate::diagnostic::Problem;
use crate::names;
use crate::partition::Partition;
use std::fmt;

/// The six parts of `arn:partition:service:region:account:resource`, unchecked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawArn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> RawArn<'a> {
    pub fn split(input: &'a str) -> Result<RawArn<'a>, Problem> {
        let parts: Vec<&str> = input.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, service, region, account, resource] => Ok(RawArn {
                partition,
                service,
                region,
                account,
                resource,
            }),
            _ => Err(Problem::new(format!("`{input}` is not an ARN")).help(
                "ARNs have six parts: `arn:<partition>:<service>:<region>:<account>:<resource>`",
            )),
        }
    }
}

/// What kind of IAM identity a principal ARN names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    Role,
    User,
    Root,
}

/// An IAM role, user or account root: `arn:aws:iam::111111111111:role/path/name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Principal {
    pub partition: Partition,
    pub account: AccountId,
    pub kind: PrincipalKind,
    /// `/` or `/a/b/`; empty for the account root.
    pub path: Text,
    /// The role or user name; empty for the account root.
    pub name: Text,
}

impl Principal {
    /// Parses a principal ARN. Wildcards, sessions, groups, policies and non-IAM ARNs are refused
    /// with a message saying what the ARN is instead.
    pub fn parse(input: &str) -> Result<Principal, Problem> {
        if input.contains('*') || input.contains('?') {
            return Err(Problem::new(format!("wildcard principal `{input}`: a grant names exactly one principal"))
                .help("name the role, user or account root that gets access, e.g. `arn:aws:iam::111111111111:role/reader`"));
        }
        if input.len() == 12 && input.chars().all(|c| c.is_ascii_digit()) {
            return Err(
                Problem::new(format!("`{input}` is an account id, not an ARN")).help(format!(
                    "to grant the whole account, write its root: `arn:aws:iam::{input}:root`"
                )),
            );
        }
        let raw = RawArn::split(input)
            .map_err(|p| p.help("principals look like `arn:aws:iam::111111111111:role/<name>`"))?;
        let partition = Partition::parse(raw.partition)?;
        match raw.service {
            "iam" => {}
            "sts" => {
                return Err(Problem::new(format!("`{input}` is an STS session ARN, not an IAM principal"))
                    .help("name the role the session belongs to: `arn:<partition>:iam::<account>:role/<name>`"))
            }
            other => {
                return Err(Problem::new(format!("`{input}` is an ARN of service `{other}`, not an IAM principal"))
                    .help("principals are IAM roles, users or account roots: `arn:aws:iam::<account>:role/<name>`"))
            }
        }
        if !raw.region.is_empty() {
            return Err(Problem::new(format!(
                "IAM ARN `{input}` has region `{}`; IAM is global",
                raw.region
            ))
            .help("leave the region empty: `arn:aws:iam::<account>:...`"));
        }
        let account = AccountId::parse(raw.account).map_err(|p| in_arn(p, input))?;
        let (kind, rest) = match raw.resource.split_once('/') {
            _ if raw.resource == "root" => (PrincipalKind::Root, ""),
            Some(("role", rest)) => (PrincipalKind::Role, rest),
            Some(("user", rest)) => (PrincipalKind::User, rest),
            _ if !raw.resource.is_empty() => {
                let other = raw.resource.split(['/', ':']).next().unwrap_or_default();
                return Err(Problem::new(format!("`{input}` is an IAM {} ARN; only roles, users and account roots can be principals", describe_iam_type(other)))
                    .help("name a role (`:role/<name>`), a user (`:user/<name>`) or the account root (`:root`)"));
            }
            _ => {
                return Err(Problem::new(format!("IAM ARN `{input}` names no resource"))
                    .help("end it with `:role/<name>`, `:user/<name>` or `:root`"))
            }
        };
        let (path, name) = match rest.rfind('/') {
            _ if kind == PrincipalKind::Root => (Text::default(), Text::default()),
            Some(i) => (
                format!("/{}", &rest[..=i]).into(),
                rest[i + 1..].to_owned().into(),
            ),
            None => (Text::Borrowed("/"), rest.to_owned().into()),
        };
        match kind {
            PrincipalKind::Role => names::check_role_name(&name).map_err(|p| in_arn(p, input))?,
            PrincipalKind::User => names::check_user_name(&name).map_err(|p| in_arn(p, input))?,
            PrincipalKind::Root => {}
        }
        if kind != PrincipalKind::Root {
            names::check_iam_path(&path).map_err(|p| in_arn(p, input))?;
        }
        Ok(Principal {
            partition,
            account,
            kind,
            path,
            name,
        })
    }

    pub fn arn(&self) -> String {
        match self.kind {
            PrincipalKind::Root => format!("arn:{}:iam::{}:root", self.partition, self.account),
            PrincipalKind::Role => format!(
                "arn:{}:iam::{}:role{}{}",
                self.partition, self.account, self.path, self.name
            ),
            PrincipalKind::User => format!(
                "arn:{}:iam::{}:user{}{}",
                self.partition, self.account, self.path, self.name
            ),
        }
    }

    /// The account root of the same account.
    pub fn account_root(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.account)
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            PrincipalKind::Role => "role",
            PrincipalKind::User => "user",
            PrincipalKind::Root => "account root",
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

fn describe_iam_type(resource_type: &str) -> String {
    match resource_type {
        "policy" => "managed policy".to_owned(),
        "group" => "group".to_owned(),
        "instance-profile" => "instance profile".to_owned(),
        other => format!("`{other}`"),
    }
}

fn in_arn(problem: Problem, arn: &str) -> Problem {
    Problem {
        message: format!("{} in `{arn}`", problem.message),
        help: problem.help,
    }
}

/// An S3 access point: `arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessPointArn {
    pub partition: Partition,
    pub region: Text,
    pub account: AccountId,
    pub name: Text,
}

impl AccessPointArn {
    pub fn parse(input: &str) -> Result<AccessPointArn, Problem> {
        let shape =
            "access point ARNs look like `arn:aws:s3:<region>:<account>:accesspoint/<name>`";
        if input.contains('*') || input.contains('?') {
            return Err(Problem::new(format!(
                "wildcard in access point ARN `{input}`: a grant names exactly one access point"
            ))
            .help(shape));
        }
        let raw = RawArn::split(input).map_err(|p| p.help(shape))?;
        let partition = Partition::parse(raw.partition)?;
        match raw.service {
            "s3" => {}
            "s3-object-lambda" => {
                return Err(Problem::new(format!(
                    "`{input}` is an Object Lambda access point; grants are for S3 access points"
                ))
                .help(shape))
            }
            "iam" | "sts" => {
                return Err(Problem::new(format!(
                    "`{input}` is an IAM ARN, not an access point ARN"
                ))
                .help(shape))
            }
            other => {
                return Err(Problem::new(format!(
                    "`{input}` is an ARN of service `{other}`, not an access point ARN"
                ))
                .help(shape))
            }
        }
        if raw.region.is_empty() && raw.account.is_empty() {
            return Err(Problem::new(format!(
                "`{input}` is a bucket or object ARN, not an access point ARN"
            ))
            .help(format!(
                "put the bucket name in `bucket` and the access point here; {shape}"
            )));
        }
        if raw.region.is_empty() {
            return Err(Problem::new(format!(
                "`{input}` has no region: Multi-Region Access Points are not supported"
            ))
            .help(shape));
        }
        partition
            .check_region(raw.region)
            .map_err(|p| in_arn(p, input))?;
        let account = AccountId::parse(raw.account).map_err(|p| in_arn(p, input))?;
        let name = match raw.resource.split_once('/') {
            Some(("accesspoint", rest)) => match rest.split_once('/') {
                None => rest,
                Some((_, tail)) if tail.starts_with("object/") || tail == "object" => {
                    return Err(Problem::new(format!("`{input}` is an object ARN; `access_point` takes the access point itself"))
                        .help("drop the `/object/...` part and use `prefixes` to limit the grant to some keys"))
                }
                Some(_) => return Err(Problem::new(format!("`{input}` has more after the access point name")).help(shape)),
            },
            _ => {
                let kind = raw.resource.split(['/', ':']).next().unwrap_or_default();
                return Err(Problem::new(format!("`{input}` is an S3 `{kind}` ARN, not an access point ARN")).help(shape));
            }
        };
        names::check_access_point_name(name).map_err(|p| in_arn(p, input))?;
        Ok(AccessPointArn {
            partition,
            region: raw.region.to_owned().into(),
            account,
            name: name.to_owned().into(),
        })
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:{}:s3:{}:{}:accesspoint/{}",
            self.partition, self.region, self.account, self.name
        )
    }

    /// The ARN objects reached through this access point are authorized against, for keys that
    /// start with `prefix` (the whole access point when `prefix` is empty).
    pub fn object_arn(&self, prefix: &str) -> String {
        format!("{}/object/{prefix}*", self.arn())
    }
}

impl fmt::Display for AccessPointArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

/// `arn:aws:s3:::bucket`.
pub fn bucket_arn(partition: Partition, bucket: &str) -> String {
    format!("arn:{partition}:s3:::{bucket}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals() {
        let role = Principal::parse("arn:aws:iam::111111111111:role/team/etl").unwrap();
        assert_eq!(
            (role.kind, &*role.path, &*role.name),
            (PrincipalKind::Role, "/team/", "etl")
        );
        assert_eq!(role.arn(), "arn:aws:iam::111111111111:role/team/etl");
        assert_eq!(
            Principal::parse("arn:aws-cn:iam::111111111111:root")
                .unwrap()
                .arn(),
            "arn:aws-cn:iam::111111111111:root"
        );
        let policy = Principal::parse("arn:aws:iam::111111111111:policy/p").unwrap_err();
        assert!(policy.message.contains("managed policy"), "{policy}");
        assert!(Principal::parse("*")
            .unwrap_err()
            .message
            .starts_with("wildcard principal"));
        assert!(
            Principal::parse("arn:aws:sts::111111111111:assumed-role/r/s")
                .unwrap_err()
                .message
                .contains("session")
        );
    }

    #[test]
    fn access_points() {
        let ap =
            AccessPointArn::parse("arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data")
                .unwrap();
        assert_eq!(
            ap.object_arn("customers/"),
            "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/*"
        );
        assert!(AccessPointArn::parse("arn:aws:s3:::bucket")
            .unwrap_err()
            .message
            .contains("bucket"));
        let region =
            AccessPointArn::parse("arn:aws:s3:us-east1:222222222222:accesspoint/ab-c").unwrap_err();
        assert_eq!(region.help.as_deref(), Some("did you mean `us-east-1`?"));
    }
}
