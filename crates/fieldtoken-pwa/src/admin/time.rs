//! Dates as admins see them: in the browser's time zone, which the form names, and as RFC 3339 in UTC on
//! the wire.

use wasm_bindgen::JsValue;

/// The browser's IANA time zone and its current UTC offset, e.g. `Europe/Paris (UTC+01:00)`.
pub fn zone_label() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let zone = js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "local time".into());
    // getTimezoneOffset is minutes *behind* UTC: UTC+1 is -60.
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.abs();
    format!("{zone} (UTC{sign}{:02}:{:02})", minutes / 60, minutes % 60)
}

/// A `datetime-local` value (local time, no zone) as RFC 3339 UTC, or `None` when it is not a date.
pub fn local_input_to_utc(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    // Per ECMAScript, a date-time form without an offset is local time: exactly what the input means.
    let date = js_sys::Date::new(&JsValue::from_str(value));
    date.get_time()
        .is_finite()
        .then(|| String::from(date.to_iso_string()))
}

/// An RFC 3339 instant as a `datetime-local` value in the browser's zone (empty when it is not a date).
pub fn utc_to_local_input(instant: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(instant));
    if !date.get_time().is_finite() {
        return String::new();
    }
    local_input(&date)
}

/// The `datetime-local` value for a moment `days` from now, rounded to the minute (the form's default).
pub fn local_input_in_days(days: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(
        js_sys::Date::now() + days * 86_400_000.0,
    ));
    local_input(&date)
}

fn local_input(date: &js_sys::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// An RFC 3339 instant in the browser's locale and zone, e.g. "23 Nov 2026, 18:00"; the input as it is
/// when it does not parse.
pub fn display(instant: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(instant));
    if !date.get_time().is_finite() {
        return instant.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let locale = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".into());
    date.to_locale_string(&locale, &options).into()
}
