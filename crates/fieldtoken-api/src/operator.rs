//! Operators' sessions: signing in to the PWA with an access token.
