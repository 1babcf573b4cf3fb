//! The captcha for browsers without JavaScript: a picture of five characters, a link to hear
//! them, and a field to type them into.

#[cfg(feature = "ssr")]
use leptos::prelude::*;

use crate::captcha::CaptchaChallenge;
#[cfg(feature = "ssr")]
use crate::captcha::{PICTURE_ANSWER_FIELD, PICTURE_FIELD};

/// The fallback as HTML, for a `<noscript>`: a browser with JavaScript reads a `<noscript>`'s
/// content as text, so it is drawn on the server and handed over whole rather than hydrated.
/// The page, once interactive, never shows it.
#[cfg(not(feature = "ssr"))]
pub(super) fn picture_fallback(_: &CaptchaChallenge) -> String {
    String::new()
}

#[cfg(feature = "ssr")]
pub(super) fn picture_fallback(challenge: &CaptchaChallenge) -> String {
    let picture = format!("/captcha/picture?c={}", challenge.picture);
    let audio = format!("/captcha/audio?c={}", challenge.picture);
    let token = challenge.picture.clone();
    view! {
        <div class="captcha-picture">
            <img src=picture width="220" height="100" alt="Five distorted letters and digits. Use the link to hear them."/>
            <a href=audio>"Listen to the characters"</a>
            <input type="hidden" name=PICTURE_FIELD value=token/>
            <div class="field">
                <label for="captcha-answer">"Type the characters in the picture"</label>
                <input
                    id="captcha-answer"
                    name=PICTURE_ANSWER_FIELD
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-describedby="captcha-error"
                />
            </div>
        </div>
    }
    .to_html()
}
