//! The login page's module. The page is the server's HTML form, which works as a plain post;
//! this module solves its captcha while the person types, shows how far it is, and holds a
//! submission until the answer is in the form (including one the page's inline gate held
//! before the module arrived). Refusals come back as the server's page, as without JavaScript.

use std::{cell::Cell, rc::Rc};

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlFormElement, HtmlInputElement};

use crate::{
    solve::solve_in_browser,
    status::{
        Challenge, Progress, CHALLENGE_ATTRIBUTE, EXPIRES_ATTRIBUTE, HELD_ATTRIBUTE, INTERACTIVE_ATTRIBUTE,
        NEW_CHALLENGE_URL, RENEW_BEFORE_EXPIRY_S, STATUS_CLASS, TEXT_CLASS,
    },
};

/// Takes over the login form's captcha, then marks the page interactive.
#[wasm_bindgen]
pub fn enhance() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    if let Some((captcha, challenge)) = Captcha::find(&document) {
        let captcha = Rc::new(captcha);
        captcha.listen();
        captcha.start(challenge);
    }
    focus_in_page_link_targets(&document);
    carry_email_to_forgot(&document);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute(INTERACTIVE_ATTRIBUTE, "true");
    }
}

/// A link to a place on the page (the skip link, the error summary's links to its fields)
/// moves keyboard focus there, not only the view, as the app's pages do.
fn focus_in_page_link_targets(document: &Document) {
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|event: web_sys::MouseEvent| {
        let link = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("a[href^='#']").ok()?);
        let target = link
            .and_then(|link| link.get_attribute("href"))
            .and_then(|href| web_sys::window()?.document()?.get_element_by_id(href.trim_start_matches('#')))
            .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            event.prevent_default();
            target.scroll_into_view();
            let _ = target.focus();
        }
    });
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// Following the "Forgot?" link carries the address typed so far (`carried_email`).
fn carry_email_to_forgot(document: &Document) {
    let selector = format!("a[{}]", crate::carried_email::LINK_ATTRIBUTE);
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        let link = event.target().and_then(|target| target.dyn_into::<Element>().ok()?.closest(&selector).ok()?);
        if link.is_some() {
            crate::carried_email::keep_from_field();
        }
    });
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// A form's proof-of-work captcha, as the server drew it, and how far the page is with it.
struct Captcha {
    form: HtmlFormElement,
    /// The hidden field the answer goes into.
    answer: HtmlInputElement,
    status: Element,
    text: Element,
    button: Option<Element>,
    progress: Cell<Progress>,
    /// Submit was pressed before the work was done: send as soon as it is.
    waiting: Cell<bool>,
    /// The form is on its way; a repeat press is ignored.
    sent: Cell<bool>,
    /// Counts challenges: a solver or a renewal for an older one stops.
    run: Cell<u64>,
}

impl Captcha {
    fn find(document: &Document) -> Option<(Self, Challenge)> {
        let element = document.query_selector(&format!("[{CHALLENGE_ATTRIBUTE}]")).ok()??;
        let challenge = Challenge {
            proof_of_work: element.get_attribute(CHALLENGE_ATTRIBUTE)?,
            expires_at: element.get_attribute(EXPIRES_ATTRIBUTE)?.parse().ok()?,
        };
        let form = element.closest("form").ok()??.dyn_into::<HtmlFormElement>().ok()?;
        let answer = element.query_selector("input[type=hidden]").ok()??.dyn_into::<HtmlInputElement>().ok()?;
        let status = element.query_selector(&format!(".{STATUS_CLASS}")).ok()??;
        let text = status.query_selector(&format!(".{TEXT_CLASS}")).ok()??;
        let button = form.query_selector("[type=submit]").ok().flatten();
        // The page's inline gate held a submission before this module ran: send it when solved.
        let waiting = Cell::new(form.has_attribute(HELD_ATTRIBUTE));
        let captcha = Self {
            form,
            answer,
            status,
            text,
            button,
            progress: Cell::new(Progress::Working),
            waiting,
            sent: Cell::new(false),
            run: Cell::new(0),
        };
        Some((captcha, challenge))
    }

