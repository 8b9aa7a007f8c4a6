//! Where from and until when a grant works: VPC endpoints, VPCs, public IP ranges, an expiry.
//!
//! Each becomes a condition on a global key that AWS sets on every request it applies to ("AWS
//! global condition context keys", IAM User Guide,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>):
//! `aws:SourceVpce` and `aws:SourceVpc` only on requests made through a VPC endpoint,
//! `aws:SourceIp` only on requests that are *not* (and then the public address), `aws:CurrentTime`
//! on every request.

use crate::basics::{civil_from_days, days_from_civil, host_mask, in_network, ip_bits, List, Text};
use crate::diagnostic::Problem;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A grant's network and time limits; empty lists limit nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Restrictions {
    /// `aws:SourceVpce`: the request came through one of these endpoints.
    pub vpc_endpoints: List<Text>,
    /// `aws:SourceVpc`: the request came through an endpoint of one of these VPCs.
    pub vpcs: List<Text>,
    /// `aws:SourceIp`: the request came from one of these public ranges.
    pub source_ips: List<Cidr>,
    /// `aws:CurrentTime`: the request came before this instant.
    pub expires: Option<Expiry>,
    /// The access point's network origin: S3 rejects requests through it from anywhere but this
    /// VPC ("Creating access points restricted to a virtual private cloud", S3 User Guide,
    /// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html>). A property
    /// of the access point, not a condition: no document carries it.
    pub access_point_vpc: Option<Text>,
}

impl Restrictions {
    pub fn is_empty(&self) -> bool {
        self == &Restrictions::default()
    }

    /// Whether a request with `values(key)` is inside the network limits and before the expiry:
    /// the declaration, computed apart from the evaluator so that the proof compares two things.
    pub fn admits(&self, values: impl Fn(&str) -> Option<Vec<String>>) -> bool {
        let one_of = |key: &str, allowed: &[Text]| {
            allowed.is_empty()
                || values(key).is_some_and(|v| v.iter().any(|x| allowed.iter().any(|a| a == x)))
        };
        let in_ranges = self.source_ips.is_empty()
            || values("aws:SourceIp").is_some_and(|v| {
                v.iter().any(|ip| {
                    ip.parse::<IpAddr>()
                        .is_ok_and(|ip| self.source_ips.iter().any(|c| c.contains(ip)))
                })
            });
        let origin: Vec<Text> = self.access_point_vpc.iter().cloned().collect();
        one_of("aws:SourceVpce", &self.vpc_endpoints)
            && one_of("aws:SourceVpc", &self.vpcs)
            && one_of("aws:SourceVpc", &origin)
            && in_ranges
            && self.in_time(values)
    }

    /// Whether the request came before the expiry (the only limit on assuming a bridge role:
    /// the network keys of an `sts:AssumeRole` call describe the way to STS, not to S3).
    pub fn in_time(&self, values: impl Fn(&str) -> Option<Vec<String>>) -> bool {
        self.expires.as_ref().is_none_or(|e| {
            values("aws:CurrentTime").is_some_and(|v| {
                v.iter()
                    .any(|t| Expiry::parse(t).is_ok_and(|t| t.seconds < e.seconds))
            })
        })
    }

    /// Context pairs a request inside every limit carries.
    pub fn inside(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(e) = self.vpc_endpoints.first() {
            pairs.push(("aws:SourceVpce", e.to_string()));
        }
        // The access point's VPC is one of `vpcs` when both are given (validation sees to it).
        if let Some(v) = self.access_point_vpc.as_ref().or(self.vpcs.first()) {
            pairs.push(("aws:SourceVpc", v.to_string()));
        }
        if let Some(c) = self.source_ips.first() {
            pairs.push(("aws:SourceIp", c.last().to_string()));
        }
        if let Some(e) = &self.expires {
            pairs.push(("aws:CurrentTime", e.just_before()));
        }
        pairs
    }

    /// Requests each outside one limit and inside the others: a stranger endpoint, VPC or
    /// address, the same keys missing, and the expiry itself.
    pub fn outside(&self) -> Vec<Vec<(&'static str, String)>> {
        let inside = self.inside();
        let but = |key: &'static str, value: Option<String>| -> Vec<(&'static str, String)> {
            let mut pairs: Vec<_> = inside.iter().filter(|(k, _)| *k != key).cloned().collect();
            pairs.extend(value.map(|v| (key, v)));
            pairs
        };
        let mut variants = Vec::new();
        if !self.vpc_endpoints.is_empty() {
            variants.push(but("aws:SourceVpce", Some("vpce-0000000000000000f".into())));
            variants.push(but("aws:SourceVpce", None));
        }
        if !self.vpcs.is_empty() || self.access_point_vpc.is_some() {
            variants.push(but("aws:SourceVpc", Some("vpc-0000000000000000f".into())));
            variants.push(but("aws:SourceVpc", None));
        }
        if let Some(c) = self.source_ips.first() {
            variants.push(but("aws:SourceIp", Some(c.after().to_string())));
            variants.push(but("aws:SourceIp", None));
        }
        if let Some(e) = &self.expires {
            variants.push(but("aws:CurrentTime", Some(e.to_string())));
        }
        variants
    }
}

