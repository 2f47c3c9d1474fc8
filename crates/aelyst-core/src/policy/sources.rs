//! Where policies come from: only the system's own places, never a path the app is given.
//! - Linux: JSON files in `/etc/aelyst-desk/policies/managed/` (locked) and
//!   `/etc/aelyst-desk/policies/recommended/`, read in file-name order. A file (or its folder)
//!   not owned by root, or writable by anyone but its owner, is ignored and listed: anyone who
//!   could write it could lock an agent's settings.
//! - Windows: `HKLM\SOFTWARE\Policies\Aelyst\Desk` (machine, locked), `HKCU\…` (user, locked),
//!   each with a `Recommended` subkey; a switch is a DWORD, a text a string, `Workspaces` JSON
//!   text (as browsers' list policies are written).
//! - macOS: the managed preferences an MDM profile installs for `ai.aelyst.desk`, in
//!   `/Library/Managed Preferences/` (the machine's) and `…/<user>/` (the user's). The system
//!   forces every key there, so each one is locked; like the files above, one not owned by
//!   root or writable by others is ignored.
//!
//! Tests read a folder of their own through [`read_under`]; the release build has no way to
//! be pointed elsewhere (the environment variable below exists in debug builds only).

use super::{Level, Policies, PolicyValues, Problem, Read};

/// Debug builds only: read policies under this folder instead of `/` (the end-to-end tests'
/// disposable root). Compiled out of release builds, like the dialog stand-in.
#[cfg(debug_assertions)]
pub const ROOT_ENV: &str = "AELYST_POLICY_ROOT";

/// The policies of this computer and user.
pub fn read_system() -> Policies {
    #[cfg(debug_assertions)]
    if let Some(root) = std::env::var_os(ROOT_ENV) {
        return read_under(std::path::Path::new(&root));
    }
    #[cfg(windows)]
    {
        windows::read()
    }
    #[cfg(target_os = "macos")]
    {
        managed_preferences::read(
            std::path::Path::new("/"),
            std::env::var("USER").ok().as_deref(),
        )
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        read_under(std::path::Path::new("/"))
    }
}

/// The files under `root/etc/aelyst-desk/policies/` (Linux's layout, and the tests').
pub fn read_under(root: &std::path::Path) -> Policies {
    let base = root.join("etc/aelyst-desk/policies");
    let mut reads = Vec::new();
    let mut problems = Vec::new();
    for (folder, level) in [
        ("managed", Level::MachineLocked),
        ("recommended", Level::MachineRecommended),
    ] {
        files::read_folder(&base.join(folder), level, &mut reads, &mut problems);
    }
    for problem in &problems {
        tracing::warn!(source = %problem.source, key = %problem.key, why = %problem.why, "policy not used");
    }
    Policies::merge(reads, problems)
}

/// One source's parsed content (`None`: it could not be parsed): read when it is an object of
/// policies, else listed as ignored whole (`what` the source should have been).
fn read_source(
    source: &str,
    level: Level,
    parsed: Option<serde_json::Value>,
    what: &str,
    reads: &mut Vec<Read>,
    problems: &mut Vec<Problem>,
) {
    match parsed {
        Some(serde_json::Value::Object(object)) => {
            let (values, mut found) = PolicyValues::read(source, &object);
            problems.append(&mut found);
            reads.push(Read {
                level,
                source: source.to_owned(),
                values,
            });
        }
        _ => problems.push(Problem::whole(
            source,
            format!("not {what} of policies; the whole file was ignored"),
        )),
    }
}

#[cfg(any(target_os = "macos", all(test, unix)))]
mod managed_preferences {
    use std::path::Path;

    use serde_json::{Map, Value};

    use super::*;

    const DOMAIN_FILE: &str = "ai.aelyst.desk.plist";

    /// The machine's and `user`'s managed preferences under `root` (`/` outside tests).
    pub(super) fn read(root: &Path, user: Option<&str>) -> Policies {
        let base = root.join("Library/Managed Preferences");
        let mut reads = Vec::new();
        let mut problems = Vec::new();
        let user_file = user
            .filter(|name| !name.is_empty() && !name.contains(['/', '\\']) && *name != "..")
            .map(|name| base.join(name).join(DOMAIN_FILE));
        for (path, level) in [
            (Some(base.join(DOMAIN_FILE)), Level::MachineLocked),
            (user_file, Level::UserLocked),
        ] {
            let Some(path) = path.filter(|path| path.exists()) else {
                continue;
            };
            let source = path.display().to_string();
            if let Err(why) = files::safe(&path) {
                problems.push(Problem::whole(&source, why));
                continue;
            }
            let parsed = plist::Value::from_file(&path)
                .ok()
                .and_then(|value| json(&value));
            read_source(
                &source,
                level,
                parsed,
                "a property list",
                &mut reads,
                &mut problems,
            );
        }
        Policies::merge(reads, problems)
    }

