//! Whatever an agent pastes: parsing never panics, and what parses round-trips through the
//! API form the app sends.
#![no_main]

use aelyst_core::api::{Identifier, IdentifierKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = Identifier::parse(text) {
        let again = Identifier::parse(&id.api_form()).expect("the API form parses");
        assert_eq!(again, id);
    }
    for kind in IdentifierKind::ALL {
        if let Ok(id) = Identifier::from_typed(kind, text) {
            assert_eq!(id.kind(), kind);
            assert_eq!(Identifier::parse(&id.api_form()).as_ref(), Ok(&id));
        }
    }
});
