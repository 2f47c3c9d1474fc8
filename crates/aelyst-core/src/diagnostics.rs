//! The text "Copy diagnostics" gives the agent for a support request: plain facts, never the
//! token, a summary or who a contact is.

use std::path::Path;

use crate::outbox::{Counts, Pause};

/// What the shell knows when the agent asks.
pub struct Facts<'a> {
    pub api_base_url: &'a str,
    /// `Ok(saved?)`, or the error code when the keychain could not be read.
    pub token: Result<bool, crate::ErrorCode>,
    pub history: Counts,
    pub pause: Option<&'a Pause>,
    pub log_dir: &'a Path,
    /// How many workspaces the app has (the facts above are the shown one's).
    pub workspaces: usize,
    /// IT's policies: which sources were read, and what in them was not used.
    pub policies: &'a crate::policy::Policies,
}

pub fn text(facts: &Facts<'_>) -> String {
    let token = match facts.token {
        Ok(true) => "saved".to_owned(),
        Ok(false) => "not saved".to_owned(),
        Err(code) => format!("unavailable ({code})"),
    };
    let h = facts.history;
    let mut policies = match facts.policies.sources.as_slice() {
        [] => "Policies: none\n".to_owned(),
        sources => format!("Policies read: {}\n", sources.join(", ")),
    };
    for problem in &facts.policies.problems {
        let what = match problem.key.as_str() {
            "" => problem.source.clone(),
            key => format!("{} {key}", problem.source),
        };
        policies.push_str(&format!("Policy not used: {what}: {}\n", problem.why));
    }
    let text = format!(
        "Aelyst Desk {version}\nSystem: {os} {arch}\nWorkspaces: {workspaces}\n\
         API address: {api}\nToken: {token}\n\
         History: {pending} waiting, {done} done, {failed} failed, {cancelled} cancelled\n\
         Sending paused: {pause}\nLog folder: {logs}\n",
        version = crate::VERSION,
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        workspaces = facts.workspaces,
        api = facts.api_base_url,
        pending = h.pending,
        done = h.done,
        failed = h.failed,
        cancelled = h.cancelled,
        pause = facts.pause.map_or("no", Pause::kind),
        logs = facts.log_dir.display(),
    );
    text + &policies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_the_facts_and_nothing_else() {
        let text = text(&Facts {
            api_base_url: "https://api.aelyst.ai/v1",
            token: Err(crate::ErrorCode::KeychainLocked),
            history: Counts {
                pending: 1,
                done: 2,
                failed: 3,
                cancelled: 4,
            },
            pause: Some(&Pause::NoToken),
            log_dir: Path::new("/logs"),
            workspaces: 2,
            policies: &crate::policy::Policies {
                sources: vec!["/etc/aelyst-desk/policies/managed/10-team.json".into()],
                problems: vec![crate::policy::Problem {
                    source: "/etc/aelyst-desk/policies/managed/10-team.json".into(),
                    key: "AllowBulk".into(),
                    why: "must be true or false".into(),
                }],
                ..Default::default()
            },
        });
        assert!(text.contains("Workspaces: 2\nAPI address: https://api.aelyst.ai/v1"));
        assert!(text.contains("Token: unavailable (keychain_locked)"));
        assert!(text.contains("History: 1 waiting, 2 done, 3 failed, 4 cancelled"));
        assert!(text.contains("Sending paused: no token"));
        assert!(text.contains("Log folder: /logs"));
        assert!(text.contains("Policies read: /etc/aelyst-desk/policies/managed/10-team.json\n"));
        assert!(text.contains(
            "Policy not used: /etc/aelyst-desk/policies/managed/10-team.json AllowBulk: must be true or false\n"
        ));
    }
}
