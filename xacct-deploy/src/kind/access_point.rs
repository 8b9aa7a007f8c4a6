//! An access point the deployment creates in front of a bucket.

use crate::aws::{done_unless, every_page, is_code, unless_absent, Aws};
use crate::error::DeployError;
use crate::kind::Write;
use crate::live::{region_of, Live};
use crate::plan::Op;
use policy_core::Document;

/// An access point as S3 Control has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveAccessPoint {
    pub bucket: String,
    pub bucket_account: Option<String>,
    /// Network origin `VPC`: the VPC; `None` for `Internet`.
    pub vpc: Option<String>,
    /// All four Block Public Access settings on (AWS's default, which xacct always asks for).
    pub blocks_public_access: bool,
    /// `CreationDate`, milliseconds since the epoch.
    pub created: Option<i64>,
}

/// What an access point is created with.
#[derive(Clone, Copy, Debug)]
pub struct NewAccessPoint<'a> {
    pub name: &'a str,
    pub bucket: &'a str,
    pub bucket_account: &'a str,
    /// The network origin VPC; `None` for the internet.
    pub vpc: Option<&'a str>,
}

impl Aws {
    pub async fn get_access_point(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<Option<LiveAccessPoint>, DeployError> {
        let _permit = self.read(account, "s3:GetAccessPoint", arn).await;
        match unless_absent(
            self.account(account)?
                .s3control(region)
                .get_access_point()
                .account_id(account)
                .name(name)
                .send()
                .await,
            Self::ctx(account, arn, "s3:GetAccessPoint"),
            &["NoSuchAccessPoint"],
        )? {
            Some(out) => Ok(Some(LiveAccessPoint {
                blocks_public_access: out.public_access_block_configuration.as_ref().is_none_or(
                    |b| {
                        [
                            b.block_public_acls,
                            b.ignore_public_acls,
                            b.block_public_policy,
                            b.restrict_public_buckets,
                        ]
                        .into_iter()
                        .all(|on| on != Some(false))
                    },
                ),
                vpc: out.vpc_configuration.map(|v| v.vpc_id),
                created: out.creation_date.and_then(|d| d.to_millis().ok()),
                bucket: out.bucket.unwrap_or_default(),
                bucket_account: out.bucket_account_id,
            })),
            None => Ok(None),
        }
    }

    /// The ARNs of `account`'s access points in `region` on `bucket` (for `import --bucket`).
    pub async fn list_access_points(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
    ) -> Result<Vec<String>, DeployError> {
        let _permit = self.read(account, "s3:ListAccessPoints", bucket).await;
        let pages = self
            .account(account)?
            .s3control(region)
            .list_access_points()
            .account_id(account)
            .bucket(bucket)
            .into_paginator();
        Ok(every_page!(
            pages,
            account,
            bucket,
            "s3:ListAccessPoints",
            |page| page
                .access_point_list
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| a.access_point_arn)
        ))
    }

    pub async fn create_access_point(
        &self,
        account: &str,
        region: &str,
        arn: &str,
        ap: NewAccessPoint<'_>,
    ) -> Result<(), DeployError> {
        let NewAccessPoint {
            name,
            bucket,
            bucket_account,
            vpc,
        } = ap;
        use aws_sdk_s3control::types::{PublicAccessBlockConfiguration, VpcConfiguration};
        let ctx = Self::ctx(account, arn, "s3:CreateAccessPoint");
        let permit = self.write(&ctx).await?;
        // All four on, said rather than left to the default: nothing xacct grants is public.
        let block_public_access = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        let mut request = self
            .account(account)?
            .s3control(region)
            .create_access_point()
            .account_id(account)
            .name(name)
            .bucket(bucket)
            .public_access_block_configuration(block_public_access);
        if bucket_account != account {
            request = request.bucket_account_id(bucket_account);
        }
        if let Some(vpc) = vpc {
            let config = VpcConfiguration::builder()
                .vpc_id(vpc)
                .build()
                .map_err(|e| DeployError::Aws {
                    context: ctx.clone(),
                    code: "InvalidVpcConfiguration".to_owned(),
                    message: e.to_string(),
                })?;
            request = request.vpc_configuration(config);
        }
        match request.send().await {
            Ok(_) => Ok(()),
            // A retry after a lost answer: the access point is there; fine if in front of `bucket`.
            Err(e) if is_code(&e, &["AccessPointAlreadyOwnedByYou"]) => {
                // Its place goes back first: the read waits for one of its own.
                drop(permit);
                match self.get_access_point(account, region, name, arn).await? {
                    Some(ap) if ap.bucket == bucket && ap.vpc.as_deref() == vpc => Ok(()),
                    _ => Err(DeployError::aws(ctx, &e)),
                }
            }
            Err(e) => Err(DeployError::aws(ctx, &e)),
        }
    }

    pub async fn delete_access_point(
        &self,
        account: &str,
        region: &str,
        name: &str,
        arn: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, arn, "s3:DeleteAccessPoint");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .s3control(region)
            .delete_access_point()
            .account_id(account)
            .name(name)
            .send()
            .await;
        done_unless(result, ctx, &["NoSuchAccessPoint"])
    }
}

/// After the roles and their policies; before the access point's policy.
pub(crate) const PHASE: u8 = 3;

pub(crate) async fn read(aws: &Aws, doc: &Document) -> Result<Live, DeployError> {
    let name = doc.name.as_deref().unwrap_or_default();
    Ok(Live::AccessPoint(
        aws.get_access_point(&doc.account, &region_of(doc), name, &doc.target)
            .await?,
    ))
}

pub(crate) async fn write(w: &Write<'_>) -> Result<(), DeployError> {
    let doc = &w.change.doc;
    let (account, target, name, region) = (
        doc.account.as_ref(),
        doc.target.as_ref(),
        w.name.as_str(),
        w.region.as_str(),
    );
    match w.change.op {
        // Adopting an access point writes only the record.
        Op::Update => Ok(()),
        Op::Delete => {
            w.aws
                .delete_access_point(account, region, name, target)
                .await
        }
        op => {
            // What cannot change in place (the network origin) is deleted and created again;
            // its policy is written after it, in the next phase.
            if op == Op::Replace {
                w.aws
                    .delete_access_point(account, region, name, target)
                    .await?;
            }
            let bucket_account = doc.bucket_account.as_deref().unwrap_or(account);
            let ap = NewAccessPoint {
                name,
                bucket: doc.bucket.as_deref().unwrap_or_default(),
                bucket_account,
                vpc: doc.vpc.as_deref(),
            };
            w.aws.create_access_point(account, region, target, ap).await
        }
    }
}
