//! Whatever is on disk: opening a journal never panics, and once it has opened (cutting a torn
//! tail, recovering damage), opening it again finds the same entries and no damage.
#![no_main]

use aelyst_core::outbox::journal::Journal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.jsonl");
    std::fs::write(&path, data).unwrap();
    let Ok((journal, first)) = Journal::open(&path) else {
        return;
    };
    drop(journal);
    let (_, second) = Journal::open(&path).expect("a journal that opened opens again");
    assert_eq!(second.moved_aside, None, "recovered once, whole after");
    assert_eq!(second.entries, first.entries);
});
