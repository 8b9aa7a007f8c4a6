//! IAM policy documents as the evaluator reads them: every element AWS defines for the documents
//! this tool writes and reads back (identity, trust, access point and bucket policies).

use super::condition::{self, Condition, SetQualifier};
use crate::diagnostic::Problem;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One entry of `Principal` / `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`.
    Anyone,
    /// An account id, an account root, a role, a user or a session ARN.
    Aws(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Shared: every decision that cites the statement holds it.
    pub sid: Option<std::sync::Arc<str>>,
    pub effect: Effect,
    /// `Some` in resource and trust policies; `not_principal` says it is `NotPrincipal`.
    pub principal: Option<Vec<PrincipalEntry>>,
    pub not_principal: bool,
    pub actions: Vec<String>,
    pub not_action: bool,
    /// `None`: no `Resource` element (trust policies).
    pub resources: Option<Vec<String>>,
    pub not_resource: bool,
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Policy {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

fn strings(value: &Value, element: &str) -> Result<Vec<String>, Problem> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                scalar(v)
                    .ok_or_else(|| Problem::new(format!("`{element}` holds `{v}`, not a string")))
            })
            .collect(),
        other => scalar(other).map(|s| vec![s]).ok_or_else(|| {
            Problem::new(format!(
                "`{element}` is `{other}`, not a string or a list of strings"
            ))
        }),
    }
}

/// Condition values may be written as JSON booleans and numbers; IAM compares them as text.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn principals(value: &Value) -> Result<Vec<PrincipalEntry>, Problem> {
    match value {
        Value::String(s) if s == "*" => Ok(vec![PrincipalEntry::Anyone]),
        Value::Object(map) => {
            let mut out = Vec::new();
            for (kind, ids) in map {
                for id in strings(ids, "Principal")? {
                    out.push(match kind.as_str() {
                        "AWS" if id == "*" => PrincipalEntry::Anyone,
                        "AWS" => PrincipalEntry::Aws(id),
                        "Service" => PrincipalEntry::Service(id),
                        "Federated" => PrincipalEntry::Federated(id),
                        "CanonicalUser" => PrincipalEntry::CanonicalUser(id),
                        other => {
                            return Err(Problem::new(format!("unknown principal type `{other}`")))
                        }
                    });
                }
            }
            Ok(out)
        }
        other => Err(Problem::new(format!(
            "`Principal` is `{other}`; write `\"*\"` or `{{\"AWS\": ...}}`"
        ))),
    }
}

fn conditions(value: &Value) -> Result<Vec<Condition>, Problem> {
    let Value::Object(operators) = value else {
        return Err(Problem::new("`Condition` is not an object"));
    };
    let mut out = Vec::new();
    for (op, keys) in operators {
        let (qualifier, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else if let Some(r) = op.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else {
            (SetQualifier::Single, op.as_str())
        };
        let (operator, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        if !condition::is_known(operator) {
            return Err(Problem::new(format!("unknown condition operator `{op}`")));
        }
        let Value::Object(keys) = keys else {
            return Err(Problem::new(format!("condition `{op}` is not an object")));
        };
        for (key, values) in keys {
            out.push(Condition {
                operator: operator.to_owned(),
                qualifier,
                if_exists,
                key: key.clone(),
                values: strings(values, "Condition")?,
            });
        }
    }
    Ok(out)
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy, Problem> {
        let value: Value = crate::json::parse_strict(text)
            .map_err(|e| Problem::new(format!("policy is not valid JSON: {e}")))?;
        Policy::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Policy, Problem> {
        let raw = match &value["Statement"] {
            Value::Array(items) => items.clone(),
            Value::Null => Vec::new(),
            one => vec![one.clone()],
        };
        let statements = raw
            .iter()
            .map(Statement::from_value)
            .collect::<Result<_, _>>()?;
        Ok(Policy {
            version: value["Version"].as_str().map(str::to_owned),
            statements,
        })
    }
}

impl Statement {
    pub fn from_value(s: &Value) -> Result<Statement, Problem> {
        let effect = match s["Effect"].as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            other => {
                return Err(Problem::new(format!(
                    "statement effect is {other:?}, not `Allow` or `Deny`"
                )))
            }
        };
        let (principal, not_principal) = match (s.get("Principal"), s.get("NotPrincipal")) {
            (Some(p), None) => (Some(principals(p)?), false),
            (None, Some(p)) => (Some(principals(p)?), true),
            (None, None) => (None, false),
            (Some(_), Some(_)) => {
                return Err(Problem::new(
                    "a statement has both `Principal` and `NotPrincipal`",
                ))
            }
        };
        let (actions, not_action) = match (s.get("Action"), s.get("NotAction")) {
            (Some(a), None) => (strings(a, "Action")?, false),
            (None, Some(a)) => (strings(a, "NotAction")?, true),
            _ => {
                return Err(Problem::new(
                    "a statement needs exactly one of `Action` and `NotAction`",
                ))
            }
        };
        let (resources, not_resource) = match (s.get("Resource"), s.get("NotResource")) {
            (Some(r), None) => (Some(strings(r, "Resource")?), false),
            (None, Some(r)) => (Some(strings(r, "NotResource")?), true),
            (None, None) => (None, false),
            (Some(_), Some(_)) => {
                return Err(Problem::new(
                    "a statement has both `Resource` and `NotResource`",
                ))
            }
        };
        let conditions = s
            .get("Condition")
            .map(conditions)
            .transpose()?
            .unwrap_or_default();
        Ok(Statement {
            sid: s["Sid"].as_str().map(std::sync::Arc::from),
            effect,
            principal,
            not_principal,
            actions,
            not_action,
            resources,
            not_resource,
            conditions,
        })
    }
}