    /// Holds the form's submission until the answer is in; lets a page restored from the
    /// back/forward cache start over with a fresh challenge (its answer was spent).
    fn listen(self: &Rc<Self>) {
        let captcha = Rc::clone(self);
        let on_submit = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            if captcha.sent.get() {
                event.prevent_default();
            } else if captcha.progress.get() == Progress::Working {
                event.prevent_default();
                captcha.waiting.set(true);
                captcha.show();
            } else {
                // Verified, or the work could not run: the server says what is wrong, if anything.
                captcha.sent.set(true);
                if let Some(button) = &captcha.button {
                    let _ = button.set_attribute("aria-disabled", "true");
                }
            }
        });
        let _ = self.form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();

        let captcha = Rc::clone(self);
        let on_show =
            Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(move |event: web_sys::PageTransitionEvent| {
                if event.persisted() && captcha.sent.replace(false) {
                    if let Some(button) = &captcha.button {
                        let _ = button.remove_attribute("aria-disabled");
                    }
                    captcha.renew(captcha.run.get());
                }
            });
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
        }
        on_show.forget();
    }

    /// Solves `challenge` in short slices between which the browser draws and handles input.
    fn start(self: &Rc<Self>, challenge: Challenge) {
        let run = self.run.get() + 1;
        self.run.set(run);
        self.answer.set_value("");
        self.set_progress(Progress::Working);
        let captcha = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            match solve_in_browser(&challenge.proof_of_work, || captcha.run.get() == run).await {
                Ok(Some(answer)) => {
                    captcha.answer.set_value(&answer);
                    captcha.solved();
                    captcha.renew_before_expiry(challenge.expires_at, run);
                }
                Ok(None) => {}
                Err(_) => captcha.set_progress(Progress::Failed),
            }
        });
    }

    fn solved(&self) {
        let send = self.waiting.replace(false);
        self.set_progress(Progress::Verified);
        if send {
            let _ = self.form.request_submit();
        }
    }

    fn set_progress(&self, progress: Progress) {
        self.progress.set(progress);
        self.show();
    }

    /// The status line, and the submit button's `aria-busy` while a submission waits.
    fn show(&self) {
        let progress = self.progress.get();
        let waiting = self.waiting.get();
        let _ = self.status.set_attribute("data-state", progress.state());
        self.text.set_text_content(Some(progress.text(waiting)));
        if let Some(button) = &self.button {
            let _ = match waiting {
                true => button.set_attribute("aria-busy", "true"),
                false => button.remove_attribute("aria-busy"),
            };
        }
    }

    /// Fetches a fresh challenge shortly before this one expires, so a slow typist is not refused.
    fn renew_before_expiry(self: &Rc<Self>, expires_at: i64, run: u64) {
        let left = (expires_at as f64 - js_sys::Date::now() / 1000.0 - RENEW_BEFORE_EXPIRY_S).max(5.0);
        let captcha = Rc::clone(self);
        let renew = Closure::once_into_js(move || {
            // Still this challenge's answer in the form, unsent: it would expire unused.
            if captcha.run.get() == run && !captcha.sent.get() {
                captcha.renew(run);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(renew.unchecked_ref(), (left * 1000.0) as i32);
        }
    }

    /// Replaces the challenge of `run` with a fresh one from the server. If none comes (the
    /// line is down), the form keeps the one it has: the server says so if it has expired.
    fn renew(self: &Rc<Self>, run: u64) {
        let captcha = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(challenge) = fresh_challenge().await {
                if captcha.run.get() == run {
                    captcha.start(challenge);
                }
            }
        });
    }
}

/// Asks the server function for a new challenge.
async fn fresh_challenge() -> Option<Challenge> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().ok()?;
    headers.set("Accept", "application/json").ok()?;
    headers.set("Content-Type", "application/x-www-form-urlencoded").ok()?;
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(NEW_CHALLENGE_URL, &init)).await.ok()?;
    let response = response.dyn_into::<web_sys::Response>().ok()?;
    if !response.ok() {
        return None;
    }
    let body = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    Challenge::from_answer(&body)
}
