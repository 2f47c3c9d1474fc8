//! A panic reaches the app's log, with where it happened and without what it said (a panic's
//! message can hold anything; the log never holds a contact or a summary). Its own test
//! program: the log and the panic hook are the whole process's.

use aelyst_core::logging;

#[test]
fn a_panic_is_logged_with_its_place_and_not_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let guard = logging::init(dir.path()).expect("the log starts");
    let line = line!() + 2;
    let caught = std::thread::spawn(|| {
        panic!("+60121233112 said something private");
    })
    .join();
    assert!(caught.is_err(), "the thread panicked");
    // Dropping the guard flushes the log's worker.
    drop(guard);
    let log: String = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|file| std::fs::read_to_string(file.unwrap().path()).unwrap())
        .collect();
    assert!(
        log.contains(&format!("panic at {}:{line}:", file!())),
        "the panic's place is in the log: {log:?}"
    );
    assert!(
        !log.contains("+60121233112") && !log.contains("private"),
        "the panic's message stayed out of the log: {log:?}"
    );
}