/// An IP range `address/bits` whose host bits are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub network: IpAddr,
    pub bits: u8,
}

impl Cidr {
    /// `203.0.113.0/24` or `2001:db8::/32`: the bits must be given, within the address's
    /// length, and an address with host bits set is refused rather than silently widened
    /// (AWS would read `203.0.113.7/24` as the whole `/24`).
    pub fn parse(text: &str) -> Result<Cidr, Problem> {
        let Some((address, bits)) = text.split_once('/') else {
            let hint = match text.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => format!("write `{text}/32` for that one address"),
                Ok(IpAddr::V6(_)) => format!("write `{text}/128` for that one address"),
                Err(_) => "write a range as `203.0.113.0/24` or `2001:db8::/32`".to_owned(),
            };
            return Err(
                Problem::new(format!("`{text}` is not an IP range: no `/bits`")).help(hint),
            );
        };
        let network: IpAddr = address.parse().map_err(|_| {
            Problem::new(format!("`{address}` is not an IPv4 or IPv6 address"))
                .help("write a range as `203.0.113.0/24` or `2001:db8::/32`")
        })?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let bits = bits
            .parse::<u8>()
            .ok()
            .filter(|b| *b <= width)
            .ok_or_else(|| {
                Problem::new(format!(
                    "`/{bits}` is not a prefix length for {}: 0 to {width}",
                    if width == 32 { "IPv4" } else { "IPv6" }
                ))
            })?;
        let cidr = Cidr { network, bits };
        let masked = cidr.first();
        if masked != network {
            return Err(Problem::new(format!(
                "`{text}` has host bits set: it would grant the whole range `{masked}/{bits}`"
            ))
            .help(format!(
                "write `{masked}/{bits}` for the range, or `{network}/{width}` for the one address"
            )));
        }
        Ok(cidr)
    }

    fn from_bits(value: u128, v4: bool) -> IpAddr {
        if v4 {
            IpAddr::V4(Ipv4Addr::from(
                u32::try_from(value & u128::from(u32::MAX)).unwrap_or(0),
            ))
        } else {
            IpAddr::V6(Ipv6Addr::from(value))
        }
    }

    fn host_mask(&self) -> u128 {
        host_mask(ip_bits(self.network).1, u32::from(self.bits))
    }

    /// The range's first address (the network written with its host bits cleared).
    pub fn first(&self) -> IpAddr {
        let (value, _) = ip_bits(self.network);
        Self::from_bits(value & !self.host_mask(), self.network.is_ipv4())
    }

    /// The range's last address.
    pub fn last(&self) -> IpAddr {
        let (value, _) = ip_bits(self.network);
        Self::from_bits(value | self.host_mask(), self.network.is_ipv4())
    }

    /// The address just after the range (or just before it, for a range that ends the space).
    pub fn after(&self) -> IpAddr {
        let (value, width) = ip_bits(self.network);
        let last = value | self.host_mask();
        let end = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        let outside = if last == end {
            (value & !self.host_mask()).wrapping_sub(1)
        } else {
            last + 1
        };
        Self::from_bits(outside, self.network.is_ipv4())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        in_network(ip, self.network, u32::from(self.bits))
    }

    /// Whether the range holds addresses that never reach AWS as `aws:SourceIp`: private,
    /// shared, loopback and link-local ranges are seen inside a VPC, where requests carry the
    /// endpoint instead (and `aws:VpcSourceIp`).
    pub fn is_private(&self) -> bool {
        const PRIVATE: [&str; 9] = [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "fc00::/7",
            "fe80::/10",
            "::1/128",
        ];
        PRIVATE.iter().filter_map(|p| Cidr::parse(p).ok()).any(|p| {
            // Overlap: one range holds the other's first address.
            p.contains(self.first()) || self.contains(p.first())
        })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.bits)
    }
}

/// An instant in UTC, written `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, the form AWS's date condition
/// operators compare, "IAM JSON policy elements: Condition operators").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expiry {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
}

