//! Reaching the app from outside its window: the command line (`--close-from-clipboard`,
//! `--contact <identifier>`), a link (`aelyst-desk://close?contact=<identifier>`) and the
//! clipboard's text. Each becomes what the form should show, or a plain note; none of them
//! ever sends anything by itself.

use serde::Serialize;

use crate::api::{Identifier, IdentifierError, IdentifierKind};
use crate::error::{AppError, Coded, ErrorCode, Fields};

pub const SCHEME: &str = "aelyst-desk";
pub const FROM_CLIPBOARD: &str = "--close-from-clipboard";
pub const CONTACT: &str = "--contact";
/// Longer than any contact: a clipboard holding a document is not a contact.
const LONGEST_CONTACT_TEXT: usize = 320;

/// Why a global shortcut could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortcutError {
    #[error("\"{0}\" is not a key combination the app can use. Press a combination with Ctrl, Shift, Alt or Super and one other key.")]
    Invalid(String),
    #[error("\"{0}\" has no Ctrl, Alt or Super key, so it would also go off while typing in any app. Choose a combination with Ctrl, Alt or Super.")]
    TooPlain(String),
    #[error("The computer did not let Aelyst Desk use {0} (another app may have it, or this is a Wayland session). Choose another combination, or bind the command `aelyst-desk --close-from-clipboard` in your desktop's keyboard settings.")]
    Refused(String),
    #[error("Global shortcuts are not available here. Bind the command `aelyst-desk --close-from-clipboard` in your desktop's keyboard settings instead.")]
    Unavailable,
}

impl Coded for ShortcutError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::ShortcutInvalid,
            Self::TooPlain(_) => ErrorCode::ShortcutTooPlain,
            Self::Refused(_) => ErrorCode::ShortcutRefused,
            Self::Unavailable => ErrorCode::ShortcutUnavailable,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Invalid(value) | Self::TooPlain(value) | Self::Refused(value) => {
                crate::fields! { "value" => value }
            }
            Self::Unavailable => Fields::new(),
        }
    }
}

/// What the app was asked to do, from its command line or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handoff {
    /// Read the clipboard (in Rust) and put the contact in the form.
    FromClipboard,
    /// Put this contact (as typed, a link's or the command line's) in the form.
    Contact(String),
    /// Something was asked that cannot be done: the note says what.
    Refused(Note),
}

/// Where a contact came from, for the note's words ("The clipboard holds no contact").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    CommandLine,
    Link,
    Clipboard,
}

/// Why the form got no contact: a code the window words (`handoff.<code>` in `ui/locales/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Note {
    #[error("holds no contact (a phone number, an email address or a contact ID), so the form is empty.")]
    NoContact,
    #[error("holds something like a contact, but: {}", problem.message)]
    NotUsable { problem: AppError },
    #[error("--contact needs the contact after it, for example --contact +60121233112.")]
    ContactMissing,
    #[error("That link could not be used: {why}")]
    LinkRefused { why: LinkProblem },
}

/// What is wrong with a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum LinkProblem {
    #[error("it is not a well-formed link.")]
    Malformed,
    #[error("it is not an Aelyst Desk link.")]
    NotOurs,
    #[error(
        "Aelyst Desk links can only open a contact for closing (aelyst-desk://close?contact=…)."
    )]
    NotClose,
    #[error("it names more than one contact.")]
    TwoContacts,
    #[error("it has something in it other than the contact.")]
    Extra,
    #[error("it names no contact.")]
    NoContact,
    /// IT turned links off (`AllowLinks` in a policy).
    #[error("links are turned off on this computer.")]
    TurnedOff,
}

/// What the window shows: a contact in the form (Close chosen, focus in the category), a
/// note, or an entry of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FormFill {
    Contact {
        kind: IdentifierKind,
        value: String,
    },
    Note {
        #[serde(flatten)]
        note: Note,
        source: Source,
    },
    /// Not the form: show this history entry (a notification about it was clicked).
    Entry {
        workspace: String,
        id: String,
    },
}

/// Reads the arguments after the program's name. `None`: nothing was asked (a plain start).
pub fn from_args<S: AsRef<str>>(args: &[S]) -> Option<Handoff> {
    from_args_with(args, true)
}

/// [`from_args`], where IT may have turned links off (`links_allowed`: a link is then refused,
/// and says so).
pub fn from_args_with<S: AsRef<str>>(args: &[S], links_allowed: bool) -> Option<Handoff> {
    let mut args = args.iter().map(AsRef::as_ref);
    while let Some(arg) = args.next() {
        if arg == FROM_CLIPBOARD {
            return Some(Handoff::FromClipboard);
        }
        if arg == CONTACT {
            return Some(match args.next() {
                Some(value) => Handoff::Contact(value.to_owned()),
                None => Handoff::Refused(Note::ContactMissing),
            });
        }
        if let Some(value) = arg.strip_prefix("--contact=") {
            return Some(Handoff::Contact(value.to_owned()));
        }
        if is_link(arg) {
            return Some(if links_allowed {
                from_link(arg)
            } else {
                link_turned_off()
            });
        }
    }
    None
}

