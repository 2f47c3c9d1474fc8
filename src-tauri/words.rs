//! The few sentences the shell itself says (the tray, its dialogs), with counts in words.

/// "1 action", "3 actions": a count with the right form of its noun.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_everything_else_plural() {
        assert_eq!(super::plural(1, "action", "actions"), "1 action");
        assert_eq!(super::plural(0, "action", "actions"), "0 actions");
        assert_eq!(
            super::plural(3, "action is", "actions are"),
            "3 actions are"
        );
    }
}
