//! The API's address: the real one, the one the environment names, and what an address
//! typed in Settings must be (https, or plain http for this computer only).

use std::net::IpAddr;

use url::Url;

use crate::error::{Coded, ErrorCode, Fields};

pub const DEFAULT_BASE_URL: &str = "https://api.aelyst.ai/v1";
/// Opens the workspace for this address (see `Settings::settle`): tests, the sandbox mode.
pub const BASE_URL_ENV: &str = "AELYST_API_BASE_URL";
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("\"{0}\" is not a web address. It should look like https://api.aelyst.ai/v1.")]
    InvalidBaseUrl(String),
    #[error(
        "Use an https:// address. Plain http:// is only allowed for this computer (localhost)."
    )]
    InsecureBaseUrl,
    #[error("The web connection could not be set up: {0}")]
    Setup(String),
}

impl Coded for ClientError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidBaseUrl(_) => ErrorCode::ApiAddressInvalid,
            Self::InsecureBaseUrl => ErrorCode::ApiAddressInsecure,
            Self::Setup(_) => ErrorCode::ClientSetup,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::InvalidBaseUrl(address) => crate::fields! { "address" => address },
            Self::Setup(detail) => crate::fields! { "detail" => detail },
            _ => Fields::new(),
        }
    }
}

/// Accepts `https://…`, or `http://` only for loopback hosts. Drops a trailing slash.
pub fn validate_base_url(input: &str) -> Result<Url, ClientError> {
    let trimmed = input.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|_| ClientError::InvalidBaseUrl(input.trim().into()))?;
    let usable = url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if !usable {
        return Err(ClientError::InvalidBaseUrl(input.trim().into()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(ClientError::InsecureBaseUrl),
        _ => Err(ClientError::InvalidBaseUrl(input.trim().into())),
    }
}

pub(super) fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_https_unless_loopback() {
        assert_eq!(
            validate_base_url("https://api.aelyst.ai/v1/")
                .unwrap()
                .as_str(),
            "https://api.aelyst.ai/v1"
        );
        for local in [
            "http://127.0.0.1:8787/v1",
            "http://localhost:1/v1",
            "http://[::1]:9/v1",
            "http://127.3.2.1/v1",
        ] {
            assert!(validate_base_url(local).is_ok(), "{local}");
        }
        assert_eq!(
            validate_base_url("http://api.aelyst.ai/v1"),
            Err(ClientError::InsecureBaseUrl)
        );
        assert_eq!(
            validate_base_url("http://10.0.0.1/v1"),
            Err(ClientError::InsecureBaseUrl)
        );
        for bad in [
            "",
            "api.aelyst.ai",
            "ftp://api.aelyst.ai",
            "https://user:pw@api.aelyst.ai/v1",
            "https://api.aelyst.ai/v1?x=1",
        ] {
            assert!(
                matches!(validate_base_url(bad), Err(ClientError::InvalidBaseUrl(_))),
                "{bad}"
            );
        }
    }
}
