//! Fleets, devices, API tokens and the caller itself.
