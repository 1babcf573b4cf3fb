//! What the page asks the strength worker and what it answers: JSON strings through
//! `postMessage` (`/js/strength-worker.js` loads this crate's WASM module and calls
//! [`answer_json`]). Replies carry the question's `id`, so the page can drop stale ones.

use serde::{Deserialize, Serialize};

use crate::{
    generator::GeneratorOptions,
    policy::{PasswordPolicy, StrengthReport},
};

/// Holds a password, so it has no `Debug`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Question {
    /// Check a password as typed (the worker normalises it as the server does).
    Assess { id: u64, password: String, policy: PasswordPolicy, context_words: Vec<String> },
    /// Suggest a password that the policy accepts.
    Generate { id: u64, options: GeneratorOptions, policy: PasswordPolicy },
}

/// Holds a password, so it has no `Debug`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Assessed { id: u64, report: StrengthReport },
    Generated { id: u64, password: String },
}

impl Answer {
    pub fn id(&self) -> u64 {
        match self {
            Self::Assessed { id, .. } | Self::Generated { id, .. } => *id,
        }
    }
}

/// The worker's work: the same [`crate::policy::assess`] and [`crate::generator::generate`]
/// the server runs.
#[cfg(feature = "assess")]
pub fn answer(question: Question) -> Answer {
    match question {
        Question::Assess { id, password, policy, context_words } => {
            let password = nfkc(&password);
            Answer::Assessed { id, report: crate::policy::assess(&password, &policy, &context_words) }
        }
        Question::Generate { id, options, policy } => {
            Answer::Generated { id, password: crate::generator::generate(options, &policy) }
        }
    }
}

/// NFKC, as the server's `Password` type has it before checking. In the browser, its own
/// `String.prototype.normalize` (the same Unicode algorithm), so that the worker carries no
/// normalisation tables (about 50 KB brotli).
#[cfg(feature = "assess")]
pub fn nfkc(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(text).normalize("NFKC").into();
    #[cfg(not(target_arch = "wasm32"))]
    return unicode_normalization::UnicodeNormalization::nfkc(text).collect();
}

/// One question in JSON, its answer in JSON; the worker's only entry point.
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = answer)]
pub fn answer_json(question: &str) -> Result<String, String> {
    let question: Question = serde_json::from_str(question).map_err(|e| e.to_string())?;
    serde_json::to_string(&answer(question)).map_err(|e| e.to_string())
}

#[cfg(all(test, feature = "assess"))]
mod tests {
    use super::*;

    #[test]
    fn a_question_about_a_weak_password_is_answered_with_its_report() {
        let question = r#"{"ask":"assess","id":7,"password":"password","context_words":[],
            "policy":{"min_length":12,"require_upper":true,"require_lower":true,"require_digit":false,
            "require_symbol":true,"reject_dictionary_words":true,"min_score":3}}"#;
        let Answer::Assessed { id, report } = answer(serde_json::from_str(question).unwrap()) else {
            panic!("asked to assess, answered something else")
        };
        assert_eq!(id, 7);
        assert!(!report.is_acceptable());
        assert_eq!(report.dictionary_words, ["password"]);
    }

    #[test]
    fn a_password_is_checked_as_the_server_checks_it_after_normalising() {
        // Full-width letters: NFKC makes them "password", as the server's `Password` does.
        let question = Question::Assess {
            id: 1,
            password: "\u{ff30}\u{ff41}\u{ff53}\u{ff53}\u{ff57}\u{ff4f}\u{ff52}\u{ff44}".to_owned(),
            policy: PasswordPolicy::default(),
            context_words: Vec::new(),
        };
        let Answer::Assessed { report, .. } = answer(question) else { panic!("asked to assess") };
        assert_eq!(report.dictionary_words, ["password"]);
    }

    #[test]
    fn a_suggestion_meets_the_policy_it_was_asked_for() {
        let policy = PasswordPolicy::default();
        let question =
            Question::Generate { id: 3, options: GeneratorOptions::for_policy(&policy), policy: policy.clone() };
        let json =
            serde_json::to_string(&answer(serde_json::from_str(&serde_json::to_string(&question).unwrap()).unwrap()));
        let Answer::Generated { id, password } = serde_json::from_str(&json.unwrap()).unwrap() else {
            panic!("asked to generate, answered something else")
        };
        assert_eq!(id, 3);
        assert!(crate::policy::assess(&password, &policy, &[]).is_acceptable(), "{password}");
    }
}
