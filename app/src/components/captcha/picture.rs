//! The captcha for browsers without JavaScript: a picture of five characters (coloured for the
//! page's light or dark mode), a link to hear them, a link to another picture, and a field to
//! type them into.

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
    let dark = format!("{picture}&scheme=dark");
    let audio = format!("/captcha/audio?c={}", challenge.picture);
    let token = challenge.picture.clone();
    view! {
        <div class="captcha-picture">
            <picture>
                <source srcset=dark media="(prefers-color-scheme: dark)"/>
                <img src=picture width="220" height="100" alt="Five distorted letters and digits. Use the link to hear them."/>
            </picture>
            <p class="captcha-links">
                <a href=audio>"Listen to the characters"</a>
                <a href=this_page_again()>"Show another picture"</a>
            </p>
            <input type="hidden" name=PICTURE_FIELD value=token/>
            <div class="field">
                <label for="captcha-answer">"Type the characters in the picture"</label>
                <p class="captcha-hint muted" id="captcha-answer-hint">"Letters are not case-sensitive"</p>
                <input
                    id="captcha-answer"
                    name=PICTURE_ANSWER_FIELD
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-describedby="captcha-answer-hint captcha-error"
                />
            </div>
        </div>
    }
    .to_html()
}

/// "Show another picture": this page again, which comes with a fresh challenge (and still
/// goes where the login was going). A plain link, not a second submit button: the form's
/// first submit button is the one Enter presses, and this one would come before "Login". The
/// password is never kept, so posting the form would save retyping only the email address.
/// The challenge shown before stays as it was: nothing is stored until one is answered, and
/// each is still accepted once and only until it expires.
#[cfg(feature = "ssr")]
fn this_page_again() -> String {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    match location.query.get_untracked().get("next").filter(|next| !next.is_empty()) {
        Some(next) => format!(
            "{path}?{}",
            url::form_urlencoded::Serializer::new(String::new()).append_pair("next", &next).finish()
        ),
        None => path,
    }
}
