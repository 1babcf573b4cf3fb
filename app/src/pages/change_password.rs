use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::{
    api::{password_form_context, ChangePassword},
    components::{
        field_error, focus_when_shown, last_error, CurrentPasswordField, ErrorSummary, NewPasswordFields, SubmitButton,
    },
    page_title,
};

/// The confirmation's id, to focus it.
const CHANGED_ID: &str = "password-changed";

/// Current password, new password twice, "Save Changes"; a green confirmation on success.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let form_context = Resource::new(|| (), |_| password_form_context());
    let error = last_error(change);
    // Saved here, with JavaScript: counts every successful save (the banner and the emptied form).
    let saves =
        Memo::new(move |_| if matches!(change.value().get(), Some(Ok(()))) { change.version().get() } else { 0 });
    let top: NodeRef<html::Div> = NodeRef::new();
    let form: NodeRef<html::Form> = NodeRef::new();
    // Every successful save (not only the first): the banner into view and focused (the button
    // pressed is far below it), the form emptied.
    Effect::watch(
        move || saves.get(),
        move |saved, _, _| {
            if *saved == 0 {
                return;
            }
            if let Some(top) = top.get() {
                top.scroll_into_view();
            }
            focus_when_shown(CHANGED_ID);
            // Nothing of the old or new password stays on the page.
            if let Some(form) = form.get() {
                form.reset();
            }
        },
        false,
    );

    view! {
        <Title text=page_title("Change Password")/>
        <main id="main" tabindex="-1" class="page">
            // A live region from page load, so that the confirmation is announced when it appears.
            <div node_ref=top class="banner-region" role="status">
                // The context is read here, inside the Suspense: the server rendered it, and the
                // page hydrates it, only once it has arrived.
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        // Or just saved without JavaScript: the server says so once.
                        let just_changed = form_context.await.is_ok_and(|c| c.just_changed);
                        let succeeded = move || change.value().with(|v| v.as_ref().map_or(just_changed, Result::is_ok));
                        view! {
                            <Show when=succeeded>
                                // Without JavaScript the page arrives with it: focused on load.
                                <div id=CHANGED_ID class="alert alert-success" tabindex="-1" autofocus=true>
                                    "Your password has been changed."
                                </div>
                            </Show>
                        }
                    })}
                </Suspense>
            </div>
            <h1>"Change Password"</h1>
            <p class="muted">"After you save, every other device signed in to your account is signed out."</p>
            <ErrorSummary error=error attempts=change.version()/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match form_context.await {
                        Ok(context) => view! {
                            <ActionForm action=change node_ref=form attr:novalidate=true attr:class="stack card">
                                <CurrentPasswordField error=field_error(error, "current_password")/>
                                <NewPasswordFields
                                    context=context.fields
                                    new_error=field_error(error, "new_password")
                                    confirm_error=field_error(error, "confirm_password")
                                    clear=saves
                                />
                                <div class="form-actions">
                                    <SubmitButton pending=change.pending()>"Save Changes"</SubmitButton>
                                    <a href="/account">"Cancel"</a>
                                </div>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
