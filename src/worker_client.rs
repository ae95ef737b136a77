//! The page's side of the engine worker: one job in flight at a time, the newest waiting job replacing older ones.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use crate::protocol::{Job, Outcome};

/// The module worker that starts the page's own wasm in engine mode (copied to dist/ by Trunk).
pub const WORKER_URL: &str = "engine-worker.js";

/// A job running longer than this is treated as a hang: the worker is replaced.
const WATCHDOG_MS: u32 = 20_000;

/// What the worker posts once its handler is installed; messages sent earlier would be lost.
pub const READY: &str = "ngxplay-worker-ready";

struct Inner {
    worker: Option<Worker>,
    /// Whether the worker has said it is listening.
    ready: bool,
    busy: bool,
    waiting: Option<String>,
    on_outcome: Callback<Outcome>,
    on_error: Callback<String>,
    onmessage: Option<Closure<dyn FnMut(MessageEvent)>>,
    onerror: Option<Closure<dyn FnMut(web_sys::Event)>>,
    /// Fires if the running job takes too long; dropping it cancels it.
    watchdog: Option<gloo_timers::callback::Timeout>,
}

/// A handle to the engine worker; cheap to clone.
#[derive(Clone)]
pub struct EngineWorker {
    inner: Rc<RefCell<Inner>>,
}

impl PartialEq for EngineWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl EngineWorker {
    pub fn new(on_outcome: Callback<Outcome>, on_error: Callback<String>) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            worker: None,
            ready: false,
            busy: false,
            waiting: None,
            on_outcome,
            on_error,
            onmessage: None,
            onerror: None,
            watchdog: None,
        }));
        let w = EngineWorker { inner };
        w.spawn();
        w
    }

    fn spawn(&self) {
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        let worker = match Worker::new_with_options(WORKER_URL, &opts) {
            Ok(w) => w,
            Err(e) => {
                let cb = self.inner.borrow().on_error.clone();
                cb.emit(format!(
                    "The engine worker could not start: {}",
                    js_text(&e)
                ));
                return;
            }
        };
        let weak = Rc::downgrade(&self.inner);
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let text = e.data().as_string().unwrap_or_default();
            let (cb, next) = {
                let mut i = inner.borrow_mut();
                i.ready = true;
                i.busy = false;
                i.watchdog = None;
                (i.on_outcome.clone(), i.waiting.take())
            };
            if let Some(next) = next {
                EngineWorker {
                    inner: inner.clone(),
                }
                .post(next);
            }
            if text == READY {
                return;
            }
            match serde_json::from_str::<Outcome>(&text) {
                Ok(out) => cb.emit(out),
                Err(e) => inner
                    .borrow()
                    .on_error
                    .emit(format!("The engine sent an unreadable answer: {e}")),
            }
        });
        let weak = Rc::downgrade(&self.inner);
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let Some(inner) = weak.upgrade() else { return };
            let msg = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "unknown error".into());
            let handle = EngineWorker {
                inner: inner.clone(),
            };
            handle.restart(format!(
                "The engine crashed on this input ({msg}). It was restarted; edit to try again."
            ));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        let mut i = self.inner.borrow_mut();
        i.worker = Some(worker);
        i.onmessage = Some(onmessage);
        i.onerror = Some(onerror);
        i.busy = false;
        i.ready = false;
    }

    /// Replaces a crashed worker; the job that crashed it is not sent again.
    fn restart(&self, message: String) {
        let (old, cb) = {
            let mut i = self.inner.borrow_mut();
            i.waiting = None;
            i.watchdog = None;
            (i.worker.take(), i.on_error.clone())
        };
        if let Some(w) = old {
            w.terminate();
        }
        cb.emit(message);
        self.spawn();
    }

    fn post(&self, text: String) {
        let weak = Rc::downgrade(&self.inner);
        let watchdog = gloo_timers::callback::Timeout::new(WATCHDOG_MS, move || {
            if let Some(inner) = weak.upgrade() {
                EngineWorker { inner }.restart(format!(
                    "The engine did not answer within {} s and was restarted; edit to try again.",
                    WATCHDOG_MS / 1000
                ));
            }
        });
        let mut i = self.inner.borrow_mut();
        if let Some(w) = &i.worker {
            if w.post_message(&JsValue::from_str(&text)).is_ok() {
                i.busy = true;
                i.watchdog = Some(watchdog);
            }
        }
    }

    /// Sends a job now, or after the running one if the worker is busy.
    pub fn submit(&self, job: &Job) {
        let text = serde_json::to_string(job).unwrap_or_default();
        let busy = {
            let i = self.inner.borrow();
            i.busy || !i.ready
        };
        if busy {
            self.inner.borrow_mut().waiting = Some(text);
        } else {
            self.post(text);
        }
    }
}

fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            js_sys::Reflect::get(v, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{v:?}"))
}