    /// A property list's value as JSON (dates and data have no policy: none).
    fn json(value: &plist::Value) -> Option<Value> {
        Some(match value {
            plist::Value::Boolean(b) => Value::Bool(*b),
            plist::Value::Integer(n) => n
                .as_unsigned()
                .map(Value::from)
                .or_else(|| n.as_signed().map(Value::from))?,
            plist::Value::Real(x) => Value::from(*x),
            plist::Value::String(s) => Value::String(s.clone()),
            plist::Value::Array(items) => Value::Array(items.iter().filter_map(json).collect()),
            plist::Value::Dictionary(dict) => Value::Object(
                dict.iter()
                    .filter_map(|(key, value)| Some((key.clone(), json(value)?)))
                    .collect::<Map<_, _>>(),
            ),
            _ => return None,
        })
    }
}

mod files {
    use std::path::Path;

    use super::*;

    /// Largest policy file read: a policy is a few kilobytes.
    const MAX_FILE_BYTES: u64 = 256 * 1024;

    pub(super) fn read_folder(
        folder: &Path,
        level: Level,
        reads: &mut Vec<Read>,
        problems: &mut Vec<Problem>,
    ) {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return; // No folder: no policy at this level.
        };
        let refuse = |problems: &mut Vec<Problem>, source: &Path, why: String| {
            problems.push(Problem::whole(source.display().to_string(), why))
        };
        if let Err(why) = safe(folder) {
            refuse(problems, folder, why);
            return;
        }
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        for path in paths {
            if let Err(why) = safe(&path) {
                refuse(problems, &path, why);
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(meta) if !meta.is_file() || meta.len() > MAX_FILE_BYTES => {
                    refuse(
                        problems,
                        &path,
                        format!("not a file of at most {MAX_FILE_BYTES} bytes"),
                    );
                    continue;
                }
                Err(err) => {
                    refuse(problems, &path, err.to_string());
                    continue;
                }
                Ok(_) => {}
            }
            match std::fs::read_to_string(&path) {
                Ok(text) => read_source(
                    &path.display().to_string(),
                    level,
                    serde_json::from_str(&text).ok(),
                    "a JSON object",
                    reads,
                    problems,
                ),
                Err(err) => refuse(problems, &path, err.to_string()),
            }
        }
    }

    /// Owned by root and writable by no one else.
    #[cfg(unix)]
    pub(super) fn safe(path: &Path) -> Result<(), String> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).map_err(|err| err.to_string())?;
        if meta.uid() != 0 {
            return Err(format!("owned by user {}, not root; ignored", meta.uid()));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(format!(
                "writable by others (mode {:o}); ignored",
                meta.mode() & 0o777
            ));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    pub(super) fn safe(_path: &Path) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(windows)]
mod windows {
    use serde_json::{Map, Value};
    use windows_registry::{Key, Type, CURRENT_USER, LOCAL_MACHINE};

    use super::*;

    const KEY: &str = r"SOFTWARE\Policies\Aelyst\Desk";

    pub(super) fn read() -> Policies {
        let mut reads = Vec::new();
        let mut problems = Vec::new();
        for (hive, name, locked, recommended) in [
            (
                LOCAL_MACHINE,
                "HKLM",
                Level::MachineLocked,
                Level::MachineRecommended,
            ),
            (
                CURRENT_USER,
                "HKCU",
                Level::UserLocked,
                Level::UserRecommended,
            ),
        ] {
            if let Ok(key) = hive.open(KEY) {
                read_key(
                    &key,
                    &format!(r"{name}\{KEY}"),
                    locked,
                    &mut reads,
                    &mut problems,
                );
                if let Ok(sub) = key.open("Recommended") {
                    read_key(
                        &sub,
                        &format!(r"{name}\{KEY}\Recommended"),
                        recommended,
                        &mut reads,
                        &mut problems,
                    );
                }
            }
        }
        Policies::merge(reads, problems)
    }

