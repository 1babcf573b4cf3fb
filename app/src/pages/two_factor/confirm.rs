//! The form that confirms a change to two-factor authentication (new recovery codes, turning it
//! off): the same fields and buttons on both pages, sent to each page's own server function.

use leptos::{
    prelude::*,
    server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn},
    web_sys::FormData,
};
use serde::de::DeserializeOwned;

use crate::{
    components::{field_error, last_error, CurrentPasswordField, ErrorSummary, Field, SubmitButton},
    error::AppError,
    routes,
};

/// The current password and a code from the app (or a recovery code), asked before a change:
/// the error summary, the form for `action` with those two fields, its `submit` button and a
/// way back to Security Settings.
#[component]
pub fn ConfirmForm<A, P>(action: ServerAction<A>, submit: &'static str) -> impl IntoView
where
    A: ServerFn<Protocol = Http<PostUrl, P>, Output = (), Error = AppError>
        + DeserializeOwned
        + Clone
        + Send
        + Sync
        + 'static,
    A::Client: Client<AppError>,
    <<A::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
{
    // The bounds are `ActionForm`'s own (a form-encoded POST server function), with our error.
    let error = last_error(action);
    view! {
        <ErrorSummary error=error attempts=action.version()/>
        <ActionForm action attr:novalidate=true attr:class="stack card">
            <CurrentPasswordField error=field_error(error, "current_password")/>
            <Field
                label="Authentication code or recovery code"
                name="second_factor"
                autocomplete="one-time-code"
                error=field_error(error, "second_factor")
            />
            <div class="form-actions">
                <SubmitButton pending=action.pending()>{submit}</SubmitButton>
                <a href=routes::SECURITY>"Cancel"</a>
            </div>
        </ActionForm>
    }
}
