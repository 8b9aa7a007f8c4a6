//! Deploys an xacct deployment to every account it touches: plan, apply, destroy.
//!
//! A user's own binary is the deploy tool:
//!
//! ```text
//! fn main() -> std::process::ExitCode {
//!     xacct::cli::run(&SHARING)
//! }
//! ```
//!
//! The same steps are available as a library through [`Session`]. The modules read top-down:
//! [`accounts`] (credentials and the identity guard) → `aws` (one function per AWS call) →
//! [`live`] (what is there now, and the deployment's record of what it owns) → [`plan`] (pure:
//! what to change) → `apply` (the writes) → [`cli`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod accounts;
mod apply;
pub mod audit;
mod aws;
pub mod cli;
pub mod cloudtrail;
pub mod config_rules;
pub mod error;
pub mod export;
pub mod import;
mod kind;
mod layers;
pub mod live;
pub mod organization;
pub mod permissions;
pub mod plan;
pub mod record;
pub mod supersede;

pub use accounts::{AccountSpec, Credentials, OrganizationSpec};
pub use aws::Call;
pub use error::DeployError;
pub use kind::access_point::LiveAccessPoint;
pub use kind::role::LiveRole;
pub use live::{Live, LiveState};
pub use plan::{Change, Mode, Op, Plan, PlanContext, Target};

use policy_core::ownership::OWNER_TAG;
use policy_core::{Deployment, DocumentKind};
use std::sync::atomic::Ordering;

/// The roles and access points recorded as created (not adopted) by the deployment that exist,
/// with their creation time: with `mode`, only those a plan of that mode may delete (each needs
/// its proof of creation read); without, every one (`verify` checks them all).
fn creation_candidates<'e>(
    targets: &[Target],
    documents: &[Live],
    inventory: &'e record::Record,
    mode: Option<Mode>,
) -> Vec<(&'e record::Entry, Option<i64>)> {
    targets
        .iter()
        .zip(documents)
        .filter_map(|(t, live)| {
            let entry = inventory
                .entries
                .get(&record::key_of(&t.doc))
                .filter(|e| e.owned && !e.adopted)?;
            let leaving = mode.is_none_or(|m| m == Mode::Destroy) || !t.declared;
            let created = match live {
                Live::Role(Some(role)) if leaving && t.doc.kind == DocumentKind::Role => {
                    role.created
                }
                // An access point whose network origin or public access settings differ is
                // replaced: deleted first.
                Live::AccessPoint(Some(ap))
                    if leaving
                        || ap.vpc.as_deref() != t.doc.vpc.as_deref()
                        || !ap.blocks_public_access =>
                {
                    ap.created
                }
                _ => return None,
            };
            Some((entry, created))
        })
        .collect()
}

/// What `verify` found: differences from the declaration, and warnings (what leaves a grant less
/// safe than declared without breaking it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub differences: Vec<String>,
    pub warnings: Vec<String>,
}

/// Checked credentials for every account of one deployment.
#[derive(Debug)]
pub struct Session<'d> {
    deployment: &'d Deployment,
    aws: aws::Aws,
    /// At most this many AWS calls at once to one service of one account (see
    /// [`Session::set_concurrency`]).
    concurrency: usize,
    /// Plans remove the statements of others that the deployment's own cover.
    supersede: bool,
    /// Grants left out of `deployment` because their expiry passed, with it.
    expired: Vec<(String, policy_core::restrictions::Expiry)>,
}

/// The default of `--concurrency`: calls at once to one service of one account.
pub const DEFAULT_CONCURRENCY: usize = 8;

