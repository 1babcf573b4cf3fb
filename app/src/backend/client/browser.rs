//! How a browser reads in the session list and in mail.

/// "Chrome 120 on Linux", or the raw agent's first words when it is not a known browser.
pub fn browser(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(ua) if ua.name != "UNKNOWN" => {
            let major = ua.version.split('.').next().unwrap_or_default();
            let os = if ua.os == "UNKNOWN" { String::new() } else { format!(" on {}", ua.os) };
            format!("{} {}{}", ua.name, major, os).replace("  ", " ")
        }
        _ if user_agent.trim().is_empty() => "Unknown browser".into(),
        _ => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_in_words() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(browser(chrome), "Chrome 120 on Linux");
        assert_eq!(browser(""), "Unknown browser");
        assert!(browser("curl/8.5.0").contains("curl"));
        assert_eq!(browser("SomeTool"), "SomeTool");
    }
}
