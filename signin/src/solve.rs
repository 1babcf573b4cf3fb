//! Solving the captcha's proof of work (ALTCHA PoW v2, the official `altcha` crate, which the
//! server signs and checks with): a search for a counter whose PBKDF2-derived key starts with
//! enough zeros, run in slices short enough to keep the page responsive.

/// How far apart the counters of one slice are. Slice `n` tries `n`, `n + STRIDE`,
/// `n + 2 × STRIDE`… so slices never repeat each other's work, however long each ran.
pub const STRIDE: u32 = 1 << 20;

/// Runs slice `index` of the search for about `budget_ms` (at least ten derivations) and
/// returns the answer to put in the form, as JSON, if this slice found it. `Err` means the
/// challenge cannot be solved (malformed, or every slice has been tried).
pub fn solve_slice(challenge_json: &str, index: u32, budget_ms: u64) -> Result<Option<String>, String> {
    if index >= STRIDE {
        return Err("no solution".into());
    }
    let challenge: altcha::Challenge = serde_json::from_str(challenge_json).map_err(|e| e.to_string())?;
    let options = altcha::SolveChallengeOptions {
        counter_start: index,
        counter_step: STRIDE,
        timeout_ms: budget_ms.max(1),
        ..altcha::SolveChallengeOptions::new(&challenge)
    };
    let Some(solution) = altcha::solve_challenge(options).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let payload = altcha::Payload { challenge, solution };
    serde_json::to_string(&payload).map(Some).map_err(|e| e.to_string())
}

/// About one frame of work per slice.
#[cfg(feature = "browser")]
const SLICE_MS: u64 = 12;

/// Solves `challenge_json` in slices of about one frame, yielding to the browser between them
/// (a macrotask, so it paints and handles input), for as long as `wanted()` says the answer is
/// still wanted (`Ok(None)` once it is not), and returns the answer to put in the form. `Err`
/// means it cannot be solved. The solve time is
/// left on the page for the benchmark and the tests (`data-captcha-ms` on `<html>`).
#[cfg(feature = "browser")]
pub async fn solve_in_browser(challenge_json: &str, wanted: impl Fn() -> bool) -> Result<Option<String>, String> {
    let started = js_sys::Date::now();
    for index in 0.. {
        if !wanted() {
            return Ok(None);
        }
        if let Some(answer) = solve_slice(challenge_json, index, SLICE_MS)? {
            let elapsed_ms = js_sys::Date::now() - started;
            let root = web_sys::window().and_then(|window| window.document()?.document_element());
            if let Some(root) = root {
                let _ = root.set_attribute("data-captcha-ms", &format!("{elapsed_ms:.0}"));
            }
            return Ok(Some(answer));
        }
        next_turn().await;
    }
    Err("no solution".into())
}

/// Yields to the browser before the next slice.
#[cfg(feature = "browser")]
async fn next_turn() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(difficulty: usize) -> String {
        let challenge = altcha::create_challenge(altcha::CreateChallengeOptions {
            cost: 10,
            key_prefix: "0".repeat(difficulty),
            hmac_signature_secret: Some("k".repeat(32)),
            ..Default::default()
        })
        .unwrap();
        serde_json::to_string(&challenge).unwrap()
    }

    #[test]
    fn slices_together_find_an_answer_the_server_accepts() {
        let json = challenge(2);
        let payload = (0..STRIDE).find_map(|index| solve_slice(&json, index, 5).unwrap()).unwrap();
        let payload: altcha::Payload = serde_json::from_str(&payload).unwrap();
        let options = altcha::VerifySolutionOptions::new(&payload.challenge, &payload.solution, "k".repeat(32));
        assert!(altcha::verify_solution(options).unwrap().verified);
    }

    #[test]
    fn a_malformed_challenge_is_an_error_not_a_panic() {
        assert!(solve_slice("{not json", 0, 5).is_err());
        assert!(solve_slice(&challenge(1), STRIDE, 5).is_err());
    }
}
