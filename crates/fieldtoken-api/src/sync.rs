//! The upload of a phone's queue of redemptions and the MDM's answer for each.