    /// A key's values as the JSON object a file would hold: DWORD → number, string → string.
    pub(super) fn read_key(
        key: &Key,
        source: &str,
        level: Level,
        reads: &mut Vec<Read>,
        problems: &mut Vec<Problem>,
    ) {
        let mut object = Map::new();
        let Ok(values) = key.values() else { return };
        for (name, value) in values {
            let json = match value.ty() {
                Type::U32 => u32::try_from(value).ok().map(Value::from),
                Type::U64 => u64::try_from(value).ok().map(Value::from),
                Type::String | Type::ExpandString => String::try_from(value).ok().map(Value::from),
                _ => None,
            };
            match json {
                Some(json) => {
                    object.insert(name, json);
                }
                None => problems.push(Problem {
                    source: source.to_owned(),
                    key: name,
                    why: "not a DWORD or a string".into(),
                }),
            }
        }
        let (values, mut found) = PolicyValues::read(source, &object);
        problems.append(&mut found);
        reads.push(Read {
            level,
            source: source.to_owned(),
            values,
        });
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use super::*;

    fn write(root: &Path, relative: &str, text: &str, mode: u32) {
        let path = root.join("etc/aelyst-desk/policies").join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn chown(path: &Path, uid: u32) {
        let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::chown(path.as_ptr(), uid, uid) }, 0);
    }

    #[test]
    fn files_are_read_in_name_order_and_only_safe_ones() {
        let dir = crate::files::test_dir();
        let root = dir.path();
        assert_eq!(
            read_under(root),
            Policies::default(),
            "no folder, no policy"
        );
        write(
            root,
            "managed/20-team.json",
            r#"{"HistoryLimit": 200}"#,
            0o644,
        );
        write(
            root,
            "managed/10-base.json",
            r#"{"HistoryLimit": 100, "AllowBulk": false}"#,
            0o644,
        );
        write(
            root,
            "managed/notes.txt",
            r#"{"AllowExport": false}"#,
            0o644,
        );
        write(root, "managed/30-broken.json", "{not json", 0o644);
        write(
            root,
            "managed/40-open.json",
            r#"{"AllowLinks": false}"#,
            0o666,
        );
        write(
            root,
            "recommended/a.json",
            r#"{"Language": "es", "HistoryLimit": 5000}"#,
            0o644,
        );
        for folder in [
            "etc/aelyst-desk/policies/managed",
            "etc/aelyst-desk/policies/recommended",
        ] {
            std::fs::set_permissions(root.join(folder), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
        let policies = read_under(root);
        let why = |file: &str| {
            policies
                .problems
                .iter()
                .find(|p| p.source.ends_with(file))
                .map(|p| p.why.clone())
                .unwrap_or_default()
        };
        if unsafe { libc::geteuid() } != 0 {
            // Files a user made are not root's: every one is refused (CI runs this as root).
            assert_eq!(policies.locked, PolicyValues::default());
            assert!(
                why("managed").contains("not root"),
                "{:?}",
                policies.problems
            );
            return;
        }
        assert_eq!(
            policies.locked.history_limit,
            Some(200),
            "the later file wins"
        );
        assert_eq!(policies.locked.allow_bulk, Some(false));
        assert_eq!(
            policies.locked.allow_export, None,
            "only .json files are read"
        );
        assert_eq!(
            policies.locked.allow_links, None,
            "a file others can write is ignored"
        );
        assert!(why("40-open.json").contains("writable by others"));
        assert!(why("30-broken.json").contains("not a JSON object"));
        assert_eq!(policies.recommended.language.as_deref(), Some("es"));
        assert_eq!(policies.sources.len(), 3, "{:?}", policies.sources);

        // Not root's: ignored, and said why.
        chown(
            &root.join("etc/aelyst-desk/policies/managed/20-team.json"),
            65534,
        );
        let policies = read_under(root);
        assert_eq!(policies.locked.history_limit, Some(100));
        assert!(policies
            .problems
            .iter()
            .any(|p| p.source.ends_with("20-team.json") && p.why.contains("owned by user 65534")));

        // A folder others can write: nothing in it is read.
        std::fs::set_permissions(
            root.join("etc/aelyst-desk/policies/managed"),
            std::fs::Permissions::from_mode(0o777),
        )
        .unwrap();
        let policies = read_under(root);
        assert_eq!(policies.locked, PolicyValues::default());
        assert_eq!(policies.recommended.language.as_deref(), Some("es"));
    }
}

/// A profile's managed preferences, as an MDM installs them on a Mac (written here with the
/// same property-list format; the macOS build cannot be compiled on this machine).
#[cfg(all(test, unix))]
mod managed_preferences_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn write(path: &std::path::Path, dict: plist::Dictionary) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        plist::Value::Dictionary(dict).to_file_xml(path).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    #[test]
    fn the_machines_and_the_users_forced_preferences_are_locked() {
        let dir = crate::files::test_dir();
        let base = dir.path().join("Library/Managed Preferences");
        let mut machine = plist::Dictionary::new();
        machine.insert("AllowBulk".into(), plist::Value::Boolean(false));
        machine.insert("HistoryLimit".into(), plist::Value::Integer(500.into()));
        let mut workspace = plist::Dictionary::new();
        workspace.insert("Name".into(), plist::Value::String("Brand A".into()));
        workspace.insert("Locked".into(), plist::Value::Boolean(true));
        machine.insert(
            "Workspaces".into(),
            plist::Value::Array(vec![plist::Value::Dictionary(workspace)]),
        );
        write(&base.join("ai.aelyst.desk.plist"), machine);
        let mut user = plist::Dictionary::new();
        user.insert("HistoryLimit".into(), plist::Value::Integer(200.into()));
        user.insert("Language".into(), plist::Value::String("fr".into()));
        write(&base.join("zoe").join("ai.aelyst.desk.plist"), user);
        for folder in [base.clone(), base.join("zoe")] {
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        }

        let policies = managed_preferences::read(dir.path(), Some("zoe"));
        if unsafe { libc::geteuid() } != 0 {
            // A user's files are not root's: refused (CI runs this as root).
            assert_eq!(policies.locked, PolicyValues::default());
            return;
        }
        assert_eq!(policies.locked.allow_bulk, Some(false));
        assert_eq!(
            policies.locked.history_limit,
            Some(500),
            "the machine's over the user's"
        );
        assert!(policies.locked.workspaces.as_ref().unwrap()[0].locked);
        assert_eq!(
            policies.locked.language, None,
            "fr is not a language of the app"
        );
        assert!(policies.problems.iter().any(|p| p.key == "Language"));
        assert_eq!(policies.sources.len(), 2);
        // Another user's folder is not read, and a name cannot climb out of the folder.
        assert_eq!(
            managed_preferences::read(dir.path(), Some("ana"))
                .sources
                .len(),
            1
        );
        assert_eq!(
            managed_preferences::read(dir.path(), Some(".."))
                .sources
                .len(),
            1
        );
    }
}

/// Group Policy's values in the registry, as the template writes them (run under Wine by
/// scripts/test-windows.sh; on a real Windows machine HKLM would need an administrator).
#[cfg(all(test, windows))]
mod registry_tests {
    use windows_registry::{CURRENT_USER, LOCAL_MACHINE};

