//! An access point the deployment creates in front of a bucket.

use crate::aws::{every_page, is_code, unless_absent, Aws};
use crate::error::DeployError;
use crate::export::{pascal, ExportError, Exporter, Resource};
use crate::kind::Write;
use crate::live::{region_of, Live};
use crate::plan::{Change, Op, PlanProblem, Planner};
use crate::record::key_of;
use policy_core::{Document, DocumentKind};
use serde_json::json;

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
        let call = self
            .account(account)?
            .s3control(region)
            .delete_access_point();
        let ctx = Self::ctx(account, arn, "s3:DeleteAccessPoint");
        self.write_call(
            ctx,
            &["NoSuchAccessPoint"],
            call.account_id(account).name(name).send(),
        )
        .await
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
    let (account, target, name, region) = (w.account(), w.target(), w.name.as_str(), &w.region);
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

impl Exporter<'_> {
    /// An access point with its policy, as `apply` creates it: all four Block Public Access
    /// settings on, and the network origin VPC when the grants name one.
    pub(crate) fn access_point(&self, doc: &Document) -> Result<Resource, ExportError> {
        let name = doc.name.as_deref().unwrap_or_default();
        let mut properties = json!({
            "Name": name,
            "Bucket": doc.bucket.as_deref().unwrap_or_default(),
            "BucketAccountId": doc.bucket_account.as_deref().unwrap_or(&doc.account),
        });
        if let Some(policy) = self.policy_for(DocumentKind::AccessPointPolicy, &doc.target)? {
            properties["Policy"] = policy;
        }
        properties["PublicAccessBlockConfiguration"] = json!({
            "BlockPublicAcls": true,
            "IgnorePublicAcls": true,
            "BlockPublicPolicy": true,
            "RestrictPublicBuckets": true,
        });
        if let Some(vpc) = &doc.vpc {
            properties["VpcConfiguration"] = json!({ "VpcId": vpc });
        }
        let body = json!({"Type": "AWS::S3::AccessPoint", "Properties": properties});
        Ok(self.resource(
            doc,
            format!("AccessPoint{}", pascal(name)),
            body,
            region_of(doc),
        ))
    }
}

/// How a plan line names an access point: its bucket and owner.
fn describe_access_point(doc: &Document, owner: &str) -> String {
    format!(
        "access point {} on bucket {} (account {}), owned by {owner}",
        doc.target,
        doc.bucket.as_deref().unwrap_or_default(),
        doc.bucket_account.as_deref().unwrap_or_default()
    )
}

/// An access point's network origin as a plan line says it.
fn network_origin(vpc: Option<&str>) -> String {
    vpc.map_or("network origin Internet".to_owned(), |v| {
        format!("network origin VPC {v}")
    })
}

impl Planner<'_> {
    pub(crate) fn access_point(
        &mut self,
        change: &mut Change,
        ap: Option<&crate::kind::access_point::LiveAccessPoint>,
        wanted: bool,
    ) {
        let doc = &change.doc;
        let bucket = doc.bucket.as_deref().unwrap_or_default();
        let bucket_account = doc.bucket_account.as_deref().unwrap_or_default();
        let recorded = self.inventory.owned(doc);
        match (ap, wanted) {
            (None, true) => {
                change.op = Op::Create;
                change.after = Some(format!(
                    "{}, {}",
                    describe_access_point(doc, self.owner()),
                    network_origin(doc.vpc.as_deref())
                ));
            }
            (Some(live), true)
                if live.bucket == bucket
                    && (live.vpc.as_deref() != doc.vpc.as_deref()
                        || !live.blocks_public_access) =>
            {
                self.replace_access_point(change, live, recorded);
            }
            (Some(live), true)
                if live.bucket != bucket
                    || live
                        .bucket_account
                        .as_deref()
                        .is_some_and(|a| a != bucket_account) =>
            {
                self.problems.push(PlanProblem::about(doc, format!(
                    "access point {} already exists in front of bucket {} (account {}), not {bucket} (account {bucket_account}); an access point cannot move to another bucket",
                    doc.target, live.bucket, live.bucket_account.as_deref().unwrap_or("unknown")
                )));
            }
            (Some(_), true) if !recorded => self.take_over_access_point(change),
            (Some(_), false) => {
                let before = describe_access_point(doc, self.owner());
                let meanwhile = "the deployment's statements are taken out of its policy";
                self.delete_unwanted(change, ("access point", recorded), before, meanwhile);
            }
            (Some(_), true) | (None, false) => {}
        }
    }

    /// A declared access point whose network origin or Block Public Access differs: fixed at
    /// creation ("Creating access points restricted to a virtual private cloud", "Managing public
    /// access to access points", S3 User Guide), so replaced when ours, refused when not.
    fn replace_access_point(
        &mut self,
        change: &mut Change,
        live: &crate::kind::access_point::LiveAccessPoint,
        recorded: bool,
    ) {
        let doc = &change.doc;
        let live_origin = network_origin(live.vpc.as_deref());
        let declared_origin = network_origin(doc.vpc.as_deref());
        let what = if live.vpc.as_deref() != doc.vpc.as_deref() {
            format!("it has {live_origin}, the grants declare {declared_origin}")
        } else {
            "some of its Block Public Access settings are off; xacct creates access points with all four on".to_owned()
        };
        let key = key_of(doc);
        let deletable = self.may_delete(&key);
        if let (true, Err(why)) = (recorded, &deletable) {
            self.problems.push(PlanProblem::about(doc, format!(
                "access point {} in account {}: {what}, which AWS fixes when an access point is created, and it cannot be replaced: {why}",
                doc.target, doc.account
            )));
        } else if recorded {
            self.replaced.push(doc.target.to_string());
            let described = describe_access_point(doc, self.owner());
            change.op = Op::Replace;
            change.before = Some(format!("{described}, {live_origin}"));
            change.after = Some(format!("{described}, {declared_origin}"));
            change.reason = Some(format!(
                "{what}, which AWS fixes when an access point is created: it is deleted and created again, and its policy written again; requests through it fail in between"
            ));
        } else {
            self.problems.push(PlanProblem::about(doc, format!(
                "access point {} in account {}: {what}, which cannot change after creation, and deployment {} did not create it",
                doc.target, doc.account, self.owner()
            )));
        }
    }

    /// A declared access point that exists and that the deployment did not create: taken over
    /// with `--adopt` (which writes only the record) unless another deployment records it.
    fn take_over_access_point(&mut self, change: &mut Change) {
        let doc = &change.doc;
        if let Some(other) = self.claimed_by(doc).filter(|_| self.ctx.adopt) {
            self.problems.push(PlanProblem::about(doc, format!(
                "access point {} in account {} is in the record of deployment {other}: --adopt does not take what another deployment owns; remove the grant from one of them",
                doc.target, doc.account
            )));
        } else if self.ctx.adopt {
            change.op = Op::Update;
            change.before = Some(describe_access_point(doc, "someone else"));
            change.after = Some(describe_access_point(doc, self.owner()));
        } else {
            self.problems.push(PlanProblem::about(doc, format!(
                "access point {} exists in account {} but was not created by deployment {}; pass --adopt to take it over",
                doc.target, doc.account, self.owner()
            )));
        }
    }
}
