//! The workspace's API token, wrapped so it cannot leak by accident: `Debug` prints a
//! placeholder, and there is no `Serialize`, `Display` or `Clone` into a plain `String`; the
//! memory is wiped when the token is dropped.

use zeroize::Zeroizing;

/// The longest token accepted, in characters: far above any token Aelyst issues, and short
/// enough that the token with its address fits Windows' Credential Manager (2,560 bytes of
/// UTF-16 per secret), so what is refused is refused here, in plain words, on every platform.
pub const MAX_TOKEN_CHARS: usize = 1024;

/// A bearer token. Only the client's request builder and the keychain read the inner value.
pub struct ApiToken(Zeroizing<String>);

impl ApiToken {
    /// Trims the token; refuses an empty one or one with whitespace inside.
    pub fn new(raw: &str) -> Result<Self, TokenFormatError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TokenFormatError::Empty);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(TokenFormatError::ContainsSpace);
        }
        if trimmed.chars().count() > MAX_TOKEN_CHARS {
            return Err(TokenFormatError::TooLong);
        }
        Ok(Self(Zeroizing::new(trimmed.to_owned())))
    }

    /// The secret itself, for the `Authorization` header and the keychain only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenFormatError {
    #[error("Paste the API token first: the field is empty.")]
    Empty,
    #[error("An API token has no spaces or line breaks inside. Copy it again from Aelyst.")]
    ContainsSpace,
    /// Longer than [`MAX_TOKEN_CHARS`], or, with its address, than the keychain keeps.
    #[error("This is longer than an API token can be. Copy the token alone from Aelyst, without other text.")]
    TooLong,
}

impl crate::error::Coded for TokenFormatError {
    fn code(&self) -> crate::error::ErrorCode {
        match self {
            Self::Empty => crate::error::ErrorCode::TokenEmpty,
            Self::ContainsSpace => crate::error::ErrorCode::TokenHasSpaces,
            Self::TooLong => crate::error::ErrorCode::TokenTooLong,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let token = ApiToken::new("  s3cr3t-token ").unwrap();
        assert_eq!(token.expose(), "s3cr3t-token");
        assert!(!format!("{token:?}").contains("s3cr3t"));
    }

    #[test]
    fn empty_or_spaced_tokens_are_refused() {
        assert_eq!(ApiToken::new("   ").unwrap_err(), TokenFormatError::Empty);
        assert_eq!(
            ApiToken::new("ab cd").unwrap_err(),
            TokenFormatError::ContainsSpace
        );
        assert_eq!(
            ApiToken::new("ab\ncd").unwrap_err(),
            TokenFormatError::ContainsSpace
        );
        assert!(ApiToken::new(&"é".repeat(MAX_TOKEN_CHARS)).is_ok());
        assert_eq!(
            ApiToken::new(&"t".repeat(MAX_TOKEN_CHARS + 1)).unwrap_err(),
            TokenFormatError::TooLong
        );
    }
}
