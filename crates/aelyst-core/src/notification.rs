//! What a desktop notification may say. Its body is read as markup by most Linux notification
//! servers (the Desktop Notifications spec allows `<b>`, `<i>`, `<a href>`, `<img>`), and it
//! carries text the app did not write: a server's error words, a contact as typed. So the
//! body is escaped, control and bidi characters (which can reorder what is read) are
//! dropped, and both lines are capped.

/// Longest title, in characters, before it is cut with "…".
pub const SUMMARY_MAX_CHARS: usize = 120;
/// Longest body, in characters (before escaping), before it is cut with "…".
pub const BODY_MAX_CHARS: usize = 300;

/// The title: plain text for every server, so only cleaned and capped.
pub fn summary(text: &str) -> String {
    capped(&cleaned(text), SUMMARY_MAX_CHARS)
}

/// The body: cleaned, capped, then, where the server reads markup (Linux and the BSDs:
/// [`BODY_IS_MARKUP`]), escaped, so nothing in it is taken as markup.
pub fn body(text: &str) -> String {
    let plain = capped(&cleaned(text), BODY_MAX_CHARS);
    if BODY_IS_MARKUP {
        escaped(&plain)
    } else {
        plain
    }
}

/// Windows' and macOS's notifications show a body as it is: escaping there would show
/// `&amp;`.
pub const BODY_IS_MARKUP: bool = cfg!(all(unix, not(target_os = "macos")));

/// Explicit direction marks and embeddings (U+200E–F, U+202A–E, U+2066–9, U+061C).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Line breaks become spaces (a notification is a line or two); other control characters and
/// bidi controls go.
fn cleaned(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn capped(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_body_is_shown_as_text_never_as_a_link() {
        let said = escaped(r#"Refused: <a href="https://evil.example">click</a> & "more""#);
        assert_eq!(
            said,
            "Refused: &lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &amp; &quot;more&quot;"
        );
        assert!(!said.contains('<') && !said.contains('>'));
    }

    #[test]
    fn control_and_bidi_characters_go_and_lines_are_capped() {
        assert_eq!(body("a\u{202E}bc\u{0007}\nd\u{2066}e"), "abc de");
        assert_eq!(
            summary("Not closed:\u{200F} phone\r\n+60"),
            "Not closed: phone  +60"
        );
        let long = body(&"x".repeat(1_000));
        assert_eq!(long.chars().count(), BODY_MAX_CHARS);
        assert!(long.ends_with('…'));
        assert_eq!(summary(&"é".repeat(500)).chars().count(), SUMMARY_MAX_CHARS);
        // Escaping comes after the cut, so an entity is never cut in half.
        if BODY_IS_MARKUP {
            let edge = body(&format!("{}<b>", "y".repeat(BODY_MAX_CHARS - 2)));
            assert!(edge.ends_with("y&lt;…"), "{edge}");
            assert_eq!(body("<i>x</i>"), "&lt;i&gt;x&lt;/i&gt;");
        }
        assert_eq!(body("plain words"), "plain words");
    }
}
