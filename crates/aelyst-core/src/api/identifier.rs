//! Who an action is for: a contact ID, an email address or a phone number, in the API's
//! `kind:value` form, normalised so the same contact always has the same canonical form.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use crate::error::{Coded, ErrorCode, Fields};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "lowercase")]
pub enum IdentifierKind {
    Phone,
    Email,
    Id,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 3] = [Self::Phone, Self::Email, Self::Id];

    /// The prefix the API uses: `phone`, `email`, `id`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Id => "id",
        }
    }

    fn plain_name(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Id => "contact ID",
        }
    }
}

impl FromStr for IdentifierKind {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.prefix().eq_ignore_ascii_case(s.trim()))
            .ok_or(IdentifierError::UnknownKind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("Enter a phone number, an email address or a contact ID.")]
    Empty,
    #[error("Choose whether this is a phone number, an email address or a contact ID.")]
    UnknownKind,
    #[error(
        "Add the country code to the phone number, starting with + (for example +60 12 123 3112)."
    )]
    PhoneWithoutCountryCode,
    #[error("\"{0}\" is not a phone number we can use. Check the digits and the country code.")]
    InvalidPhone(String),
    #[error("\"{0}\" is not a valid email address.")]
    InvalidEmail(String),
    #[error("A contact ID is a whole number made of digits only, like 123.")]
    InvalidId,
}

impl Coded for IdentifierError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::IdentifierEmpty,
            Self::UnknownKind => ErrorCode::IdentifierKindUnknown,
            Self::PhoneWithoutCountryCode => ErrorCode::PhoneWithoutCountryCode,
            Self::InvalidPhone(_) => ErrorCode::PhoneInvalid,
            Self::InvalidEmail(_) => ErrorCode::EmailInvalid,
            Self::InvalidId => ErrorCode::ContactIdInvalid,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::InvalidPhone(value) | Self::InvalidEmail(value) => {
                crate::fields! { "value" => value }
            }
            _ => Fields::new(),
        }
    }
}

/// A contact identifier, parsed and normalised.
///
/// `canonical` is what the API receives after the prefix (`+60121233112`,
/// `abdc@gmail.com`, `123`); `display` is what an agent reads (`+60 12-123 3112`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    kind: IdentifierKind,
    canonical: String,
    display: String,
}

/// Characters escaped in the path segment: everything but unreserved characters and the
/// `:`/`@` that identifiers carry. `+` is escaped so no server can read it as a space.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

impl Identifier {
    /// Parses the API's own form, `kind:value` (`id:123`, `email:a@b.co`, `phone:+6012…`).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(IdentifierError::Empty);
        }
        let (prefix, value) = input.split_once(':').ok_or(IdentifierError::UnknownKind)?;
        Self::from_typed(prefix.parse()?, value)
    }

    /// Parses what an agent typed with a kind chosen. A value that carries its own
    /// `kind:` prefix (pasted from elsewhere) wins over the chosen kind.
    pub fn from_typed(kind: IdentifierKind, input: &str) -> Result<Self, IdentifierError> {
        let input = input.trim();
        if let Some((prefix, rest)) = input.split_once(':') {
            if let Ok(pasted_kind) = prefix.parse::<IdentifierKind>() {
                return Self::from_value(pasted_kind, rest);
            }
        }
        Self::from_value(kind, input)
    }

    fn from_value(kind: IdentifierKind, value: &str) -> Result<Self, IdentifierError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(IdentifierError::Empty);
        }
        match kind {
            IdentifierKind::Phone => parse_phone(value),
            IdentifierKind::Email => parse_email(value),
            IdentifierKind::Id => parse_id(value),
        }
    }

    pub fn kind(&self) -> IdentifierKind {
        self.kind
    }

    /// The value after the prefix, normalised (`+60121233112`).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The value as an agent reads it (`+60 12-123 3112`).
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The API's form: `phone:+60121233112`.
    pub fn api_form(&self) -> String {
        format!("{}:{}", self.kind.prefix(), self.canonical)
    }

    /// The API form escaped for use as one URL path segment (`phone:%2B60121233112`).
    pub fn path_segment(&self) -> String {
        utf8_percent_encode(&self.api_form(), PATH_SEGMENT).to_string()
    }

    /// Plain words for messages: `phone +60 12-123 3112`, `contact ID 123`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind.plain_name(), self.display)
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.api_form())
    }
}

impl FromStr for Identifier {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_phone(value: &str) -> Result<Identifier, IdentifierError> {
    // People type spaces, dashes, dots and brackets; only the digits and a leading + matter.
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\t'))
        .collect();
    let international = if let Some(rest) = compact.strip_prefix("00") {
        format!("+{rest}")
    } else {
        compact
    };
    let Some(digits) = international.strip_prefix('+') else {
        return Err(IdentifierError::PhoneWithoutCountryCode);
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdentifierError::InvalidPhone(value.to_owned()));
    }
    let number = phonenumber::parse(None, &international)
        .map_err(|_| IdentifierError::InvalidPhone(value.to_owned()))?;
    if !phonenumber::is_valid(&number) {
        return Err(IdentifierError::InvalidPhone(value.to_owned()));
    }
    Ok(Identifier {
        kind: IdentifierKind::Phone,
        canonical: number.format().mode(phonenumber::Mode::E164).to_string(),
        display: number
            .format()
            .mode(phonenumber::Mode::International)
            .to_string(),
    })
}