/// What a link does when IT turned links off.
pub fn link_turned_off() -> Handoff {
    Handoff::Refused(Note::LinkRefused {
        why: LinkProblem::TurnedOff,
    })
}

/// Whether a command-line argument is one of our links (a scheme is matched without regard
/// to case, as RFC 3986 says).
fn is_link(arg: &str) -> bool {
    arg.get(..SCHEME.len() + 1)
        .is_some_and(|start| start.eq_ignore_ascii_case(&format!("{SCHEME}:")))
}

/// `aelyst-desk://close?contact=<identifier>`, and nothing else: no other action, no other
/// parameter, no user, password, port or fragment (a link never carries a token, and one that
/// tries is refused whole).
///
/// The query is plain percent-encoding, not a form: `+` stays `+` (the README's own example,
/// `contact=+60121233112`, is a phone number, not " 60121233112").
pub fn from_link(link: &str) -> Handoff {
    let refused = |why| Handoff::Refused(Note::LinkRefused { why });
    let Ok(url) = url::Url::parse(link) else {
        return refused(LinkProblem::Malformed);
    };
    // `Url` writes the scheme in lower case whatever the link had.
    if url.scheme() != SCHEME {
        return refused(LinkProblem::NotOurs);
    }
    if url.host_str() != Some("close") || !matches!(url.path(), "" | "/") {
        return refused(LinkProblem::NotClose);
    }
    let decorated = !url.username().is_empty()
        || url.password().is_some()
        || url.port().is_some()
        || url.fragment().is_some();
    if decorated {
        return refused(LinkProblem::Extra);
    }
    let mut contact = None;
    let pairs = url.query().unwrap_or_default().split('&');
    for pair in pairs.filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .map(std::borrow::Cow::into_owned)
        };
        let (Ok(key), Ok(value)) = (decode(key), decode(value)) else {
            return refused(LinkProblem::Malformed);
        };
        match (key.as_str(), &contact) {
            ("contact", None) => contact = Some(value),
            ("contact", Some(_)) => return refused(LinkProblem::TwoContacts),
            _ => return refused(LinkProblem::Extra),
        }
    }
    match contact {
        Some(contact) if !contact.trim().is_empty() => Handoff::Contact(contact),
        _ => refused(LinkProblem::NoContact),
    }
}

/// The contact in a text (the clipboard's, a link's, the command line's), for the form: a
/// phone number in any common format (with its country code), an email address, or
/// `id:`/`phone:`/`email:` forms. A plain note when it holds none.
pub fn fill_from_text(text: &str, source: Source) -> FormFill {
    let note = |note| FormFill::Note { note, source };
    let trimmed = text.trim();
    let single_line = !trimmed.contains('\n');
    if trimmed.is_empty() || !single_line || trimmed.chars().count() > LONGEST_CONTACT_TEXT {
        return note(Note::NoContact);
    }
    match guess(trimmed) {
        Ok(identifier) => contact(&identifier),
        Err(IdentifierError::UnknownKind) => note(Note::NoContact),
        Err(err) => {
            // Said without the text itself: what was copied by mistake (a password) is not
            // put on screen.
            let mut problem = AppError::from(err);
            problem.fields.remove("value");
            note(Note::NotUsable { problem })
        }
    }
}

/// As a bulk row is read, plus what copying from a web page or a CRM gives: `tel:` and
/// `mailto:` links, and a phone number written with brackets (`(+60) 12 123 3112`).
fn guess(text: &str) -> Result<Identifier, IdentifierError> {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("tel:") {
        return Identifier::from_typed(IdentifierKind::Phone, &text[4..]);
    }
    if lower.starts_with("mailto:") {
        let address = text[7..].split('?').next().unwrap_or_default();
        return Identifier::from_typed(IdentifierKind::Email, address);
    }
    let phone_like = text.contains('+')
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone_like {
        return Identifier::from_typed(IdentifierKind::Phone, text);
    }
    crate::bulk::guess_identifier(text)
}

