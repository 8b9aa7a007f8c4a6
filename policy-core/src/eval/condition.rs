//! Condition operators, wildcard matching and policy variables, as the IAM user guide describes
//! them ("IAM JSON policy elements: Condition operators", "Policy variables").

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// How a condition treats a multi-valued context key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    Single,
    ForAnyValue,
    ForAllValues,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator without qualifier or `IfExists`: `StringLike`, `Bool`, ...
    pub operator: String,
    pub qualifier: SetQualifier,
    pub if_exists: bool,
    pub key: String,
    pub values: Vec<String>,
}

/// Context keys of a request: each key has one or more values. Keys match case-insensitively.
pub type Context = BTreeMap<String, Vec<String>>;

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

pub fn is_known(operator: &str) -> bool {
    OPERATORS.contains(&operator)
}

/// `*` any run of characters, `?` exactly one.
pub fn wildcard(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if !pattern.contains(['*', '?']) {
        let pattern = unescaped(pattern);
        return if ignore_case {
            pattern.eq_ignore_ascii_case(text)
        } else {
            pattern == text
        };
    }
    // The usual case, without allocating: ASCII on both sides (the escapes are not ASCII).
    if pattern.is_ascii() && text.is_ascii() {
        let same =
            |p: u8, t: u8| p == b'?' || p == t || (ignore_case && p.eq_ignore_ascii_case(&t));
        return glob(pattern.as_bytes(), text.as_bytes(), b'*', same);
    }
    let fold = |s: &str| {
        if ignore_case {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let (p, t): (Vec<char>, Vec<char>) = (
        fold(pattern).chars().collect(),
        fold(text).chars().collect(),
    );
    let escapes = !pattern.is_ascii();
    glob(&p, &t, '*', |pc, tc| {
        pc == '?' || pc == tc || (escapes && literal(pc) == tc)
    })
}

/// Glob matching: `star` matches any run; `same` says whether a pattern item matches a text item.
fn glob<T: Copy + PartialEq>(p: &[T], t: &[T], star: T, same: impl Fn(T, T) -> bool) -> bool {
    let (mut pi, mut ti, mut last_star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != star && same(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star {
            last_star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = last_star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == star)
}

/// ARN matching: part by part, so a `*` never reaches across a `:` into the next part.
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (mut p, mut a) = (pattern.splitn(6, ':'), arn.splitn(6, ':'));
    for _ in 0..6 {
        match (p.next(), a.next()) {
            (Some(p), Some(a)) if wildcard(p, a, false) => {}
            _ => return false,
        }
    }
    true
}

/// The byte index of the fifth `:`, where an ARN's resource part starts.
fn fifth_colon(text: &str) -> Option<usize> {
    text.match_indices(':').nth(4).map(|(i, _)| i)
}

/// Whether a `Resource` / `NotResource` ARN pattern matches `arn`: segment by segment, except that
/// a `*` ending a segment may also match across colons, so `arn:aws:s3:*` matches every S3 ARN
/// ("IAM JSON policy elements: Resource", "Using wildcards in resource ARNs").
pub fn resource_like(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    // No wildcard (and no escape, which is not ASCII): the ARN itself.
    if pattern.is_ascii() && !pattern.contains(['*', '?']) {
        return pattern == arn;
    }
    // The usual case: no wildcard before the resource part, which then is the only part matched
    // as a pattern; the five parts before it are compared as they are.
    if let (Some(p5), Some(a5)) = (fifth_colon(pattern), fifth_colon(arn)) {
        let (head, rest) = pattern.split_at(p5);
        if head.is_ascii() && !head.contains(['*', '?']) {
            return head == &arn[..a5] && wildcard(&rest[1..], &arn[a5 + 1..], false);
        }
    }
    // Six segments, none but the last ending with `*`.
    if pattern.split(':').count() >= 6 && !pattern.splitn(6, ':').take(5).any(|s| s.ends_with('*'))
    {
        return arn_like(pattern, arn);
    }
    let pattern: Vec<&str> = pattern.split(':').collect();
    let arn: Vec<&str> = arn.split(':').collect();
    segments_like(&pattern, &arn)
}

fn segments_like(pattern: &[&str], arn: &[&str]) -> bool {
    match pattern.split_first() {
        None => arn.is_empty(),
        Some((first, rest)) if first.ends_with('*') => (1..=arn.len()).any(|taken| {
            wildcard(first, &arn[..taken].join(":"), false) && segments_like(rest, &arn[taken..])
        }),
        Some((first, rest)) => {
            arn.first().is_some_and(|a| wildcard(first, a, false)) && segments_like(rest, &arn[1..])
        }
    }
}

/// Replaces `${key}` with the context's value and `${*}`, `${?}`, `${$}` with the literal
/// character. A variable whose key is absent makes the element match nothing (`None`), unless it
/// has a default: `${key, 'default'}`.
pub fn substitute<'a, K: Keys + ?Sized>(text: &'a str, context: &K) -> Option<Cow<'a, str>> {
    if !text.contains("${") {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(Cow::Owned(out));
        };
        let inner = after[..end].trim();
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_owned())),
            None => (inner, None),
        };
        match key {
            // The escapes give literal characters, never wildcards.
            "*" => out.push(LITERAL_STAR),
            "?" => out.push(LITERAL_QUESTION),
            "$" => out.push('$'),
            // A multivalued key is never a variable; an unresolvable one (no default) makes the
            // statement not apply: `None`.
            _ => out.push_str(
                &lookup(context, key)
                    .filter(|v| v.len() == 1)
                    .and_then(|v| v.first().cloned())
                    .or(default)?,
            ),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// What `${*}` and `${?}` become: characters no policy or request contains, which [`wildcard`]
/// matches as a literal `*` and `?` only.
const LITERAL_STAR: char = '\u{E000}';
const LITERAL_QUESTION: char = '\u{E001}';

fn literal(c: char) -> char {
    match c {
        LITERAL_STAR => '*',
        LITERAL_QUESTION => '?',
        c => c,
    }
}

/// A substituted value with its escapes turned back into the characters they stand for, for the
/// operators that do not match wildcards.
fn unescaped(text: &str) -> Cow<'_, str> {
    // The escapes are not ASCII: most texts are, and are answered without a scan for them.
    if !text.is_ascii() && text.contains([LITERAL_STAR, LITERAL_QUESTION]) {
        Cow::Owned(text.chars().map(literal).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Where conditions read the request's keys: a [`Context`], or the evaluator's view of one with
/// the keys it derives (`aws:PrincipalArn`, the access point keys) laid over it.
pub trait Keys {
    /// The values of `key` (condition keys are case-insensitive).
    fn values(&self, key: &str) -> Option<&[String]>;
}

impl Keys for Context {
    fn values(&self, key: &str) -> Option<&[String]> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
    }
}

pub fn lookup<'a, K: Keys + ?Sized>(context: &'a K, key: &str) -> Option<&'a [String]> {
    context.values(key)
}

