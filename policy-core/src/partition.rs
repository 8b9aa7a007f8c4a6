//! AWS partitions and the regions in each.
//!
//! The region lists follow the AWS SDKs' `partitions.json`/`endpoints.json` (the regions each
//! partition's `regionRegex` names explicitly), as of 2026-11.

use crate::diagnostic::{did_you_mean, Problem};
use std::fmt;

/// An AWS partition: a group of regions with its own ARN prefix and IAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
    AwsIso,
    AwsIsoB,
    AwsIsoE,
    AwsIsoF,
    AwsEusc,
}

const PARTITIONS: &[(Partition, &str, &[&str])] = &[
    (
        Partition::Aws,
        "aws",
        &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    (
        Partition::AwsCn,
        "aws-cn",
        &["cn-north-1", "cn-northwest-1"],
    ),
    (
        Partition::AwsUsGov,
        "aws-us-gov",
        &["us-gov-east-1", "us-gov-west-1"],
    ),
    (
        Partition::AwsIso,
        "aws-iso",
        &["us-iso-east-1", "us-iso-west-1"],
    ),
    (Partition::AwsIsoB, "aws-iso-b", &["us-isob-east-1"]),
    (Partition::AwsIsoE, "aws-iso-e", &["eu-isoe-west-1"]),
    (
        Partition::AwsIsoF,
        "aws-iso-f",
        &["us-isof-east-1", "us-isof-south-1"],
    ),
    (Partition::AwsEusc, "aws-eusc", &["eusc-de-east-1"]),
];

impl Partition {
    fn entry(self) -> (&'static str, &'static [&'static str]) {
        PARTITIONS
            .iter()
            .find(|p| p.0 == self)
            .map(|p| (p.1, p.2))
            .unwrap_or(("aws", &[]))
    }

    /// The partition as it appears in ARNs: `aws`, `aws-cn`, ...
    pub fn name(self) -> &'static str {
        self.entry().0
    }

    /// The region a partition's global services (IAM, STS's global endpoint) are homed in: the
    /// `implicitGlobalRegion` of each partition in the AWS SDKs' `partitions.json`.
    pub fn home_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::AwsCn => "cn-north-1",
            Partition::AwsUsGov => "us-gov-west-1",
            Partition::AwsIso => "us-iso-east-1",
            Partition::AwsIsoB => "us-isob-east-1",
            Partition::AwsIsoE => "eu-isoe-west-1",
            Partition::AwsIsoF => "us-isof-south-1",
            Partition::AwsEusc => "eusc-de-east-1",
        }
    }

    pub fn regions(self) -> &'static [&'static str] {
        self.entry().1
    }

    pub fn parse(input: &str) -> Result<Partition, Problem> {
        if let Some(p) = PARTITIONS.iter().find(|p| p.1 == input) {
            return Ok(p.0);
        }
        let names = PARTITIONS.iter().map(|p| p.1);
        let problem = Problem::new(format!("unknown partition `{input}`"));
        Err(match did_you_mean(input, names.clone()) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None => problem.help(format!(
                "partitions are {}",
                names
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
    }

    /// Checks that `region` is one of this partition's regions, suggesting the nearest one.
    pub fn check_region(self, region: &str) -> Result<(), Problem> {
        if self.regions().contains(&region) {
            return Ok(());
        }
        let problem = Problem::new(format!(
            "`{region}` is not a region of the `{}` partition",
            self.name()
        ));
        if let Some(near) = did_you_mean(region, self.regions().iter().copied()) {
            return Err(problem.help(format!("did you mean `{near}`?")));
        }
        if let Some(other) = PARTITIONS.iter().find(|p| p.2.contains(&region)) {
            return Err(problem.help(format!(
                "`{region}` is in the `{}` partition; write `arn:{}:...` or pick a region of `{}`",
                other.1,
                other.1,
                self.name()
            )));
        }
        Err(problem.help(format!(
            "regions of `{}`: {}",
            self.name(),
            self.regions().join(", ")
        )))
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_belong_to_their_partition() {
        assert!(Partition::Aws.check_region("eu-west-1").is_ok());
        assert!(Partition::AwsCn.check_region("cn-north-1").is_ok());
        let wrong = Partition::Aws.check_region("cn-north-1").unwrap_err();
        assert!(wrong.help.unwrap_or_default().contains("`aws-cn`"));
        let typo = Partition::Aws.check_region("us-east1").unwrap_err();
        assert_eq!(typo.help.as_deref(), Some("did you mean `us-east-1`?"));
        assert_eq!(Partition::parse("aws-us-gov"), Ok(Partition::AwsUsGov));
        assert!(Partition::parse("aws-gov").is_err());
    }
}
