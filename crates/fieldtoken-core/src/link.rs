//! Links that open the PWA: `https://host/t/<token>`. The host is bounded ([`MAX_HOST_LEN`]) so that the longest
//! signed deep link fits a version 7 QR at ECC level M and the longest NFC card fits an NTAG213.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// The most characters of a host, port included (`mdm.example.com:8443`). Chosen so that the longest signed deep
/// link (`HTTPS://` + host + `/T/` + 129 symbols = 172 characters) fits a version 7-M QR (178 alphanumeric).
pub const MAX_HOST_LEN: usize = 32;

/// The path prefix of token links, after the host.
pub const TOKEN_PATH: &str = "/t/";

/// `http` or `https`. Plain `http` exists for a local demo server; phones need `https` for the PWA elsewhere.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Scheme {
    /// `https://`
    Https,
    /// `http://` (local development only).
    Http,
}

impl Scheme {
    /// `https` or `http`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// Where token links point: a scheme and a host (with optional port), lower case, at most [`MAX_HOST_LEN`].
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct LinkBase {
    scheme: Scheme,
    host: String,
}

impl LinkBase {
    /// An `https` base for a host such as `mdm.example.com` or `mdm.example.com:8443`.
    pub fn https(host: &str) -> Result<Self> {
        Ok(LinkBase {
            scheme: Scheme::Https,
            host: check_host(host)?,
        })
    }

    /// Parses `https://host[:port]` or `http://host[:port]` (a trailing `/` is allowed), or a bare host for `https`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let (scheme, rest) = split_scheme(text).unwrap_or((Scheme::Https, text));
        let host = rest.strip_suffix('/').unwrap_or(rest);
        Ok(LinkBase {
            scheme,
            host: check_host(host)?,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, lower case, with its port if any.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `scheme://host/t/` followed by `tail`, lower case apart from the tail (used on NFC cards).
    pub fn link(&self, tail: &str) -> String {
        format!(
            "{}://{}{}{}",
            self.scheme.as_str(),
            self.host,
            TOKEN_PATH,
            tail
        )
    }
}

impl fmt::Display for LinkBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)
    }
}

fn split_scheme(text: &str) -> Option<(Scheme, &str)> {
    let lower_prefix = |p: &str| {
        text.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if lower_prefix("https://") {
        Some((Scheme::Https, &text[8..]))
    } else if lower_prefix("http://") {
        Some((Scheme::Http, &text[7..]))
    } else {
        None
    }
}

/// Checks a host: DNS labels of `a-z0-9-` (any case) separated by dots, optional `:port`, at most [`MAX_HOST_LEN`].
fn check_host(host: &str) -> Result<String> {
    if host.is_empty() {
        return Err(Error::new(ErrorKind::BadHost, "the link has no host"));
    }
    if host.chars().count() > MAX_HOST_LEN {
        return Err(Error::new(
            ErrorKind::BadHost,
            format!(
                "the host '{host}' is longer than {MAX_HOST_LEN} characters, too long for token QR codes"
            ),
        ));
    }
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    if let Some(port) = port {
        let ok = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !ok {
            return Err(Error::new(
                ErrorKind::BadHost,
                format!("'{port}' is not a port number"),
            ));
        }
    }
    for label in name.split('.') {
        let ok = !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(Error::new(
                ErrorKind::BadHost,
                format!(
                    "'{host}' is not a host name: use letters, digits, dots and hyphens, like mdm.example.com"
                ),
            ));
        }
    }
    Ok(host.to_ascii_lowercase())
}

/// Splits a token link into its base and the part after `/t/` (any case). Fails with `bad_link` for anything else:
/// another path, a query or fragment, an empty tail.
pub fn split_token_link(text: &str) -> Result<(LinkBase, &str)> {
    let text = text.trim();
    let (scheme, rest) = split_scheme(text).ok_or_else(|| {
        Error::new(
            ErrorKind::BadLink,
            "not a link: it must start with https://",
        )
    })?;
    let slash = rest
        .find('/')
        .ok_or_else(|| Error::new(ErrorKind::BadLink, "this link does not point at a token"))?;
    let host = check_host(&rest[..slash])?;
    let path = &rest[slash..];
    let tail = path
        .get(..TOKEN_PATH.len())
        .filter(|p| p.eq_ignore_ascii_case(TOKEN_PATH))
        .map(|_| &path[TOKEN_PATH.len()..])
        .ok_or_else(|| {
            Error::new(
                ErrorKind::BadLink,
                "this link does not point at a token (its path is not /t/...)",
            )
        })?;
    if tail.is_empty() {
        return Err(Error::new(
            ErrorKind::Truncated,
            "the link ends before the token",
        ));
    }
    if tail.contains(['?', '#', '/']) {
        return Err(Error::new(
            ErrorKind::BadLink,
            "the token link has extra parts after the token",
        ));
    }
    Ok((LinkBase { scheme, host }, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let ok = [
            "mdm.example.com",
            "MDM.Example.COM",
            "127.0.0.1:8080",
            "localhost",
            "a-b.c",
        ];
        for h in ok {
            assert!(LinkBase::https(h).is_ok(), "{h}");
        }
        let bad = [
            "",
            "-a.com",
            "a..b",
            "a.com:0",
            "a.com:99999",
            "a b",
            "a_b.com",
            "a.com:",
            "[::1]",
        ];
        for h in bad {
            assert_eq!(LinkBase::https(h).unwrap_err().code(), "bad_host", "{h}");
        }
        assert!(LinkBase::https(&"a".repeat(MAX_HOST_LEN)).is_ok());
        assert!(LinkBase::https(&"a".repeat(MAX_HOST_LEN + 1)).is_err());
        assert_eq!(
            LinkBase::parse("HTTP://Host:8080/").unwrap().to_string(),
            "http://host:8080"
        );
    }

    #[test]
    fn token_links() {
        let (base, tail) = split_token_link("HTTPS://MDM.EXAMPLE.COM/T/ABC").unwrap();
        assert_eq!((base.host(), tail), ("mdm.example.com", "ABC"));
        for (text, code) in [
            ("https://h/x/ABC", "bad_link"),
            ("https://h/t/", "truncated"),
            ("https://h/t/A?b", "bad_link"),
            ("ftp://h/t/A", "bad_link"),
            ("https://h", "bad_link"),
            ("https://h_/t/A", "bad_host"),
        ] {
            assert_eq!(split_token_link(text).unwrap_err().code(), code, "{text}");
        }
    }
}
