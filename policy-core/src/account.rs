//! AWS account ids.

use crate::basics::Text;
use crate::diagnostic::Problem;
use std::borrow::Cow;
use std::fmt;

/// A 12-digit AWS account id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(
    /// Public for `grants!` alone, which writes ids it checked into a `static` (a constructor
    /// call there would be evaluated again at every build); everything else uses [`Self::parse`].
    #[doc(hidden)]
    pub Text,
);

impl AccountId {
    /// Accepts exactly 12 ASCII digits, as every AWS API does.
    pub fn parse(input: &str) -> Result<AccountId, Problem> {
        let digits = input.chars().filter(char::is_ascii_digit).count();
        if digits == input.chars().count() && digits == 12 {
            return Ok(AccountId(Cow::Owned(input.to_owned())));
        }
        let problem = if input.is_empty() {
            Problem::new("account id is empty")
        } else if let Some(bad) = input.chars().find(|c| !c.is_ascii_digit()) {
            Problem::new(format!(
                "account id `{input}` contains `{bad}`; an account id is 12 digits"
            ))
        } else {
            Problem::new(format!(
                "account id `{input}` has {digits} digits; an account id is exactly 12 digits"
            ))
        };
        Err(problem.help(
            "write the account id with all 12 digits, keeping leading zeros, e.g. `012345678901`",
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_twelve_digits() {
        assert!(AccountId::parse("012345678901").is_ok());
        let short = AccountId::parse("12345").map(|_| ()).unwrap_err();
        assert!(short.message.contains("has 5 digits"), "{short}");
        let letters = AccountId::parse("12345678901a").map(|_| ()).unwrap_err();
        assert!(letters.message.contains("contains `a`"), "{letters}");
        assert!(
            AccountId::parse("١٢٣٤٥٦٧٨٩٠١٢").is_err(),
            "non-ASCII digits are not account ids"
        );
    }
}
