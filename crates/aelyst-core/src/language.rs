//! The languages the app speaks, which one the agent gets, and the few words Rust says itself
//! (the tray, notifications). The words live in one catalog per language, `ui/locales/*.json`,
//! shared with the window: Rust reads the same files, built into the binary.
//!
//! A catalog is a flat JSON object of `key: text`, where a text may hold `{name}` placeholders,
//! or `key: {one: text, other: text, …}` for a count (the CLDR plural categories).

use std::collections::HashMap;
use std::sync::OnceLock;

use intl_pluralrules::{PluralRuleType, PluralRules};
use serde_json::Value;

/// Every language, as `<html lang>` and the catalogs name them; English is the source.
pub const LANGUAGES: [&str; 5] = ["en", "ms", "id", "pt-BR", "es"];
pub const SOURCE: &str = "en";

/// The catalogs, built in (they are small: a few kB each).
const CATALOGS: [(&str, &str); 5] = [
    ("en", include_str!("../../../ui/locales/en.json")),
    ("ms", include_str!("../../../ui/locales/ms.json")),
    ("id", include_str!("../../../ui/locales/id.json")),
    ("pt-BR", include_str!("../../../ui/locales/pt-BR.json")),
    ("es", include_str!("../../../ui/locales/es.json")),
];

/// The supported language a locale tag asks for: `ms_MY.UTF-8`, `pt-BR`, `pt`, `es-419`,
/// `in` (the old code for Indonesian). `None` for one the app does not speak (`C`, `fr-FR`).
pub fn resolve(tag: &str) -> Option<&'static str> {
    let tag = tag
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    if let Some(exact) = LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(&tag)) {
        return Some(exact);
    }
    let primary = tag
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match primary.as_str() {
        "in" => Some("id"),
        // Brazilian Portuguese is the Portuguese the app has.
        "pt" => Some("pt-BR"),
        other => LANGUAGES.iter().copied().find(|l| *l == other),
    }
}

/// The computer's language, among the app's: the first of the OS's preferred locales the app
/// speaks, else English.
pub fn system() -> &'static str {
    sys_locale::get_locales()
        .find_map(|tag| resolve(&tag))
        .unwrap_or(SOURCE)
}

/// The language the agent gets: their choice in Settings, else the computer's.
pub fn effective(chosen: Option<&str>) -> &'static str {
    chosen.and_then(resolve).unwrap_or_else(system)
}

/// The catalog of `language` as its file has it (JSON text; anything not in [`LANGUAGES`]
/// gets English): the window's words, handed to the page before its first script runs.
pub fn catalog_text(language: &str) -> &'static str {
    CATALOGS
        .iter()
        .find(|(l, _)| *l == language)
        .unwrap_or(&CATALOGS[0])
        .1
}

/// One language's catalog, read once.
pub struct Words {
    language: &'static str,
    texts: HashMap<String, Value>,
    plurals: PluralRules,
}

