//! A third party's captcha widget (Turnstile, hCaptcha).

use leptos::prelude::*;

use crate::captcha::{Provider, PROOF_FIELD, PROVIDER_ACTION};

/// A third party's widget. Its script calls `portalCaptchaSolved(token)` (from
/// `/js/captcha-provider.js`, on our own origin), which puts the token into the `captcha` field.
#[component]
pub(super) fn ProviderWidget(
    provider: Provider,
    site_key: String,
    described_by: impl Fn() -> Option<&'static str> + Send + Sync + 'static,
) -> impl IntoView {
    let glue = crate::assets::AssetUrls::current().captcha_provider;
    view! {
        <div id="captcha" tabindex="-1" class="captcha" role="group" aria-label="Human check" aria-describedby=described_by>
            <input type="hidden" name=PROOF_FIELD/>
            <div
                class=provider.widget_class()
                data-sitekey=site_key
                data-callback="portalCaptchaSolved"
                data-action=PROVIDER_ACTION
                data-expired-callback="portalCaptchaExpired"
            ></div>
            <script src=glue></script>
            <script src=provider.script_url() async defer></script>
        </div>
    }
}

/// A sent token is spent: the widget must be completed again.
pub(super) fn reset_provider_widget() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let reset = web_sys::window()
            .and_then(|window| js_sys::Reflect::get(&window, &"portalCaptchaReset".into()).ok())
            .and_then(|reset| reset.dyn_into::<js_sys::Function>().ok());
        if let Some(reset) = reset {
            let _ = reset.call0(&wasm_bindgen::JsValue::NULL);
        }
    }
}
