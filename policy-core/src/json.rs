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

/// `text` parsed, refusing an object that holds the same key twice: serde_json (and many JSON
/// readers) keep the last one silently, so a policy with two `"Statement"` blocks would be read
/// as its second block alone while AWS refuses the document.
pub fn parse_strict(text: &str) -> Result<Value, String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde::Deserialize::deserialize(&mut deserializer)
        .and_then(|UniqueKeys| deserializer.end())
        .map_err(|e| e.to_string())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Walks a JSON value, failing on a duplicate key.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
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
    fn duplicate_keys_are_refused() {
        let twice =
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A"}],"Statement":[{"Sid":"B"}]}"#;
        assert!(parse_strict(twice)
            .unwrap_err()
            .contains("duplicate key `Statement`"));
        assert!(parse_strict(r#"{"a":[{"b":1,"c":{"b":2}}]}"#).is_ok());
        assert!(parse_strict("{} x").is_err());
    }

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
