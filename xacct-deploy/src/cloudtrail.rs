//! `export cloudtrail`: a CloudTrail trail per account the deployment touches, logging the calls
//! that change its surface, and (opt-in) the S3 data events through its access points — the
//! monitoring duty of the guide the product follows (ARCHITECTURE.md "Monitoring").
//!
//! What AWS lets a trail select ("Filtering data events by using advanced event selectors" and
//! `AWS::CloudTrail::Trail AdvancedFieldSelector`, CloudTrail User Guide): management events can
//! be narrowed to writes (`readOnly = false`) but not to resources, so the trail logs every change
//! made in the account (IAM's with `IncludeGlobalServiceEvents` in the home region, the first copy
//! of management events is free); data events are selected per access point with
//! `resources.type = AWS::S3::AccessPoint` and `resources.ARN` starting with its ARN, and are
//! billed ($0.10 per 100,000 events delivered, "AWS CloudTrail pricing").

use crate::export::{Export, ExportKind, Template};
use crate::live::{home_region, partition};
use policy_core::ownership::inline_policy_name;
use policy_core::{Deployment, DocumentKind, POLICY_VERSION};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The price said with `--data-events`.
pub const DATA_EVENT_PRICE: &str = "$0.10 per 100,000 data events delivered";

/// The trail's name in each account: `xacct-<name>`, as the inline policies are named.
pub fn trail_name(deployment: &Deployment) -> String {
    inline_policy_name(&deployment.name)
}

/// One template per account: `<account>.cloudtrail.json`, each with one multi-Region trail in the
/// partition's home region writing to `bucket`; and the bucket policy CloudTrail needs there, as
/// a note ("Amazon S3 bucket policy for CloudTrail").
pub fn per_account(deployment: &Deployment, bucket: &str, data_events: bool) -> Export {
    let home = home_region(deployment);
    let partition = partition(deployment);
    let name = trail_name(deployment);
    let mut access_points: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for doc in deployment.documents() {
        access_points.entry(doc.account.to_string()).or_default();
        if doc.kind == DocumentKind::AccessPoint {
            if let Some(list) = access_points.get_mut(doc.account.as_ref()) {
                list.push(doc.target.to_string());
            }
        }
    }
    let mut templates = Vec::new();
    let mut trails = Vec::new();
    for (account, aps) in &access_points {
        let mut selectors = vec![json!({
            "Name": "Changes made in the account (management events cannot be narrowed to resources)",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        })];
        if data_events && !aps.is_empty() {
            selectors.push(json!({
                "Name": "S3 requests through the deployment's access points",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::AccessPoint"]},
                    {"Field": "resources.ARN", "StartsWith": aps},
                ],
            }));
        }
        let body = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": format!(
                "xacct deployment {}: the CloudTrail trail of account {account}",
                deployment.name
            ),
            "Metadata": {"xacct": {"deployment": deployment.name.as_ref(), "export": "cloudtrail"}},
            "Resources": {
                "Trail": {
                    "Type": "AWS::CloudTrail::Trail",
                    "Properties": {
                        "TrailName": name,
                        "S3BucketName": bucket,
                        "S3KeyPrefix": name,
                        "IsLogging": true,
                        "IsMultiRegionTrail": true,
                        "IncludeGlobalServiceEvents": true,
                        "EnableLogFileValidation": true,
                        "AdvancedEventSelectors": selectors,
                    },
                },
            },
        });
        templates.push(Template {
            file: format!("{account}.cloudtrail.json"),
            account: Some(account.clone()),
            region: home.to_owned(),
            body,
        });
        trails.push(format!(
            "arn:{partition}:cloudtrail:{home}:{account}:trail/{name}"
        ));
    }
    let mut notes = vec![bucket_policy_note(
        bucket,
        &name,
        &trails,
        partition.to_string(),
    )];
    if data_events {
        notes.push(format!(
            "data events are billed: {DATA_EVENT_PRICE} (AWS CloudTrail pricing); every GET and PUT through the access points is one"
        ));
    }
    Export {
        kind: ExportKind::CloudTrail,
        templates,
        order: vec![access_points.keys().cloned().collect()],
        notes,
    }
}

/// The statements the log bucket's policy needs for these trails to write to it: CloudTrail
/// reads the bucket's ACL and writes under `<prefix>/AWSLogs/<account>/`, each trail named by
/// `aws:SourceArn` ("Amazon S3 bucket policy for CloudTrail", CloudTrail User Guide).
fn bucket_policy_note(bucket: &str, prefix: &str, trails: &[String], partition: String) -> String {
    let bucket_arn = format!("arn:{partition}:s3:::{bucket}");
    let objects: Vec<String> = trails
        .iter()
        .filter_map(|t| t.split(':').nth(4))
        .map(|account| format!("{bucket_arn}/{prefix}/AWSLogs/{account}/*"))
        .collect();
    let policy = json!({
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "XacctCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": {"aws:SourceArn": trails}},
            },
            {
                "Sid": "XacctCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trails}},
            },
        ],
    });
    format!(
        "the trails write to the bucket {bucket}, whose policy must let CloudTrail do so; add these statements to it:\n{}",
        serde_json::to_string_pretty(&policy).unwrap_or_else(|_| Value::Null.to_string())
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_trail_name_is_a_valid_cloudtrail_name() {
        // 3 to 128 letters, digits, periods, underscores and dashes, starting with a letter or
        // digit ("CreateTrail", CloudTrail API reference: Name).
        let name = super::inline_policy_name("DATA_LAKE");
        assert!((3..=128).contains(&name.len()));
        assert!(name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')));
        assert!(name.starts_with(|c: char| c.is_ascii_alphanumeric()));
    }
}
