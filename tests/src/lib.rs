//! Shared helpers for the cross-crate tests live in `tests/`; this library is empty.