fn parse_email(value: &str) -> Result<Identifier, IdentifierError> {
    // A bare address with a real top-level domain: `Ann <ann@x.io>`, `a@[10.0.0.1]` and
    // `someone@localhost` are valid by RFC but never an Aelyst contact.
    let options = email_address::Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    let address = email_address::EmailAddress::parse_with_options(value, options)
        .map_err(|_| IdentifierError::InvalidEmail(value.to_owned()))?;
    let canonical = address.as_str().to_lowercase();
    Ok(Identifier {
        kind: IdentifierKind::Email,
        display: canonical.clone(),
        canonical,
    })
}

fn parse_id(value: &str) -> Result<Identifier, IdentifierError> {
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdentifierError::InvalidId);
    }
    let id: u64 = value.parse().map_err(|_| IdentifierError::InvalidId)?;
    Ok(Identifier {
        kind: IdentifierKind::Id,
        canonical: id.to_string(),
        display: id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: IdentifierKind, input: &str) -> Identifier {
        Identifier::from_typed(kind, input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    #[test]
    fn phones_typed_by_people_normalise_to_e164() {
        for input in [
            "+60121233112",
            "+60 12-123 3112",
            "+60 (12) 123.3112",
            "0060 12 123 3112",
            "  +60-12-1233112  ",
        ] {
            let id = ok(IdentifierKind::Phone, input);
            assert_eq!(id.canonical(), "+60121233112", "{input}");
            assert_eq!(id.api_form(), "phone:+60121233112");
            assert_eq!(id.display(), "+60 12-123 3112");
        }
    }

    #[test]
    fn phone_without_country_code_asks_for_one() {
        for input in ["0121233112", "12 123 3112", "(012) 123-3112"] {
            let err = Identifier::from_typed(IdentifierKind::Phone, input).unwrap_err();
            assert_eq!(err, IdentifierError::PhoneWithoutCountryCode, "{input}");
            assert!(err.to_string().contains("country code"));
        }
    }

    #[test]
    fn bad_phones_are_refused() {
        for input in ["+", "+60abc", "+1 000", "+60 12", "+99999999999999999999"] {
            assert!(
                matches!(
                    Identifier::from_typed(IdentifierKind::Phone, input),
                    Err(IdentifierError::InvalidPhone(_))
                ),
                "{input}"
            );
        }
    }

    #[test]
    fn emails_are_validated_and_lower_cased() {
        let id = ok(IdentifierKind::Email, " AbDc@Gmail.COM ");
        assert_eq!(id.api_form(), "email:abdc@gmail.com");
        for bad in [
            "abdc",
            "abdc@",
            "@gmail.com",
            "a b@gmail.com",
            "Ann <ann@x.io>",
            "a@localhost",
        ] {
            assert!(
                matches!(
                    Identifier::from_typed(IdentifierKind::Email, bad),
                    Err(IdentifierError::InvalidEmail(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_are_plain_u64_digits() {
        assert_eq!(ok(IdentifierKind::Id, "123").api_form(), "id:123");
        assert_eq!(
            ok(IdentifierKind::Id, "18446744073709551615").canonical(),
            u64::MAX.to_string()
        );
        for bad in ["-1", "+1", "1.5", "12a", "18446744073709551616", "١٢"] {
            assert_eq!(
                Identifier::from_typed(IdentifierKind::Id, bad),
                Err(IdentifierError::InvalidId),
                "{bad}"
            );
        }
    }

    #[test]
    fn api_form_is_parsed_and_a_pasted_prefix_picks_the_kind() {
        assert_eq!(
            Identifier::parse("id:123").unwrap().kind(),
            IdentifierKind::Id
        );
        assert_eq!(
            Identifier::parse("EMAIL:abdc@gmail.com")
                .unwrap()
                .canonical(),
            "abdc@gmail.com"
        );
        let pasted = ok(IdentifierKind::Id, "phone:+60121233112");
        assert_eq!(pasted.kind(), IdentifierKind::Phone);
        assert_eq!(Identifier::parse("123"), Err(IdentifierError::UnknownKind));
        assert_eq!(
            Identifier::parse("fax:123"),
            Err(IdentifierError::UnknownKind)
        );
        assert_eq!(Identifier::parse("  "), Err(IdentifierError::Empty));
        assert_eq!(Identifier::parse("id:"), Err(IdentifierError::Empty));
    }

    #[test]
    fn path_segment_keeps_plus_from_becoming_a_space() {
        let id = ok(IdentifierKind::Phone, "+60121233112");
        assert_eq!(id.path_segment(), "phone:%2B60121233112");
        let email = ok(IdentifierKind::Email, "first.last+tag@example.com");
        assert_eq!(email.path_segment(), "email:first.last%2Btag@example.com");
    }

    #[test]
    fn describe_reads_as_plain_words() {
        assert_eq!(
            ok(IdentifierKind::Phone, "+60121233112").describe(),
            "phone +60 12-123 3112"
        );
        assert_eq!(ok(IdentifierKind::Id, "7").describe(), "contact ID 7");
    }
}
