use leptos::prelude::*;
use leptos_meta::Title;

use super::percent_encode;
use crate::{api::fresh_recovery_codes, page_title, routes};

/// The recovery codes just made, shown once, to copy, download or write down.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| fresh_recovery_codes());
    view! {
        <Title text=page_title("Your recovery codes")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Your recovery codes"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(Some(codes)) => view! {
                            <div class="alert alert-success" role="status">"Two-factor authentication is on."</div>
                            <section class="card stack" aria-labelledby="codes-heading">
                                <h2 id="codes-heading">"Keep these codes somewhere safe"</h2>
                                <p>"If you lose your phone, each of these codes lets you log in once instead of a \
                                    code from your app. They are shown only now."</p>
                                <RecoveryCodeList codes/>
                                <p><a href=routes::SECURITY class="button button-primary">"Done"</a></p>
                            </section>
                        }.into_any(),
                        Ok(None) => view! {
                            <p>"Recovery codes are shown only once, right after they are made. To get new ones, \
                                use \u{201c}New recovery codes\u{201d} in Security Settings."</p>
                            <p><a href=routes::SECURITY>"Back to Security Settings"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn RecoveryCodeList(codes: Vec<String>) -> impl IntoView {
    let text = format!("{}\n", codes.join("\n"));
    let download = format!("data:text/plain;charset=utf-8,{}", percent_encode(&text));
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copy = {
        let text = text.clone();
        move |_| {
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <ol class="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ol>
        <div class="button-row">
            <Show when=move || hydrated.get()>
                <button type="button" class="button button-quiet" on:click=copy.clone()>"Copy"</button>
            </Show>
            <a class="button button-quiet" href=download.clone() download="recovery-codes.txt">"Download"</a>
            <span role="status" class="muted">{move || copied.get().then_some("Copied")}</span>
        </div>
    }
}
