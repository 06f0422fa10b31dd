//! Time on the wire: RFC 3339 in UTC (`2026-12-31T23:59:59Z`, milliseconds when not whole) in answers; RFC 3339 with
//! any offset, or milliseconds since the epoch as a number, in requests.

use fieldtoken_core::Timestamp;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The server's clock.
pub fn now() -> Timestamp {
    let millis = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    Timestamp::from_millis(i64::try_from(millis).unwrap_or(i64::MAX))
}

/// RFC 3339 in UTC.
pub fn rfc3339(at: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.as_millis()) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.as_millis().to_string())
}

/// Reads RFC 3339 (any offset).
pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let t = OffsetDateTime::parse(text.trim(), &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000))
        .ok()
        .map(Timestamp::from_millis)
}

/// A request's time (`fieldtoken_api::RequestTime`) as a timestamp; `None` for text that is not RFC 3339.
pub fn request_time(time: &fieldtoken_api::RequestTime) -> Option<Timestamp> {
    match time {
        fieldtoken_api::RequestTime::Text(text) => parse_rfc3339(text),
        fieldtoken_api::RequestTime::Millis(millis) => Some(Timestamp::from_millis(*millis)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_in_utc() {
        let at = Timestamp::from_millis(1_798_761_599_000);
        assert_eq!(rfc3339(at), "2026-12-31T23:59:59Z");
        assert_eq!(parse_rfc3339("2027-01-01T00:59:59+01:00"), Some(at));
        assert_eq!(
            rfc3339(Timestamp::from_millis(1_500)),
            "1970-01-01T00:00:01.5Z"
        );
        assert_eq!(parse_rfc3339("tomorrow"), None);
    }

    #[test]
    fn request_times_are_rfc3339_or_epoch_millis() {
        use fieldtoken_api::RequestTime;
        let at = Some(Timestamp::from_millis(1_798_761_599_000));
        assert_eq!(
            request_time(&RequestTime::Text("2026-12-31T23:59:59Z".into())),
            at
        );
        assert_eq!(request_time(&RequestTime::Millis(1_798_761_599_000)), at);
        assert_eq!(
            request_time(&RequestTime::Text("1798761599000".into())),
            None
        );
        let read: RequestTime = serde_json::from_str("1798761599000").unwrap();
        assert_eq!(request_time(&read), at);
        assert!(serde_json::from_str::<RequestTime>("1.5").is_err());
    }
}
