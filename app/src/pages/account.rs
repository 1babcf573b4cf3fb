use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use crate::{
    api::{account_overview, AccountSummary, SessionView, SignOutOtherSessions, SignOutSession, SignedOut},
    components::{FormAlert, LocalTime, NavBar},
    error::AppError,
    page_title,
};

/// Signed-in pages: the navigation bar above whatever page is open.
#[component]
pub fn AccountLayout() -> impl IntoView {
    // The server already sent visitors without a session to /login; this only names the account.
    let account = Resource::new(|| (), |_| account_overview());
    view! {
        <Suspense fallback=|| view! { <header class="topbar"></header> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(overview) => view! { <NavBar email=overview.email/> }.into_any(),
                    Err(_) => view! { <header class="topbar"></header> }.into_any(),
                }
            })}
        </Suspense>
        <Outlet/>
    }
}

/// The account page: who is signed in and where.
#[component]
pub fn AccountPage() -> impl IntoView {
    let sign_out_one = ServerAction::<SignOutSession>::new();
    let sign_out_others = ServerAction::<SignOutOtherSessions>::new();
    let overview =
        Resource::new(move || (sign_out_one.version().get(), sign_out_others.version().get()), |_| account_overview());
    // The browser of the session whose "Sign out" was pressed last, for the confirmation.
    let asked = RwSignal::new(String::new());
    // The answer to the last sign-out, of one session or of all the others.
    let answer = RwSignal::new(None::<Result<String, String>>);
    Effect::watch(
        move || sign_out_one.value().get(),
        move |value, _, _| {
            if let Some(value) = value {
                let done = value.clone().map(|()| format!("Signed out the session on {}.", asked.get_untracked()));
                answer.set(Some(done.map_err(|e| e.to_string())));
            }
        },
        false,
    );
    Effect::watch(
        move || sign_out_others.value().get(),
        move |value, _, _| {
            if let Some(value) = value {
                answer.set(Some(value.clone().map(others_signed_out).map_err(|e| e.to_string())));
            }
        },
        false,
    );

    view! {
        <Title text=page_title("Your account")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Your account"</h1>
            <FormAlert answer/>
            <Transition fallback=|| view! { <p>"Loading your sessions…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => sessions_section(overview, sign_out_one, sign_out_others, asked).into_any(),
                        Err(AppError::Unauthenticated) => view! {
                            <p class="alert alert-error" role="alert">
                                "Your session has ended. " <a href="/login?next=%2Faccount">"Log in again"</a>
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// What "Sign out of all other sessions" says it did (here and after turning two-factor on).
pub(crate) fn others_signed_out(ended: u64) -> String {
    match ended {
        0 => "No other session was signed in.".to_owned(),
        1 => "1 other session was signed out.".to_owned(),
        n => format!("{n} other sessions were signed out."),
    }
}

fn sessions_section(
    overview: AccountSummary,
    sign_out_one: ServerAction<SignOutSession>,
    sign_out_others: ServerAction<SignOutOtherSessions>,
    asked: RwSignal<String>,
) -> impl IntoView {
    let has_others = overview.sessions.iter().any(|s| !s.current);
    let count = overview.sessions.len();
    // Without JavaScript a sign-out comes back as a new page: it says what it did, and the
    // page arrives with focus there (never on the next row's "Sign out").
    let signed_out = overview.signed_out.map(|signed_out| match signed_out {
        SignedOut::One => "The session was signed out.".to_owned(),
        SignedOut::Others(ended) => others_signed_out(ended),
    });
    view! {
        {signed_out.map(|text| view! {
            <div class="banner-region" role="status">
                <p id="signed-out" class="alert alert-success" tabindex="-1" autofocus=true>{text}</p>
            </div>
        })}
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Your sessions"</h2>
            <p class="muted">
                {format!("You have {count} active {}.", if count == 1 { "session" } else { "sessions" })}
                " If you don't recognize one, sign it out and change your password."
            </p>
            <ul role="list" class="session-list">
                {overview.sessions.into_iter().map(|s| session_item(s, sign_out_one, asked)).collect_view()}
            </ul>
            <Show when=move || has_others>
                <ActionForm action=sign_out_others attr:class="inline-form">
                    <button type="submit" class="button button-danger">"Sign out of all other sessions"</button>
                </ActionForm>
            </Show>
        </section>
    }
}

/// One session; `asked` learns its browser when its "Sign out" is pressed.
fn session_item(
    session: SessionView,
    sign_out_one: ServerAction<SignOutSession>,
    asked: RwSignal<String>,
) -> impl IntoView {
    let SessionView { id, browser, ip, created, last_seen, current } = session;
    let hidden_name = format!(" of {browser} ({ip})");
    let pressed = {
        let browser = browser.clone();
        move |_| asked.set(browser.clone())
    };
    view! {
        <li class="session" class:session-current=current>
            <div class="session-what">
                <span class="session-browser">{browser}</span>
                <span class="session-address muted">{format!("from {ip}")}</span>
                {current.then(|| view! { <span class="badge">"This session"</span> })}
            </div>
            // A line for each moment, the time last: the viewer's zone, when the page's code
            // shows it, moves nothing (components/local_time.rs).
            <div class="session-when muted">
                <LocalTime label="Signed in" moment=created/>
                <LocalTime label="Last active" moment=last_seen/>
            </div>
            {(!current).then(|| view! {
                <ActionForm action=sign_out_one attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button button-quiet" on:click=pressed.clone()>
                        "Sign out"<span class="visually-hidden">{hidden_name.clone()}</span>
                    </button>
                </ActionForm>
            })}
        </li>
    }
}
