use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use crate::{
    api::{account_overview, AccountSummary, SessionView, SignOutOtherSessions, SignOutSession},
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
    let action_error = Signal::derive(move || {
        let one = sign_out_one.value().get().and_then(Result::err);
        let all = sign_out_others.value().get().and_then(Result::err);
        one.or(all).map(|e| e.to_string())
    });

    view! {
        <Title text=page_title("Your account")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Your account"</h1>
            <FormAlert message=action_error/>
            <Transition fallback=|| view! { <p>"Loading your sessions…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => sessions_section(overview, sign_out_one, sign_out_others).into_any(),
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

fn sessions_section(
    overview: AccountSummary,
    sign_out_one: ServerAction<SignOutSession>,
    sign_out_others: ServerAction<SignOutOtherSessions>,
) -> impl IntoView {
    let has_others = overview.sessions.iter().any(|s| !s.current);
    let count = overview.sessions.len();
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Your sessions"</h2>
            <p class="muted">
                {format!("You have {count} active {}.", if count == 1 { "session" } else { "sessions" })}
                " If you don't recognise one, sign it out and change your password."
            </p>
            <ul role="list" class="session-list">
                {overview.sessions.into_iter().map(|s| session_item(s, sign_out_one)).collect_view()}
            </ul>
            <Show when=move || has_others>
                <ActionForm action=sign_out_others attr:class="inline-form">
                    <button type="submit" class="button button-danger">"Sign out of all other sessions"</button>
                </ActionForm>
            </Show>
        </section>
    }
}

fn session_item(session: SessionView, sign_out_one: ServerAction<SignOutSession>) -> impl IntoView {
    let SessionView { id, browser, ip, created, last_seen, current } = session;
    let hidden_name = format!(" of {browser} ({ip})");
    view! {
        <li class="session" class:session-current=current>
            <div class="session-what">
                <span class="session-browser">{browser}</span>
                {current.then(|| view! { <span class="badge">"This session"</span> })}
            </div>
            <div class="session-when muted">
                "Signed in " <LocalTime moment=created/> " · last active " <LocalTime moment=last_seen/>
                {format!(" · from {ip}")}
            </div>
            {(!current).then(|| view! {
                <ActionForm action=sign_out_one attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button button-quiet">
                        "Sign out"<span class="visually-hidden">{hidden_name.clone()}</span>
                    </button>
                </ActionForm>
            })}
        </li>
    }
}
