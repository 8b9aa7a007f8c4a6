//! Canonical JSON: keys sorted at every level, minified. The same value always gives the same
//! bytes, whatever features other crates turn on in `serde_json` (`preserve_order` keeps
//! insertion order, so the maps are rebuilt in sorted order rather than trusted to sort).

use serde_json::{Map, Value};

/// Every policy this tool writes says this; omitting it means the 2008 language without
/// policy variables.
pub const POLICY_VERSION: &str = "2012-10-17";

/// `value` with every object's keys in sorted order.
pub fn canonicalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonicalize(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonicalize).collect()),
        other => other,
    }
}

/// A policy in a form where equal meaning is equal value: keys sorted, lists in sorted order,
/// one-element lists as their element (IAM and S3 may store either).
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), normalize(v)))
                    .collect(),
            )
        }
        Value::Array(items) if items.len() == 1 => normalize(&items[0]),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalize).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        other => other.clone(),
    }
}

/// Whether two policy texts mean the same; texts that are not JSON must be equal.
pub fn same_meaning(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => normalize(&a) == normalize(&b),
        _ => a == b,
    }
}

/// Minified canonical text.
pub fn to_canonical_string(value: Value) -> String {
    canonicalize(value).to_string()
}

/// A list of strings as IAM writes it: a lone string for one value, an array for several.
pub fn one_or_many(mut values: Vec<String>) -> Value {
    if values.len() == 1 {
        Value::String(values.remove(0))
    } else {
        Value::Array(values.into_iter().map(Value::String).collect())
    }
}

/// The size AWS counts for IAM policies: characters, white space not counted.
pub fn iam_policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_minified() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 0}], "c": "x y"}});
        assert_eq!(
            to_canonical_string(v),
            r#"{"a":{"c":"x y","d":[1,{"y":0,"z":0}]},"b":1}"#
        );
        assert_eq!(iam_policy_size("{\"a\": \"b c\"}"), 10);
    }
}
