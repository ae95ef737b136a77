//! The selected result's trace: each step explains one decision and points at its config lines.

use yew::prelude::*;

use crate::protocol::{Place, ResultView};

#[derive(Properties, PartialEq)]
pub struct TraceProps {
    pub result: ResultView,
    pub onreveal: Callback<Place>,
}

#[function_component(Trace)]
pub fn trace(props: &TraceProps) -> Html {
    let steps = props.result.trace.iter().enumerate().map(|(i, step)| {
        let onclick = step.place.clone().map(|p| {
            let cb = props.onreveal.clone();
            Callback::from(move |_| cb.emit(p.clone()))
        });
        let loc = step.place.as_ref().map(|p| {
            let file = p.file.clone().unwrap_or_default();
            if p.end_line > p.line {
                format!("{file}:{}-{}", p.line, p.end_line)
            } else {
                format!("{file}:{}", p.line)
            }
        });
        html! {
            <li data-testid="trace-step">
                <button class="step" {onclick} disabled={step.place.is_none()}>
                    <span class="step-n">{ i + 1 }</span>
                    <span class="step-msg">{ &step.message }</span>
                    if let Some(loc) = loc { <span class="step-loc">{ loc }</span> }
                </button>
            </li>
        }
    });
    html! {
        <section class="trace" aria-label="Trace">
            <h3>{ "Trace of line " }{ props.result.line }{ ": " }<code>{ &props.result.request }</code></h3>
            if props.result.trace.is_empty() {
                <p class="muted">{ "The engine gave no trace for this request." }</p>
            } else {
                <ol>{ for steps }</ol>
            }
        </section>
    }
}