impl Expiry {
    pub fn parse(text: &str) -> Result<Expiry, Problem> {
        let form = || {
            // The day the text starts with, when it starts with one, in the form asked for.
            let day = text.get(..10).filter(|d| {
                d.bytes().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == b'-'
                    } else {
                        c.is_ascii_digit()
                    }
                })
            });
            let example = day.map_or("2027-03-31T00:00:00Z".to_owned(), |d| {
                format!("{d}T00:00:00Z")
            });
            Problem::new(format!("`{text}` is not a time in UTC")).help(format!(
                "write it as RFC 3339 with `Z` (UTC), e.g. `{example}`"
            ))
        };
        let b = text.as_bytes();
        let shape = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return Err(form());
        }
        let num = |from: usize, to: usize| text[from..to].parse::<i64>().unwrap_or(-1);
        let (y, m, d) = (num(0, 4), num(5, 7), num(8, 10));
        let (h, mi, s) = (num(11, 13), num(14, 16), num(17, 19));
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in_month = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(Problem::new(format!("`{text}`: there is no month {m}"))),
        };
        if !(1..=days_in_month).contains(&d) {
            return Err(Problem::new(format!(
                "`{text}`: {y}-{m:02} has {days_in_month} days, not {d}"
            )));
        }
        if h > 23 || mi > 59 || s > 59 {
            return Err(Problem::new(format!(
                "`{text}`: {h:02}:{mi:02}:{s:02} is not a time of day"
            ))
            .help("hours 00–23, minutes and seconds 00–59"));
        }
        Ok(Expiry {
            seconds: days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s,
        })
    }

    /// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn format(seconds: i64) -> String {
        let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    }

    /// The last second before the expiry, as a request carries it: the latest time still inside.
    pub fn just_before(&self) -> String {
        Self::format(self.seconds - 1)
    }

    /// Whether the instant has passed at `now` (seconds since the epoch).
    pub fn passed(&self, now: i64) -> bool {
        now >= self.seconds
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Self::format(self.seconds))
    }
}

/// `vpc-` or `vpce-` and 8 or 17 lowercase hexadecimal digits: the two lengths of EC2 resource
/// ids ("Resource IDs", Amazon EC2 User Guide).
pub fn check_resource_id(text: &str, prefix: &str, what: &str) -> Result<(), Problem> {
    let example = format!("{prefix}-0123456789abcdef0");
    let Some(hex) = text.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return Err(
            Problem::new(format!("`{text}` is not {what} id")).help(format!(
                "{what} id is `{prefix}-` and 8 or 17 hexadecimal digits, e.g. `{example}`"
            )),
        );
    };
    let hexadecimal = hex
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
    if !(hex.len() == 8 || hex.len() == 17) || !hexadecimal {
        return Err(Problem::new(format!(
            "`{text}` is not {what} id: `{hex}` is not 8 or 17 lowercase hexadecimal digits"
        ))
        .help(format!("e.g. `{example}`")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert_eq!(c.last().to_string(), "203.0.113.255");
        assert_eq!(c.after().to_string(), "203.0.114.0");
        assert!(c.contains("203.0.113.9".parse().unwrap()));
        assert!(!c.contains("203.0.114.0".parse().unwrap()));
        assert!(!c.is_private());
        let host_bits = Cidr::parse("203.0.113.7/24").unwrap_err();
        assert!(host_bits.message.contains("203.0.113.0/24"), "{host_bits}");
        assert!(Cidr::parse("203.0.113.7")
            .unwrap_err()
            .help
            .unwrap()
            .contains("/32"));
        assert!(Cidr::parse("203.0.113.0/33").is_err());
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert_eq!(v6.after().to_string(), "2001:db9::");
        assert!(Cidr::parse("2001:db8::1/32").is_err());
        assert!(Cidr::parse("10.1.0.0/16").unwrap().is_private());
        assert!(Cidr::parse("0.0.0.0/0").unwrap().is_private());
    }

    #[test]
    fn times() {
        let e = Expiry::parse("2027-03-31T00:00:00Z").unwrap();
        assert_eq!(e.seconds, 1_806_451_200);
        assert_eq!(e.just_before(), "2027-03-30T23:59:59Z");
        assert_eq!(e.to_string(), "2027-03-31T00:00:00Z");
        assert!(Expiry::parse("2028-02-29T00:00:00Z").is_ok());
        assert!(Expiry::parse("2027-02-29T00:00:00Z").is_err());
        assert!(Expiry::parse("2027-04-31T00:00:00Z").is_err());
        assert!(Expiry::parse("2027-03-31T24:00:00Z").is_err());
        assert!(Expiry::parse("2027-03-31T00:00:00+01:00").is_err());
        assert!(Expiry::parse("2027-03-31").is_err());
    }

    #[test]
    fn ids() {
        assert!(check_resource_id("vpc-0123abcd", "vpc", "a VPC").is_ok());
        assert!(check_resource_id("vpce-0123456789abcdef0", "vpce", "a VPC endpoint").is_ok());
        assert!(check_resource_id("vpc-0123ABCD", "vpc", "a VPC").is_err());
        assert!(check_resource_id("vpce-0123abcd", "vpc", "a VPC").is_err());
        assert!(check_resource_id("vpc-012", "vpc", "a VPC").is_err());
    }
}
