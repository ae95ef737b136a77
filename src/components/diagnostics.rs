//! The list of diagnostics under the editor; clicking one reveals its line.

use yew::prelude::*;

use crate::protocol::{Diag, Place, Severity};

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub items: Vec<Diag>,
    pub config_ok: Option<bool>,
    /// A heading instead of the `nginx -t` verdict.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    pub onreveal: Callback<Place>,
}

#[function_component(Diagnostics)]
pub fn diagnostics(props: &DiagnosticsProps) -> Html {
    let header = match props.config_ok {
        _ if props.title.is_some() => html! { <span class="muted">{ props.title.clone() }</span> },
        None => html! { <span class="muted">{ "checking…" }</span> },
        Some(true) if props.items.is_empty() => {
            html! { <span class="ok">{ "✓ nginx -t: syntax is ok" }</span> }
        }
        Some(true) => {
            html! { <span class="ok">{ "✓ nginx -t would accept this config, with warnings" }</span> }
        }
        Some(false) => html! { <span class="bad">{ "✗ nginx -t would reject this config" }</span> },
    };
    let rows = props.items.iter().map(|d| {
        let class = match d.severity {
            Severity::Error => "sev-error",
            Severity::Warning => "sev-warn",
            Severity::Info => "sev-info",
        };
        let onclick = d.place.clone().map(|p| {
            let cb = props.onreveal.clone();
            Callback::from(move |_| cb.emit(p.clone()))
        });
        let loc = d
            .place
            .as_ref()
            .map(|p| format!("{}:{}", p.file.clone().unwrap_or_default(), p.line));
        html! {
            <li class={classes!("diag", class)} data-testid="diagnostic">
                <button class="diag-btn" {onclick} disabled={d.place.is_none()}>
                    <span class="diag-level">{ &d.level }</span>
                    <span class="diag-msg">{ &d.message }</span>
                    if let Some(loc) = loc { <span class="diag-loc">{ loc }</span> }
                </button>
            </li>
        }
    });
    html! {
        <section class="diagnostics" aria-label="Diagnostics">
            <div class="diag-head">{ header }</div>
            <ul>{ for rows }</ul>
        </section>
    }
}