/// Seconds since the epoch of an ISO 8601 date (`2026-01-01`, `2026-01-01T12:00:00Z`) or of an
/// epoch number.
/// Seconds since the epoch of an epoch number or an ISO 8601 date or date-time; a time with an
/// offset (`+02:00`, `-05:00`) is the instant it names ("IAM JSON policy elements: Condition
/// operators", date condition operators take W3C ISO 8601 dates).
fn date(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let (day, time) = text.split_once('T').unwrap_or((text, "00:00:00Z"));
    let mut d = day.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, dd) = (d.next()??, d.next()??, d.next()??);
    // The offset: `Z`, or a sign after the time of day.
    let (clock, offset) = match time.find(['+', '-']) {
        Some(at) => {
            let (clock, zone) = time.split_at(at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let mut hm = zone[1..].split(':').map(|p| p.parse::<i64>().ok());
            let (h, m) = (hm.next().flatten()?, hm.next().flatten().unwrap_or(0));
            (clock, sign * (h * 3600 + m * 60))
        }
        None => (time.trim_end_matches('Z'), 0),
    };
    let clock = clock.split('.').next().unwrap_or(clock);
    let mut t = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (
        t.next().flatten().unwrap_or(0),
        t.next().flatten().unwrap_or(0),
        t.next().flatten().unwrap_or(0),
    );
    Some(crate::basics::days_from_civil(y, m, dd) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

fn in_cidr(ip: &str, cidr: &str) -> bool {
    let (net, bits) = cidr.split_once('/').unwrap_or((cidr, ""));
    let (Ok(ip), Ok(net)) = (ip.parse::<IpAddr>(), net.parse::<IpAddr>()) else {
        return false;
    };
    let width = crate::basics::ip_bits(net).1;
    let prefix = bits.parse::<u32>().unwrap_or(width).min(width);
    crate::basics::in_network(ip, net, prefix)
}

/// Whether one context value matches one policy value under `operator` (its positive form).
fn matches_one(operator: &str, context: &str, policy: &str) -> bool {
    let num = |a: &str| a.parse::<f64>().ok();
    let cmp = |f: fn(std::cmp::Ordering) -> bool, a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(f),
        _ => false,
    };
    let dates = |f: fn(std::cmp::Ordering) -> bool| match (date(context), date(policy)) {
        (Some(a), Some(b)) => f(a.cmp(&b)),
        _ => false,
    };
    use std::cmp::Ordering::*;
    match operator {
        "StringEquals" | "StringNotEquals" | "BinaryEquals" => context == unescaped(policy),
        // ArnEquals and ArnLike are the same test: each of the six ARN parts matched on its own.
        "ArnEquals" | "ArnNotEquals" | "ArnLike" | "ArnNotLike" => arn_like(policy, context),
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
            context.to_lowercase() == unescaped(policy).to_lowercase()
        }
        "StringLike" | "StringNotLike" => wildcard(policy, context, false),
        "NumericEquals" | "NumericNotEquals" => cmp(|o| o == Equal, num(context), num(policy)),
        "NumericLessThan" => cmp(|o| o == Less, num(context), num(policy)),
        "NumericLessThanEquals" => cmp(|o| o != Greater, num(context), num(policy)),
        "NumericGreaterThan" => cmp(|o| o == Greater, num(context), num(policy)),
        "NumericGreaterThanEquals" => cmp(|o| o != Less, num(context), num(policy)),
        "DateEquals" | "DateNotEquals" => dates(|o| o == Equal),
        "DateLessThan" => dates(|o| o == Less),
        "DateLessThanEquals" => dates(|o| o != Greater),
        "DateGreaterThan" => dates(|o| o == Greater),
        "DateGreaterThanEquals" => dates(|o| o != Less),
        "Bool" => context.eq_ignore_ascii_case(policy),
        "IpAddress" | "NotIpAddress" => in_cidr(context, policy),
        _ => false,
    }
}

