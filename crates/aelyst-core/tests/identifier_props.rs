//! Properties of identifier parsing: it never panics, and the canonical form round-trips.

use aelyst_core::api::{Identifier, IdentifierKind};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = IdentifierKind> {
    prop_oneof![
        Just(IdentifierKind::Phone),
        Just(IdentifierKind::Email),
        Just(IdentifierKind::Id)
    ]
}

fn assert_round_trips(id: &Identifier) {
    let again = Identifier::parse(&id.api_form()).expect("canonical form parses");
    assert_eq!(&again, id);
    let typed = Identifier::from_typed(id.kind(), id.display()).expect("display form parses");
    assert_eq!(typed.api_form(), id.api_form());
}

proptest! {
    #[test]
    fn parsing_anything_never_panics(input in "\\PC{0,40}", kind in kind()) {
        if let Ok(id) = Identifier::parse(&input) {
            assert_round_trips(&id);
        }
        if let Ok(id) = Identifier::from_typed(kind, &input) {
            assert_round_trips(&id);
        }
    }

    #[test]
    fn prefixed_inputs_never_panic(prefix in "(phone|email|id|PHONE|Id):", rest in "[ +()\\-.0-9a-zA-Z@_]{0,24}") {
        if let Ok(id) = Identifier::parse(&format!("{prefix}{rest}")) {
            assert_round_trips(&id);
        }
    }

    #[test]
    fn every_u64_is_an_id(n in any::<u64>()) {
        let id = Identifier::from_typed(IdentifierKind::Id, &n.to_string()).unwrap();
        prop_assert_eq!(id.api_form(), format!("id:{n}"));
        assert_round_trips(&id);
    }

    #[test]
    fn separators_people_type_do_not_change_a_phone(
        separators in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just(" - ")], 11)
    ) {
        let digits = "60121233112";
        let mut typed = String::from("+");
        for (digit, sep) in digits.chars().zip(&separators) {
            typed.push(digit);
            typed.push_str(sep);
        }
        let id = Identifier::from_typed(IdentifierKind::Phone, &typed).unwrap();
        prop_assert_eq!(id.canonical(), "+60121233112");
        assert_round_trips(&id);
    }

    /// Every address generated here is valid, so every one must be accepted.
    #[test]
    fn emails_round_trip_whatever_the_case(local in "[a-zA-Z0-9_+]{1,10}(\\.[a-zA-Z0-9_+]{1,8})?", domain in "[a-zA-Z]{1,10}\\.(com|io|CO)") {
        let typed = format!("{local}@{domain}");
        let id = Identifier::from_typed(IdentifierKind::Email, &typed);
        prop_assert!(id.is_ok(), "{typed} refused: {id:?}");
        let id = id.unwrap();
        prop_assert_eq!(id.canonical(), typed.to_lowercase());
        assert_round_trips(&id);
    }
}
