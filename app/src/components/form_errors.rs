//! Reading a form action's last error for the places a form shows it.

use leptos::prelude::*;

use crate::error::AppError;

/// The last error of a server action, if its last call failed.
pub fn last_error<A, O>(action: ServerAction<A>) -> Memo<Option<AppError>>
where
    A: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Memo::new(move |_| action.value().get().and_then(Result::err))
}

/// The message for one field, for [`super::Field`] or [`super::NewPasswordFields`].
pub fn field_error(error: Memo<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.for_field(field)))
}

/// Whether this page was rendered for a form refused without JavaScript (the server carried
/// the refusal back to it: see `App`), on both sides alike.
pub fn refused_without_javascript() -> bool {
    use_context::<ServerActionError>().is_some_and(|refused| !refused.path().is_empty())
}