impl<'d> Session<'d> {
    /// Loads credentials for every account the deployment writes to (and every account an
    /// `--account` names) and checks each identity before anything else happens.
    pub async fn connect(
        deployment: &'d Deployment,
        specs: &[AccountSpec],
    ) -> Result<Session<'d>, DeployError> {
        Self::connect_with_timeout(deployment, specs, accounts::DEFAULT_TIMEOUT).await
    }

    /// [`Session::connect`] with `timeout` for each attempt of every AWS call.
    pub async fn connect_with_timeout(
        deployment: &'d Deployment,
        specs: &[AccountSpec],
        timeout: std::time::Duration,
    ) -> Result<Session<'d>, DeployError> {
        let accounts = accounts::connect(&deployment.accounts(), specs, timeout).await?;
        Ok(Session {
            deployment,
            aws: aws::Aws::new(accounts, DEFAULT_CONCURRENCY),
            concurrency: DEFAULT_CONCURRENCY,
            supersede: false,
            expired: Vec::new(),
        })
    }

    /// A session for the grants still in force (`policy_core::pipeline::in_force`): it reaches
    /// every account of every declared grant, so that an expired grant's resources are found and removed
    /// even when no grant in force names their account.
    pub async fn connect_in_force(
        in_force: &'d policy_core::pipeline::InForce<'_>,
        specs: &[AccountSpec],
        timeout: std::time::Duration,
    ) -> Result<Session<'d>, DeployError> {
        let accounts = accounts::connect(&in_force.declared.accounts(), specs, timeout).await?;
        Ok(Session {
            deployment: &in_force.deployment,
            aws: aws::Aws::new(accounts, DEFAULT_CONCURRENCY),
            concurrency: DEFAULT_CONCURRENCY,
            supersede: false,
            expired: in_force.expired.clone(),
        })
    }

    /// Grants whose expiry has passed: left out of what this session holds AWS to.
    pub fn expired(&self) -> &[(String, policy_core::restrictions::Expiry)] {
        &self.expired
    }

    /// At most `per_service` calls at once to one service (IAM, S3, SSM) of one account, the unit
    /// AWS throttles by; different accounts and services proceed side by side. 1 makes one call
    /// at a time in all.
    /// Plans from now on remove the statements others wrote in shared policies that the
    /// deployment's own statements cover, in the write that adds ours (`--supersede`).
    pub fn set_supersede(&mut self, supersede: bool) {
        self.supersede = supersede;
    }

    pub fn set_concurrency(&mut self, per_service: usize) {
        self.concurrency = per_service.max(1);
        self.aws.set_per_service(self.concurrency);
    }

    /// Calls started at once across accounts and services: every one, each waiting for its place
    /// among its account's and service's (see `Aws::slot`), or one when one call at a time. A
    /// smaller window filled in document order held another service's reads back behind one
    /// service's queue (a 500-grant plan read S3 Control only after all of IAM).
    fn in_flight(&self) -> usize {
        if self.concurrency == 1 {
            1
        } else {
            usize::MAX
        }
    }

    /// Reads the record of what the deployment owns in every account reached, then every
    /// document the plan is about, and the proof of creation of what it may delete. Entries of
    /// the record that fail its checks stop it: nothing is planned from a record someone else
    /// may have written.
    pub async fn read_state(
        &self,
        mode: Mode,
        adopt: bool,
    ) -> Result<(Vec<Target>, LiveState), DeployError> {
        let (targets, inventory, documents) = self.read_documents().await?;
        if let Some(first) = inventory.rejected.first() {
            return Err(DeployError::Record {
                rejected: Box::new(first.clone()),
                region: live::home_region(self.deployment).to_owned(),
                more: inventory.rejected.len() - 1,
            });
        }
        let docs: Vec<_> = targets.iter().map(|t| t.doc.clone()).collect();
        // Requesters the deployment does not create must exist before apply names them.
        let created: Vec<&str> = docs
            .iter()
            .filter(|d| d.kind == DocumentKind::Role)
            .map(|d| d.target.as_ref())
            .collect();
        // An inline policy read back proves its role or user exists: no second call for it.
        let requesters: Vec<&policy_core::Document> = targets
            .iter()
            .zip(&documents)
            .filter(|(t, live)| {
                t.declared && mode == Mode::Apply && !matches!(live, Live::Policy(Some(_)))
            })
            .map(|(t, _)| &t.doc)
            .filter(|d| {
                matches!(
                    d.kind,
                    DocumentKind::RoleInlinePolicy | DocumentKind::UserInlinePolicy
                ) && !created.contains(&d.target.as_ref())
            })
            .collect();
        let missing_principals =
            live::missing_principals(&self.aws, &requesters, self.in_flight()).await?;
        // Roles that may go: ours, and not wanted after the plan.
        let ours = |live: &Live| match live {
            Live::Role(Some(role)) => {
                role.tags.get(OWNER_TAG) == Some(&self.deployment.name.to_string())
            }
            _ => false,
        };
        let leaving: Vec<&policy_core::Document> = targets
            .iter()
            .zip(&documents)
            .filter(|(t, live)| {
                t.doc.kind == DocumentKind::Role
                    && (mode == Mode::Destroy || !t.declared)
                    && ours(live)
            })
            .map(|(t, _)| &t.doc)
            .collect();
        let role_policies = live::role_policies(&self.aws, &leaving, self.in_flight()).await?;
        let candidates = creation_candidates(&targets, &documents, &inventory, Some(mode));
        let provenance =
            live::provenance(&self.aws, self.deployment, &candidates, self.in_flight()).await?;
        let claimed = if adopt {
            let takeable: Vec<record::Entry> = targets
                .iter()
                .zip(&documents)
                .filter(|(t, live)| {
                    t.declared
                        && matches!(live, Live::Role(Some(_)) | Live::AccessPoint(Some(_)))
                        && matches!(t.doc.kind, DocumentKind::Role | DocumentKind::AccessPoint)
                })
                .filter_map(|(t, _)| record::Entry::of(&t.doc, true))
                .filter(|e| !inventory.entries.contains_key(&e.key()))
                .collect();
            live::claimed_by_others(&self.aws, self.deployment, &takeable, self.in_flight()).await?
        } else {
            Default::default()
        };
        Ok((
            targets,
            LiveState {
                inventory,
                documents,
                missing_principals,
                role_policies,
                provenance,
                claimed,
            },
        ))
    }

    pub async fn plan(&self, mode: Mode, adopt: bool) -> Result<Plan, DeployError> {
        self.plan_with(mode, adopt, false).await
    }

    /// [`Session::plan`], deleting (not releasing) adopted roles and access points that no
    /// grant declares any more when `delete_adopted`.
    pub async fn plan_with(
        &self,
        mode: Mode,
        adopt: bool,
        delete_adopted: bool,
    ) -> Result<Plan, DeployError> {
        // The buckets' settings depend on the declaration alone: read beside the state.
        let buckets = async {
            match mode {
                Mode::Apply => {
                    layers::bucket_findings(&self.aws, self.deployment, self.in_flight())
                        .await
                        .map(Some)
                }
                Mode::Destroy => Ok(None),
            }
        };
        // Both finish; the state's error comes first, as when they were read one after the other.
        let (state, buckets) = futures::join!(self.read_state(mode, adopt), buckets);
        let ((targets, state), buckets) = (state?, buckets?);
        let ctx = PlanContext {
            deployment: self.deployment,
            mode,
            adopt,
            delete_adopted,
            expired: &self.expired,
            supersede: self.supersede,
        };
        let mut plan = plan::plan(ctx, &targets, &state).map_err(DeployError::Plan)?;
        if let Some(buckets) = buckets {
            plan.warnings = buckets.breaks.into_iter().chain(buckets.risks).collect();
        }
        Ok(plan)
    }

    pub async fn apply(
        &self,
        plan: &Plan,
        on_done: &(dyn Fn(&Change) + Sync),
    ) -> Result<(), DeployError> {
        apply::apply(&self.aws, self.deployment, plan, self.in_flight(), on_done).await
    }

    /// What is stored now for each document the deployment declares or still owns.
    pub async fn read_all(&self) -> Result<Vec<(Target, Live)>, DeployError> {
        let (targets, _, documents) = self.read_documents().await?;
        Ok(targets.into_iter().zip(documents).collect())
    }

    /// The record in every account reached, the targets it gives with the declaration, and what
    /// is stored for each.
    async fn read_documents(
        &self,
    ) -> Result<(Vec<Target>, record::Record, Vec<Live>), DeployError> {
        let accounts = self.aws.account_ids();
        // The declared documents are known without the record: read beside it, then what only
        // the record names (plan::targets puts the declared ones first).
        let declared: Vec<_> = plan::targets(self.deployment, &record::Record::default())
            .into_iter()
            .map(|t| t.doc)
            .collect();
        let (inventory, documents) = futures::join!(
            live::read_record(&self.aws, self.deployment, &accounts, self.in_flight()),
            live::read_all(&self.aws, &declared, self.in_flight())
        );
        // The record's error first, as when it was read before the documents.
        let (inventory, mut documents) = (inventory?, documents?);
        let targets = plan::targets(self.deployment, &inventory);
        let recorded: Vec<_> = targets
            .iter()
            .skip(declared.len())
            .map(|t| t.doc.clone())
            .collect();
        documents.extend(live::read_all(&self.aws, &recorded, self.in_flight()).await?);
        Ok((targets, inventory, documents))
    }

    /// Reads the live documents of every account and checks the access they give against the
    /// declaration with the same proof `grants!` runs at compile time, within the organization's
    /// SCPs and RCPs when given. Returns one line per grant
    /// whose live access differs, with a counterexample, and one per resource that still gives
    /// access although no grant declares it any more.
    pub async fn verify(
        &self,
        organization: Option<&policy_core::eval::Organization>,
    ) -> Result<Vec<String>, DeployError> {
        Ok(self.verify_report(organization).await?.differences)
    }

    /// [`Session::verify`], with the warnings: what leaves a grant less safe than declared
    /// without breaking it (Block Public Access off under an organization grant).
    pub async fn verify_report(
        &self,
        organization: Option<&policy_core::eval::Organization>,
    ) -> Result<Verification, DeployError> {
        let (targets, inventory, stored) = self.read_documents().await?;
        let mut differences: Vec<String> = inventory
            .rejected
            .iter()
            .map(|r| {
                format!(
                    "the record parameter {} in account {} (last written by {}) is not one xacct writes: {}; plan and apply refuse to run until it is deleted",
                    r.parameter,
                    r.account,
                    r.written_by.as_deref().unwrap_or("an unknown identity"),
                    r.reason
                )
            })
            .collect();
        // Every role and access point the record says the deployment created, with its proof.
        let created = creation_candidates(&targets, &stored, &inventory, None);
        let proofs =
            live::provenance(&self.aws, self.deployment, &created, self.in_flight()).await?;
        for ((account, kind, target), proof) in &proofs {
            if let live::Provenance::Unproven(why) = proof {
                differences.push(format!(
                    "the {} {target} in account {account} is in the deployment's record as created by it, but {why}: it would be left in place, not deleted",
                    kind.describe()
                ));
            }
        }
        let live = targets.into_iter().zip(stored);
        let mut documents = Vec::new();
        for (grant, expiry) in &self.expired {
            if inventory.entries.values().any(|e| e.grants.contains(grant)) {
                differences.push(format!(
                    "grant {grant} expired at {expiry}: AWS denies its requests since then, but its statements are still in place; run apply to remove them"
                ));
            }
        }
        for (target, live) in live {
            let doc = target.doc;
            let exists = !matches!(
                live,
                Live::Policy(None) | Live::Role(None) | Live::AccessPoint(None)
            );
            if !target.declared && exists {
                differences.push(format!(
                    "the {} {} in account {} belongs to this deployment but no grant declares it any more; run apply to remove the access it gives",
                    doc.kind.describe(),
                    doc.target,
                    doc.account
                ));
            }
            let stored = live.stored_policy(doc.kind);
            let ids = stored.map(plan::unique_ids).unwrap_or_default();
            if !ids.is_empty() {
                differences.push(format!(
                    "the {} of {} in account {} names {}: the role or user it named was deleted, so the access it declares is broken; run apply to name the declared principals again",
                    doc.kind.describe(),
                    doc.target,
                    doc.account,
                    ids.join(", ")
                ));
            }
            documents.extend(live.stored(doc));
        }
        let mut set = policy_core::eval::PolicySet::from_documents(&documents)
            .map_err(DeployError::Unreadable)?;
        set.organization = organization.cloned();
        let others = self.add_other_layers(&mut set).await?;
        differences.extend(others.differences);
        let blame = if organization.is_some() {
            "a statement this deployment does not own, another policy or permissions boundary of a requester or bridge role, a change made outside xacct, or a policy of the organization"
        } else {
            "a statement this deployment does not own, another policy or permissions boundary of a requester or bridge role, or a change made outside xacct"
        };
        if let Err(failures) = policy_core::proof::prove_set(&set, self.deployment.grants(), blame)
        {
            differences.extend(failures.into_iter().map(|(_, p)| p.to_string()));
        }
        Ok(Verification {
            differences,
            warnings: others.warnings,
        })
    }

    /// Adds every other layer AWS evaluates to `set`: the requesters' and bridge roles' other
    /// policies and boundaries (and users' groups'). Returns what was found while reading them:
    /// policies the evaluator cannot read, and bucket settings that break a grant.
    pub async fn add_other_layers(
        &self,
        set: &mut policy_core::eval::PolicySet,
    ) -> Result<Verification, DeployError> {
        let layers = layers::read(&self.aws, self.deployment, self.in_flight()).await?;
        let found = Verification {
            differences: layers.findings.clone(),
            warnings: layers.warnings.clone(),
        };
        layers.add_to(set)?;
        Ok(found)
    }

    /// The deployment's live documents with every other layer AWS evaluates, as `verify` judges
    /// them, and what was found while reading the other layers.
    pub async fn live_policy_set(
        &self,
    ) -> Result<(policy_core::eval::PolicySet, Verification), DeployError> {
        let documents: Vec<policy_core::Document> = self
            .read_all()
            .await?
            .into_iter()
            .filter_map(|(target, live)| live.stored(target.doc))
            .collect();
        let mut set = policy_core::eval::PolicySet::from_documents(&documents)
            .map_err(DeployError::Unreadable)?;
        let findings = self.add_other_layers(&mut set).await?;
        Ok((set, findings))
    }

    /// Calls made so far: (reads, writes), identity checks not counted.
    pub fn calls(&self) -> (usize, usize) {
        (
            self.aws.calls.reads.load(Ordering::SeqCst),
            self.aws.calls.writes.load(Ordering::SeqCst),
        )
    }

    /// Every AWS call made so far, identity checks not included.
    pub fn call_log(&self) -> Vec<Call> {
        self.aws
            .calls
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Test hook: every write after the first `writes` fails, as if AWS went away midway.
    #[doc(hidden)]
    pub fn fail_after_writes(&mut self, writes: usize) {
        self.aws.fail_after_writes = Some(writes);
    }
}