impl Words {
    /// The catalog of `language` (one of [`LANGUAGES`]; anything else gets English).
    pub fn get(language: &str) -> &'static Words {
        static ALL: OnceLock<Vec<Words>> = OnceLock::new();
        let all = ALL.get_or_init(|| {
            CATALOGS
                .iter()
                .map(|(l, text)| Words::parse(l, text))
                .collect()
        });
        all.iter()
            .find(|w| w.language == language)
            .unwrap_or(&all[0])
    }

    fn parse(language: &'static str, text: &str) -> Words {
        let texts =
            serde_json::from_str(text).expect("a catalog is a JSON object (tests check each)");
        // The rules are the language's (pt's are Brazil's: 0 and 1 take the singular).
        let primary = language.split('-').next().unwrap_or(language);
        let id: unic_langid::LanguageIdentifier = primary.parse().expect("a valid language tag");
        let plurals = PluralRules::create(id, PluralRuleType::CARDINAL)
            .expect("CLDR has plural rules for every language the app speaks");
        Words {
            language,
            texts,
            plurals,
        }
    }

    pub fn language(&self) -> &'static str {
        self.language
    }

    /// The text for `key` with its `{name}` placeholders filled from `fields`; for a plural
    /// text, the form for `fields`' `count`. A key the catalog lacks (tests make sure none
    /// does) reads as the key itself.
    pub fn text(&self, key: &str, fields: &[(&str, &dyn std::fmt::Display)]) -> String {
        let template = match self.texts.get(key) {
            Some(Value::String(text)) => text.as_str(),
            Some(Value::Object(forms)) => {
                let count = fields
                    .iter()
                    .find(|(name, _)| *name == "count")
                    .and_then(|(_, value)| value.to_string().parse::<u64>().ok())
                    .unwrap_or(0);
                let category = self
                    .plurals
                    .select(count)
                    .map(plural_name)
                    .unwrap_or("other");
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .and_then(Value::as_str)
                    .unwrap_or(key)
            }
            _ => key,
        };
        fill(template, fields)
    }

    /// A contact as the window says it: "phone +60 12-123 3112" (`contactWords` in
    /// `ui/words.js`, from the same catalog).
    pub fn contact(&self, identifier: &crate::api::Identifier) -> String {
        format!(
            "{} {}",
            self.text(&format!("kind.{}", identifier.kind().prefix()), &[]),
            identifier.display()
        )
    }

    /// Why an action waits or did not go through, as the window words it (`reasonText` in
    /// `ui/errors.js`, from the same catalog); `contact` as [`Words::contact`] says it.
    pub fn reason(&self, reason: &crate::api::Reason, contact: &str) -> String {
        use crate::api::Reason;
        match reason {
            Reason::Legacy { text } => text.clone(),
            Reason::NoContact => self.text("reason.no_contact", &[("contact", &contact)]),
            Reason::ServerError { status } => {
                self.text("reason.server_error", &[("status", status)])
            }
            Reason::OtherAddress { address } => {
                self.text("reason.other_address", &[("address", address)])
            }
            Reason::ServerKeptFailing { status, tries } => self.text(
                "reason.server_kept_failing",
                &[("status", status), ("count", tries)],
            ),
            Reason::Refused {
                status,
                server_message,
            } => {
                let said = server_message.as_deref().filter(|m| !m.trim().is_empty());
                let key = match (*status == 400, said.is_some()) {
                    (true, false) => "reason.refused",
                    (true, true) => "reason.refused_said",
                    (false, false) => "reason.refused_status",
                    (false, true) => "reason.refused_status_said",
                };
                self.text(
                    key,
                    &[
                        ("status", status),
                        ("serverMessage", &said.unwrap_or_default()),
                    ],
                )
            }
            other => {
                let code = serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.get("code")?.as_str().map(str::to_owned))
                    .unwrap_or_default();
                self.text(&format!("reason.{code}"), &[])
            }
        }
    }
}

fn plural_name(category: intl_pluralrules::PluralCategory) -> &'static str {
    use intl_pluralrules::PluralCategory::*;
    match category {
        ZERO => "zero",
        ONE => "one",
        TWO => "two",
        FEW => "few",
        MANY => "many",
        OTHER => "other",
    }
}

