use leptos::prelude::*;
use leptos_meta::Title;

use super::percent_encode;
use crate::{
    api::{recovery_codes_view, CodeSheet, FreshCodes, FreshRecoveryCodes, SignOutOtherSessions},
    brand::Brand,
    components::FormAlert,
    page_title,
    pages::account::others_signed_out,
    routes,
};

/// The recovery codes just made, shown once, to copy, download or write down; then the offer to
/// sign out every other session. A visit by a link shows a button first: only a same-origin POST
/// reveals (and uses up) the codes, so a navigation from another site cannot.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let view_state = Resource::new(|| (), |_| recovery_codes_view());
    let reveal = ServerAction::<FreshRecoveryCodes>::new();
    let sign_out_others = ServerAction::<SignOutOtherSessions>::new();
    view! {
        <Title text=page_title("Your recovery codes")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Your recovery codes"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let revealed = move || reveal.value().get().and_then(Result::ok).flatten();
                    match view_state.await {
                        Ok(FreshCodes::Shown(sheet)) => codes_shown(sheet, sign_out_others).into_any(),
                        Ok(FreshCodes::Waiting) => view! {
                            <Show
                                when=move || revealed().is_some()
                                fallback=move || view! {
                                    <div class="alert alert-success" role="status">"Two-factor authentication is on."</div>
                                    <section class="card stack" aria-labelledby="codes-heading">
                                        <h2 id="codes-heading">"Your recovery codes are ready"</h2>
                                        <p>"They are shown once. Have somewhere safe to keep them, then show them."</p>
                                        <ActionForm action=reveal>
                                            <button type="submit" class="button button-primary">"Show my recovery codes"</button>
                                        </ActionForm>
                                    </section>
                                }
                            >
                                {move || revealed().map(|sheet| codes_shown(sheet, sign_out_others))}
                            </Show>
                        }.into_any(),
                        Ok(FreshCodes::Gone) => view! {
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

/// The codes, and (ASVS 7.4.3) the offer to end every other session now that two-factor is on.
fn codes_shown(sheet: CodeSheet, sign_out_others: ServerAction<SignOutOtherSessions>) -> impl IntoView {
    let answer = Signal::derive(move || {
        sign_out_others.value().get().map(|answer| answer.map(others_signed_out).map_err(|e| e.to_string()))
    });
    view! {
        <div class="alert alert-success" role="status">"Two-factor authentication is on."</div>
        <section class="card stack" aria-labelledby="codes-heading">
            <h2 id="codes-heading">"Keep these codes somewhere safe"</h2>
            <p>"If you lose your phone, each of these codes lets you log in once instead of a \
                code from your app. They are shown only now."</p>
            <RecoveryCodeList sheet/>
        </section>
        <section class="card stack" aria-labelledby="others-heading">
            <h2 id="others-heading">"Signed in somewhere else?"</h2>
            <p>"Browsers that were signed in before stay signed in. If someone else might know your \
                password, sign them out: they will need a code to come back."</p>
            <FormAlert answer/>
            <ActionForm action=sign_out_others attr:class="inline-form">
                <button type="submit" class="button button-danger">"Sign out of all other sessions"</button>
            </ActionForm>
            <p><a href=routes::SECURITY class="button button-primary">"Done"</a></p>
        </section>
    }
}

#[component]
fn RecoveryCodeList(sheet: CodeSheet) -> impl IntoView {
    let text = sheet_file(&sheet, &Brand::current().name);
    let codes = sheet.codes;
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

/// recovery-codes.txt: what the codes are for (the site, the account, the day), so that whoever
/// finds the file later knows, then the codes, one a line.
fn sheet_file(sheet: &CodeSheet, site: &str) -> String {
    let mut text = format!(
        "Recovery codes for {account} on {site}\n\
         Made {when}. Each code logs in once, in place of a code from your authenticator app.\n\
         Keep this file somewhere safe.\n\n",
        account = sheet.account,
        when = sheet.shown.utc,
    );
    for code in &sheet.codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Moment;

    #[test]
    fn the_file_names_the_site_the_account_and_the_day_then_lists_the_codes() {
        let sheet = CodeSheet {
            codes: vec!["AAAA-BBBB-CCCC-DDDD".into(), "EEEE-FFFF-GGGG-HHHH".into()],
            account: "ann@example.com".into(),
            shown: Moment { unix: 0, utc: "2026-11-30 07:12 UTC".into(), iso: "2026-11-30T07:12:00Z".into() },
        };
        let file = sheet_file(&sheet, "Example Hosting");
        let lines: Vec<&str> = file.lines().collect();
        assert_eq!(lines[0], "Recovery codes for ann@example.com on Example Hosting");
        assert!(lines[1].starts_with("Made 2026-11-30 07:12 UTC. "), "{file}");
        assert_eq!(&lines[lines.len() - 2..], ["AAAA-BBBB-CCCC-DDDD", "EEEE-FFFF-GGGG-HHHH"]);
        assert!(file.ends_with('\n'));
    }
}
