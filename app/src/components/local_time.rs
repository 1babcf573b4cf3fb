//! A moment as people read it: in UTC, with the zone named, in the HTML the server sends; in
//! the viewer's own time zone, with how long ago it was, once the page's code runs.
//!
//! The server cannot know the viewer's zone, so the text changes once the code runs. It must
//! not move the page when it does (on a slow line that is seconds after the page is shown):
//! the line keeps, hidden under the visible text, a copy of its label followed by the widest
//! text the viewer's zone can give ([`WIDEST`]), and is as tall as the taller of the two at any
//! width (`.moment` in `style/main.css`). Nothing follows the time on its line, so a shorter
//! text moves nothing either.

use leptos::prelude::*;

use crate::api::Moment;

/// The widest text [`in_viewers_zone`] gives, or near it: the longest month, hours and minutes,
/// a zone named by its offset and the longest "ago". (A locale that writes the date longer
/// still, as pt-BR's "30 de set. de 2026", is a few characters over: it may add a line once.)
const WIDEST: &str = "Sep 30, 2026, 12:59 PM GMT+10:30 (59 minutes ago)";

/// A line that says `label` and when: "Signed in 30 Nov 2026, 08:12 CET (5 minutes ago)".
/// The `<time>` shows `moment` in UTC until the page is interactive, then in the viewer's zone
/// followed by how long ago it was.
#[component]
pub fn LocalTime(label: &'static str, moment: Moment) -> impl IntoView {
    let text = RwSignal::new(moment.utc.clone());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(local) = in_viewers_zone(moment.unix) {
            text.set(local);
        }
    });
    view! {
        <span class="moment" data-label=label data-widest=WIDEST>
            <span>{label} " " <time datetime=moment.iso>{move || text.get()}</time></span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
fn in_viewers_zone(unix: i64) -> Option<String> {
    use js_sys::{Array, Date, Function, Intl, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    let options = Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let date = Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    // The browser's own locale and time zone (an empty list of locales means "the default").
    let format: Function = Intl::DateTimeFormat::new(&Array::new(), &options).format().dyn_into().ok()?;
    let absolute = format.call1(&JsValue::NULL, &date).ok()?.as_string()?;
    let zone = zone_name(&date)?;

    let ago = (Date::now() / 1000.0) as i64 - unix;
    let relative = match ago {
        ..=59 => "just now".to_owned(),
        _ => {
            let (amount, unit) = match ago {
                60..=3599 => (ago / 60, "minute"),
                3600..=86_399 => (ago / 3600, "hour"),
                _ => (ago / 86_400, "day"),
            };
            let words = Intl::RelativeTimeFormat::new(&Array::of1(&"en".into()), &Object::new());
            words.format(-(amount as f64), unit).as_string()?
        }
    };
    Some(format!("{absolute} {zone} ({relative})"))
}

/// "CET", "GMT+1": the short name of the viewer's zone at `date`.
#[cfg(feature = "hydrate")]
fn zone_name(date: &js_sys::Date) -> Option<String> {
    use js_sys::{Array, Intl, Object, Reflect};
    use wasm_bindgen::JsCast;

    let options = Object::new();
    Reflect::set(&options, &"timeZoneName".into(), &"short".into()).ok()?;
    let parts: Array = Intl::DateTimeFormat::new(&Array::new(), &options).format_to_parts(date);
    parts.iter().find_map(|part| {
        let part: Object = part.dyn_into().ok()?;
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        (kind == "timeZoneName").then(|| Reflect::get(&part, &"value".into()).ok()?.as_string()).flatten()
    })
}
