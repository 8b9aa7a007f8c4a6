//! The record's AWS side: its SSM parameters (what they mean is [`crate::record`]'s).

use crate::aws::{done_unless, is_code, Aws};
use crate::error::DeployError;
use crate::record::StoredParameter;
use std::collections::BTreeMap;

impl Aws {
    /// The name of every parameter under `path` (recursively), with who wrote it last
    /// (`LastModifiedUser`), 50 a page (DescribeParameters).
    pub async fn parameter_names(
        &self,
        account: &str,
        region: &str,
        path: &str,
    ) -> Result<Vec<(String, Option<String>)>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let filter = aws_sdk_ssm::types::ParameterStringFilter::builder()
            .key("Path")
            .option("Recursive")
            .values(path)
            .build()
            .map_err(|e| DeployError::Aws {
                context: Self::ctx(account, path, "ssm:DescribeParameters"),
                code: "InvalidRequest".into(),
                message: e.to_string(),
            })?;
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let permit = self.read(account, "ssm:DescribeParameters", path).await;
            let page = ssm
                .describe_parameters()
                .parameter_filters(filter.clone())
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| {
                    DeployError::aws(Self::ctx(account, path, "ssm:DescribeParameters"), &e)
                })?;
            drop(permit);
            names.extend(
                page.parameters
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| Some((p.name?, p.last_modified_user))),
            );
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(names),
            }
        }
    }

    /// Every parameter under `path` (recursively), name → value and writer. The names come 50
    /// a page (DescribeParameters), the values 10 names a call (GetParameters), those calls at
    /// once: GetParametersByPath gives 10 a page, one page after the other, which made the
    /// record of a large deployment the slowest read of a plan.
    pub async fn get_parameters(
        &self,
        account: &str,
        region: &str,
        path: &str,
    ) -> Result<BTreeMap<String, StoredParameter>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let (names, writers): (Vec<String>, Vec<Option<String>>) = self
            .parameter_names(account, region, path)
            .await?
            .into_iter()
            .unzip();
        let writers: BTreeMap<&String, &Option<String>> = names.iter().zip(&writers).collect();
        let batches = names.chunks(10).map(|batch| {
            let ssm = ssm.clone();
            async move {
                let _permit = self
                    .read(account, "ssm:GetParameters", &batch.join(","))
                    .await;
                ssm.get_parameters()
                    .set_names(Some(batch.to_vec()))
                    .send()
                    .await
                    .map_err(|e| {
                        DeployError::aws(Self::ctx(account, path, "ssm:GetParameters"), &e)
                    })
            }
        });
        let mut out = BTreeMap::new();
        for answer in futures::future::try_join_all(batches).await? {
            for p in answer.parameters.unwrap_or_default() {
                if let (Some(name), Some(value)) = (p.name, p.value) {
                    let written_by = writers.get(&name).and_then(|w| (*w).clone());
                    out.insert(name, StoredParameter { value, written_by });
                }
            }
        }
        Ok(out)
    }

    /// When the parameter's first version still kept was written (seconds since the epoch):
    /// SSM keeps a parameter's last 100 versions and forgets them all when it is deleted
    /// ("GetParameterHistory", SSM API reference). `None` when there is no such parameter.
    pub async fn first_written(
        &self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<Option<f64>, DeployError> {
        let ssm = self.account(account)?.ssm(region);
        let mut first: Option<f64> = None;
        let mut token: Option<String> = None;
        loop {
            let _permit = self.read(account, "ssm:GetParameterHistory", name).await;
            let page = match ssm
                .get_parameter_history()
                .name(name)
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => page,
                Err(e) if is_code(&e, &["ParameterNotFound"]) => return Ok(None),
                Err(e) => {
                    return Err(DeployError::aws(
                        Self::ctx(account, name, "ssm:GetParameterHistory"),
                        &e,
                    ))
                }
            };
            for version in page.parameters.unwrap_or_default() {
                if let Some(at) = version.last_modified_date {
                    let at = at.as_secs_f64();
                    first = Some(first.map_or(at, |f| f.min(at)));
                }
            }
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(first),
            }
        }
    }

    pub async fn put_parameter(
        &self,
        account: &str,
        region: &str,
        name: &str,
        value: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, name, "ssm:PutParameter");
        let _permit = self.write(&ctx).await?;
        self.account(account)?
            .ssm(region)
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .overwrite(true)
            .send()
            .await
            .map_err(|e| DeployError::aws(ctx, &e))?;
        Ok(())
    }

    /// Deleting a parameter that is already gone is success: the goal is its absence.
    pub async fn delete_parameter(
        &self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<(), DeployError> {
        let ctx = Self::ctx(account, name, "ssm:DeleteParameter");
        let _permit = self.write(&ctx).await?;
        let result = self
            .account(account)?
            .ssm(region)
            .delete_parameter()
            .name(name)
            .send()
            .await;
        done_unless(result, ctx, &["ParameterNotFound"])
    }
}
