//! The kinds of resource a deployment writes, one module each: its AWS calls, how it is read,
//! planned, written and exported. What is the same for every kind stays in [`crate::plan`],
//! [`crate::apply`] and [`crate::export`]; the functions here only choose the kind's module.

pub(crate) mod access_point;
pub(crate) mod access_point_policy;
pub(crate) mod bucket_policy;
pub(crate) mod inline_policy;
pub(crate) mod key_policy;
pub(crate) mod record;
pub(crate) mod role;
