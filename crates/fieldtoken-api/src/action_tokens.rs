//! Action tokens: what a scan does to a device, and their QR texts.