    use super::*;

    const KEY: &str = r"SOFTWARE\Policies\Aelyst\Desk";

    #[test]
    fn machine_and_user_keys_are_read_with_their_recommended_subkeys() {
        let _ = LOCAL_MACHINE.remove_tree(KEY);
        let _ = CURRENT_USER.remove_tree(KEY);
        let machine = LOCAL_MACHINE.create(KEY).unwrap();
        machine.set_u32("AllowBulk", 0).unwrap();
        machine.set_string("GlobalShortcut", "Ctrl+Alt+J").unwrap();
        machine
            .set_string("Workspaces", r#"[{"Name": "Brand A", "Locked": true}]"#)
            .unwrap();
        let user = CURRENT_USER.create(KEY).unwrap();
        user.set_string("GlobalShortcut", "Ctrl+Alt+K").unwrap();
        user.set_u32("AllowExport", 0).unwrap();
        user.set_u32("HistoryLimit", 3).unwrap();
        user.create("Recommended")
            .unwrap()
            .set_string("Language", "ms")
            .unwrap();

        let policies = windows::read();
        let _ = LOCAL_MACHINE.remove_tree(KEY);
        let _ = CURRENT_USER.remove_tree(KEY);

        assert_eq!(policies.locked.allow_bulk, Some(false));
        assert_eq!(policies.locked.allow_export, Some(false));
        assert_eq!(
            policies.locked.global_shortcut,
            Some(Some("Ctrl+Alt+J".into())),
            "the machine's over the user's"
        );
        assert!(policies.locked.workspaces.unwrap()[0].locked);
        assert_eq!(policies.recommended.language.as_deref(), Some("ms"));
        assert_eq!(policies.locked.history_limit, None, "3 is out of range");
        assert!(policies
            .problems
            .iter()
            .any(|p| p.key == "HistoryLimit" && p.source.starts_with("HKCU")));
        assert_eq!(
            policies.sources,
            [
                r"HKCU\SOFTWARE\Policies\Aelyst\Desk",
                r"HKCU\SOFTWARE\Policies\Aelyst\Desk\Recommended",
                r"HKLM\SOFTWARE\Policies\Aelyst\Desk",
            ]
        );
    }
}
