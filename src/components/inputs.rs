//! The simulation inputs: request lines, and the context (static files and backend state).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::InputTab;

#[derive(Properties, PartialEq)]
pub struct TextInputProps {
    pub value: AttrValue,
    pub testid: AttrValue,
    pub label: AttrValue,
    pub placeholder: AttrValue,
    pub rows: u32,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub readonly: bool,
}

/// A plain monospace textarea for a data text.
#[function_component(TextInput)]
pub fn text_input(props: &TextInputProps) -> Html {
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(ta.value());
        })
    };
    html! {
        <textarea class="data" data-testid={props.testid.clone()} aria-label={props.label.clone()}
            placeholder={props.placeholder.clone()} rows={props.rows.to_string()} spellcheck="false"
            autocomplete="off" autocapitalize="off" value={props.value.clone()} {oninput} readonly={props.readonly} />
    }
}

#[derive(Properties, PartialEq)]
pub struct ContextProps {
    pub static_files: AttrValue,
    pub backends: AttrValue,
    pub tab: InputTab,
    pub ontab: Callback<InputTab>,
    pub onstatic: Callback<String>,
    pub onbackends: Callback<String>,
}

/// Static files (`files.txt`) and backend state (`backends.txt`), one at a time.
#[function_component(ContextPanel)]
pub fn context_panel(props: &ContextProps) -> Html {
    let tab_button = |tab: InputTab, label: &str, testid: &'static str, count: usize| {
        let cb = props.ontab.clone();
        let active =
            props.tab == tab || (props.tab == InputTab::Requests && tab == InputTab::StaticFiles);
        html! {
            <button class={classes!("subtab", active.then_some("active"))} data-testid={testid}
                aria-pressed={active.to_string()} onclick={Callback::from(move |_| cb.emit(tab))}>
                { label }
                if count > 0 { <span class="badge neutral">{ count }</span> }
            </button>
        }
    };
    let count = |s: &str| {
        s.lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count()
    };
    let body = if props.tab == InputTab::Backends {
        html! { <TextInput value={props.backends.clone()} testid="backends-input" label="Backend state (backends.txt)"
        placeholder={"api down\n10.0.0.5:8080 status=503\napp.internal nxdomain"} rows={5}
        oninput={props.onbackends.clone()} /> }
    } else {
        html! { <TextInput value={props.static_files.clone()} testid="static-files-input" label="Static files (files.txt)"
        placeholder={"/var/www/html/index.html\n/var/www/html/assets/"} rows={5}
        oninput={props.onstatic.clone()} /> }
    };
    html! {
        <section class="context" aria-label="Context">
            <div class="subtabs">
                <span class="section-title">{ "Context" }</span>
                { tab_button(InputTab::StaticFiles, "Static files", "tab-static", count(&props.static_files)) }
                { tab_button(InputTab::Backends, "Backends", "tab-backends", count(&props.backends)) }
            </div>
            { body }
        </section>
    }
}
