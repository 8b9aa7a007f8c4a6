//! Diagnostics as data: what is wrong, where in the input, and how to fix it.
//!
//! The core never prints. The macro turns each diagnostic into a compile error under the token a
//! [`Loc`] stands for; run-time callers format them with `Display`.

use std::fmt;

/// Where in the caller's input a value came from. The caller hands out the numbers (the macro
/// uses one per token it parsed) and maps them back; the core only carries them along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc(pub u32);

impl Loc {
    /// For values that do not come from any input token.
    pub const UNKNOWN: Loc = Loc(u32::MAX);
}

/// A value with the place it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Spanned<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Spanned { value, loc }
    }
}

/// A problem found in a value, before it is tied to a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(self, loc: Loc) -> Diagnostic {
        Diagnostic {
            loc,
            message: self.message,
            help: self.help,
        }
    }
}

/// `message`, then `help` on its own line, as rustc prints a note: the one text form of every
/// error with help, in compile errors (`grants!`) and on the command line (`xacct-deploy`).
pub fn write_message(f: &mut impl fmt::Write, message: &str, help: Option<&str>) -> fmt::Result {
    f.write_str(message)?;
    if let Some(help) = help {
        write!(f, "\nhelp: {help}")?;
    }
    Ok(())
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_message(f, &self.message, self.help.as_deref())
    }
}

impl std::error::Error for Problem {}

/// A problem tied to the place in the input that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub loc: Loc,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_message(f, &self.message, self.help.as_deref())
    }
}

/// Every diagnostic of one validation run, in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Keeps the value of a check and records its problem, if any.
    pub fn check<T>(&mut self, loc: Loc, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.push(problem.at(loc));
                None
            }
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `input`, if it is close enough to be a plausible typo.
///
/// Compares case-insensitively and ignoring whitespace, so `us - east - 1` finds `us-east-1`.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalize = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted = normalize(input);
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &normalize(c)), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_through_spaces_and_typos() {
        let regions = ["us-east-1", "us-east-2", "eu-west-1"];
        assert_eq!(did_you_mean("us-east1", regions), Some("us-east-1"));
        assert_eq!(did_you_mean("us - east - 1", regions), Some("us-east-1"));
        assert_eq!(did_you_mean("mars-north-9", regions), None);
    }
}
