//! Deploys an xacct deployment to every account it touches.
pub mod cli;
