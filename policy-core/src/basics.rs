//! Helpers below both the model and the evaluator: calendar dates as days since the epoch, and IP
//! addresses as bits. The model parses and prints strictly (`restrictions`), the evaluator
//! matches leniently (`eval::condition`); the arithmetic is one.

use std::borrow::Cow;
use std::net::IpAddr;

/// Text a `static` can hold: borrowed from the program when `grants!` writes it, owned when built
/// at run time.
pub type Text = Cow<'static, str>;

/// A list a `static` can hold, like [`Text`].
pub type List<T> = Cow<'static, [T]>;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// An address as its value in the low bits, and its width (32 or 128).
pub(crate) fn ip_bits(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    }
}

/// The host bits of a network of `width` bits with a prefix of `prefix` bits.
pub(crate) fn host_mask(width: u32, prefix: u32) -> u128 {
    let host = width - prefix.min(width);
    if host == 0 {
        0
    } else {
        u128::MAX >> (128 - host)
    }
}

/// Whether `ip` is in the network `net`/`prefix`: both of one family, the same network bits.
pub(crate) fn in_network(ip: IpAddr, net: IpAddr, prefix: u32) -> bool {
    let ((ip, a), (net, b)) = (ip_bits(ip), ip_bits(net));
    let mask = host_mask(b, prefix);
    a == b && ip & !mask == net & !mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_networks_match_by_prefix() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 12, 5), (1969, 12, 31)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        assert!(in_network(ip("203.0.113.7"), ip("203.0.113.0"), 24));
        assert!(!in_network(ip("203.0.114.7"), ip("203.0.113.0"), 24));
        assert!(in_network(ip("10.1.2.3"), ip("0.0.0.0"), 0));
        assert!(
            !in_network(ip("2001:db8::1"), ip("0.0.0.0"), 0),
            "families differ"
        );
        assert!(in_network(ip("2001:db8::1"), ip("2001:db8::"), 32));
        assert!(in_network(ip("198.51.100.1"), ip("198.51.100.1"), 32));
        assert!(!in_network(ip("198.51.100.2"), ip("198.51.100.1"), 32));
    }
}