fn contact(identifier: &Identifier) -> FormFill {
    FormFill::Contact {
        kind: identifier.kind(),
        value: identifier.display().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(text: &str) -> FormFill {
        fill_from_text(text, Source::Clipboard)
    }

    fn is_contact(fill: &FormFill, kind: IdentifierKind) -> bool {
        matches!(fill, FormFill::Contact { kind: k, .. } if *k == kind)
    }

    #[test]
    fn the_command_line_says_what_was_asked() {
        assert_eq!(from_args::<&str>(&[]), None);
        assert_eq!(
            from_args(&["--close-from-clipboard"]),
            Some(Handoff::FromClipboard)
        );
        assert_eq!(
            from_args(&["--contact", "+60 12-123 3112"]),
            Some(Handoff::Contact("+60 12-123 3112".into()))
        );
        assert_eq!(
            from_args(&["--contact=id:5"]),
            Some(Handoff::Contact("id:5".into()))
        );
        assert!(matches!(
            from_args(&["--contact"]),
            Some(Handoff::Refused(_))
        ));
        assert_eq!(
            from_args(&["aelyst-desk://close?contact=email%3Aabdc%40gmail.com"]),
            Some(Handoff::Contact("email:abdc@gmail.com".into()))
        );
        assert_eq!(from_args(&["--some-toolkit-flag"]), None);
        // IT turned links off: a link is refused and says why; the rest still works.
        assert_eq!(
            from_args_with(&["aelyst-desk://close?contact=id%3A5"], false),
            Some(link_turned_off())
        );
        assert_eq!(
            from_args_with(&["--contact=id:5"], false),
            Some(Handoff::Contact("id:5".into()))
        );
    }

    #[test]
    fn the_readmes_links_fill_the_contact_they_name() {
        // The README's own example: a raw `+` is a phone number's, not a space.
        assert_eq!(
            from_link("aelyst-desk://close?contact=+60121233112"),
            Handoff::Contact("+60121233112".into())
        );
        assert!(is_contact(
            &fill_from_text("+60121233112", Source::Link),
            IdentifierKind::Phone
        ));
        assert_eq!(
            from_args(&["aelyst-desk://close?contact=+60121233112"]),
            Some(Handoff::Contact("+60121233112".into()))
        );
        // The scheme in any case, from a launcher or a CRM that writes it so.
        assert_eq!(
            from_args(&["Aelyst-Desk://close?contact=id%3A5"]),
            Some(Handoff::Contact("id:5".into()))
        );
        assert_eq!(
            from_link("AELYST-DESK://close?contact=email:abdc@gmail.com"),
            Handoff::Contact("email:abdc@gmail.com".into())
        );
    }

    #[test]
    fn a_link_only_ever_fills_the_form_and_never_carries_anything_else() {
        assert_eq!(
            from_link("aelyst-desk://close?contact=%2B60121233112"),
            Handoff::Contact("+60121233112".into())
        );
        for bad in [
            "aelyst-desk://close?contact=1&token=abc",
            "aelyst-desk://send?contact=1",
            "aelyst-desk://close/extra?contact=1",
            "aelyst-desk://close?contact=1&contact=2",
            "aelyst-desk://close",
            "aelyst-desk://close?contact=",
            "aelyst-desk:%%",
            "https://close?contact=1",
            "aelyst-desk://user@close?contact=1",
            "aelyst-desk://user:secret@close?contact=1",
            "aelyst-desk://close:8080?contact=1",
            "aelyst-desk://close?contact=1#token=abc",
            "aelyst-desk://close?contact=%FF",
        ] {
            let Handoff::Refused(note) = from_link(bad) else {
                panic!("{bad} was taken")
            };
            assert!(matches!(note, Note::LinkRefused { .. }), "{note}");
        }
    }

    #[test]
    fn the_clipboard_gives_a_contact_in_any_common_form_or_a_note() {
        assert!(is_contact(
            &fill(" +60 12-123 3112\n"),
            IdentifierKind::Phone
        ));
        assert!(is_contact(
            &fill("(+60) 12 123 3112"),
            IdentifierKind::Phone
        ));
        assert!(is_contact(&fill("Abdc@Gmail.com"), IdentifierKind::Email));
        assert!(is_contact(&fill("id:123"), IdentifierKind::Id));
        assert!(is_contact(&fill("tel:+60121233112"), IdentifierKind::Phone));
        assert!(is_contact(
            &fill("mailto:abdc@gmail.com?subject=hi"),
            IdentifierKind::Email
        ));
        assert!(is_contact(
            &fill("phone:+60121233112"),
            IdentifierKind::Phone
        ));
        assert_eq!(
            fill("+60121233112"),
            FormFill::Contact {
                kind: IdentifierKind::Phone,
                value: "+60 12-123 3112".into()
            }
        );
        for junk in ["", "hello there", "line one\nline two", &"9".repeat(400)] {
            assert!(matches!(fill(junk), FormFill::Note { .. }), "{junk:?}");
        }
        let note = fill("012 123 3112");
        let FormFill::Note {
            note: Note::NotUsable { problem },
            ..
        } = &note
        else {
            panic!("a local number is not a contact")
        };
        assert_eq!(problem.code, ErrorCode::PhoneWithoutCountryCode);
        assert_eq!(
            serde_json::to_value(&note).unwrap(),
            serde_json::json!({"type": "note", "code": "not_usable", "source": "clipboard",
                "problem": {"code": "phone_without_country_code"}})
        );
    }

    #[test]
    fn a_note_never_repeats_what_was_copied() {
        for (copied, code) in [
            ("+1 hunter2-secret", "phone_invalid"),
            ("hunter2@secret", "email_invalid"),
        ] {
            let note = serde_json::to_string(&fill(copied)).unwrap();
            assert!(note.contains(code), "{note}");
            assert!(
                !note.contains("hunter2"),
                "the note repeats the text: {note}"
            );
        }
    }
}
