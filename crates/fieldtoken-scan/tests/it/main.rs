//! Tests of `scan_rgba` through its public API: the real photos of `../shared/qr-samples`, codes
//! made by an independent encoder, and random frames (no panic, no false positives).

mod generated;
mod props;
mod samples;
