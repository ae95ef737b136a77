//! The engine side of the web worker: receives JSON jobs from the page, runs the engine, posts JSON outcomes back.
//!
//! The worker runs the page's own wasm (see `static/engine-worker.js`), so the browser downloads one bundle.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Answers jobs for as long as the worker lives, after telling the page it is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let job = e.data().as_string().unwrap_or_default();
        let answer = crate::engine::run_json_timed(&job, js_sys::Date::now);
        let _ = reply_to.post_message(&JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(crate::worker_client::READY));
}