/// `{name}` → the field's value; a placeholder with no field stays as it is.
fn fill(template: &str, fields: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match fields.iter().find(|(field, _)| *field == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_handed_to_the_page_is_the_language_asked_for_else_english() {
        let words = |language: &str| -> serde_json::Map<String, Value> {
            serde_json::from_str(catalog_text(language)).expect("a JSON object")
        };
        for language in LANGUAGES {
            let handed = words(language);
            assert_eq!(
                handed.get("app.cancel").and_then(Value::as_str),
                Some(Words::get(language).text("app.cancel", &[]).as_str()),
                "{language}"
            );
        }
        assert_ne!(words("ms"), words("en"));
        assert_eq!(words("fr"), words("en"));
    }

    #[test]
    fn reasons_and_contacts_read_as_the_window_says_them() {
        use crate::api::{Identifier, Reason};
        let words = Words::get("en");
        let contact = words.contact(&Identifier::parse("phone:+60121233112").unwrap());
        assert_eq!(
            contact,
            format!("{} +60 12-123 3112", words.text("kind.phone", &[]))
        );
        let refused = |status, said: Option<&str>| {
            words.reason(
                &Reason::Refused {
                    status,
                    server_message: said.map(str::to_owned),
                },
                &contact,
            )
        };
        assert_eq!(refused(400, None), words.text("reason.refused", &[]));
        assert!(refused(400, Some("bad category")).contains("bad category"));
        assert!(refused(422, None).contains("422"));
        assert!(
            refused(422, Some("  ")).contains("422"),
            "blank words are none"
        );
        assert!(words
            .reason(&Reason::NoContact, &contact)
            .contains("+60 12-123 3112"));
        assert_eq!(
            words.reason(
                &Reason::Legacy {
                    text: "as saved".into()
                },
                &contact
            ),
            "as saved"
        );
        assert_eq!(
            words.reason(&Reason::Cancelled, &contact),
            words.text("reason.cancelled", &[])
        );
        assert_ne!(
            words.reason(&Reason::Cancelled, &contact),
            "reason.cancelled"
        );
    }

    fn catalog(language: &str) -> serde_json::Map<String, Value> {
        let (_, text) = CATALOGS.iter().find(|(l, _)| *l == language).unwrap();
        serde_json::from_str(text)
            .unwrap_or_else(|err| panic!("ui/locales/{language}.json is not a JSON object: {err}"))
    }

    /// The `{name}`s of a text, or of every form of a plural.
    fn placeholders(value: &Value) -> std::collections::BTreeSet<String> {
        let texts: Vec<&str> = match value {
            Value::String(text) => vec![text],
            Value::Object(forms) => forms.values().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        texts
            .iter()
            .flat_map(|text| text.split('{').skip(1))
            .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn every_catalog_has_the_english_keys_placeholders_and_no_empty_text() {
        let english = catalog(SOURCE);
        assert!(english.len() > 20, "the English catalog is the source");
        for language in LANGUAGES {
            let other = catalog(language);
            let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "ui/locales/{language}.json lacks {missing:?} and has keys English does not: {extra:?}"
            );
            for (key, value) in &other {
                match value {
                    Value::String(text) => {
                        assert!(!text.trim().is_empty(), "{language}: {key} is empty")
                    }
                    Value::Object(forms) => {
                        assert!(
                            forms.contains_key("other"),
                            "{language}: {key} has no `other` form"
                        );
                        for (form, text) in forms {
                            assert!(
                                ["zero", "one", "two", "few", "many", "other"]
                                    .contains(&form.as_str()),
                                "{language}: {key} has a form CLDR does not name: {form}"
                            );
                            assert!(
                                text.as_str().is_some_and(|t| !t.trim().is_empty()),
                                "{language}: {key}.{form} is empty or not text"
                            );
                        }
                    }
                    _ => panic!("{language}: {key} is neither a text nor plural forms"),
                }
                assert_eq!(
                    placeholders(value),
                    placeholders(&english[key]),
                    "{language}: {key} has other placeholders than the English"
                );
            }
        }
    }

    #[test]
    fn locale_tags_find_the_language_the_app_has() {
        assert_eq!(resolve("ms_MY.UTF-8"), Some("ms"));
        assert_eq!(resolve("pt_BR.UTF-8"), Some("pt-BR"));
        assert_eq!(resolve("pt-PT"), Some("pt-BR"));
        assert_eq!(resolve("es-419"), Some("es"));
        assert_eq!(resolve("in"), Some("id"));
        assert_eq!(resolve("id-ID"), Some("id"));
        assert_eq!(resolve("en-GB"), Some("en"));
        assert_eq!(resolve("C"), None);
        assert_eq!(resolve("fr_FR.UTF-8"), None);
        assert_eq!(effective(Some("es")), "es");
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("{a} and {b}", &[("a", &1), ("b", &"two")]),
            "1 and two"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
    }

    #[test]
    fn counts_take_their_languages_plural_form() {
        let en = Words::get("en");
        let one = en.text("tray.counts", &[("count", &1), ("failed", &0)]);
        let many = en.text("tray.counts", &[("count", &3), ("failed", &0)]);
        assert!(one.starts_with("1 action "), "{one}");
        assert!(many.starts_with("3 actions "), "{many}");
        // Portuguese puts 0 with 1; English puts it with 3.
        let pt = Words::get("pt-BR");
        assert_eq!(
            pt.text("tray.counts", &[("count", &0), ("failed", &0)])
                .replacen('0', "1", 1),
            pt.text("tray.counts", &[("count", &1), ("failed", &0)])
        );
        assert_eq!(
            en.text("tray.counts", &[("count", &0), ("failed", &0)])
                .replacen('0', "3", 1),
            many
        );
        assert_eq!(Words::get("xx").language(), "en");
    }
}
