//! Device enrolment: one-time codes and the device's proof of its key.