fn negated(operator: &str) -> bool {
    matches!(
        operator,
        "StringNotEquals"
            | "StringNotEqualsIgnoreCase"
            | "StringNotLike"
            | "NumericNotEquals"
            | "DateNotEquals"
            | "NotIpAddress"
            | "ArnNotEquals"
            | "ArnNotLike"
    )
}

/// Whether a condition holds for the request's context.
/// Whether a condition holds. `variables`: the policy is version 2012-10-17, where `${...}` in
/// string and ARN operator values is a policy variable ("Policy variables": where you can use
/// them); in other operators, or older policies, it is literal text.
pub fn holds<K: Keys + ?Sized>(condition: &Condition, context: &K, variables: bool) -> bool {
    let present = lookup(context, &condition.key).filter(|v| !v.is_empty());
    if condition.operator == "Null" {
        let wants_absent = condition
            .values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"));
        return wants_absent == present.is_none();
    }
    let Some(values) = present else {
        // A missing key: `...IfExists` and negated operators hold, `ForAllValues` holds vacuously.
        return condition.if_exists
            || condition.qualifier == SetQualifier::ForAllValues
            || (negated(&condition.operator) && condition.qualifier == SetQualifier::Single);
    };
    let substitutes = variables
        && (condition.operator.starts_with("String") || condition.operator.starts_with("Arn"));
    // Substituted values only where a variable is: most conditions are matched as written.
    let substituted: Option<Vec<Cow<str>>> =
        if substitutes && condition.values.iter().any(|v| v.contains("${")) {
            let mut out = Vec::with_capacity(condition.values.len());
            for value in &condition.values {
                // A variable AWS cannot resolve: the statement does not apply.
                let Some(v) = substitute(value, context) else {
                    return false;
                };
                out.push(v);
            }
            Some(out)
        } else {
            None
        };
    let any_match = |c: &String| match &substituted {
        Some(values) => values
            .iter()
            .any(|p| matches_one(&condition.operator, c, p)),
        None => condition
            .values
            .iter()
            .any(|p| matches_one(&condition.operator, c, p)),
    };
    let positive = match condition.qualifier {
        SetQualifier::ForAllValues => values.iter().all(any_match),
        SetQualifier::ForAnyValue | SetQualifier::Single => values.iter().any(any_match),
    };
    // Negated operators: "no value matches" (for ForAllValues: every value matches none).
    if negated(&condition.operator) {
        match condition.qualifier {
            SetQualifier::ForAllValues => values.iter().all(|c| !any_match(c)),
            SetQualifier::ForAnyValue => values.iter().any(|c| !any_match(c)),
            SetQualifier::Single => !positive,
        }
    } else {
        positive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_networks() {
        assert_eq!(date("1970-01-02T00:00:00Z"), Some(86_400));
        assert_eq!(date("2026-01-01"), date("2026-01-01T00:00:00Z"));
        assert!(in_cidr("203.0.113.7", "203.0.113.0/24"));
        assert!(!in_cidr("203.0.114.7", "203.0.113.0/24"));
        assert!(in_cidr("2001:db8::1", "2001:db8::/32"));
    }

    #[test]
    fn variables() {
        let ctx: Context = [("aws:username".to_owned(), vec!["ana".to_owned()])].into();
        assert_eq!(
            substitute("home/${aws:username}/*", &ctx).as_deref(),
            Some("home/ana/*")
        );
        // Escapes are literal characters, never wildcards.
        let escaped = substitute("a${*}b", &ctx).unwrap();
        assert_eq!(unescaped(&escaped), "a*b");
        assert!(wildcard(&escaped, "a*b", false) && !wildcard(&escaped, "axb", false));
        // A multivalued key is not a variable.
        let many: Context = [("aws:username".to_owned(), vec!["a".into(), "b".into()])].into();
        assert_eq!(substitute("${aws:username}", &many), None);
        assert_eq!(substitute("${aws:userid}", &ctx), None);
        assert_eq!(
            substitute("${aws:userid, 'none'}", &ctx).as_deref(),
            Some("none")
        );
    }
}
