//! The top bar: title, examples gallery, compare mode, exercises, share link and help.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::examples::Example;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub examples: std::rc::Rc<Vec<Example>>,
    pub onexample: Callback<usize>,
    pub oncopylink: Callback<()>,
    pub onhelp: Callback<()>,
    pub compare_on: bool,
    pub oncompare: Callback<()>,
    pub gallery_open: bool,
    pub onexercises: Callback<()>,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let onchange = {
        let cb = props.onexample.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                cb.emit(i);
            }
            sel.set_value("");
        })
    };
    let copy = {
        let cb = props.oncopylink.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let help = {
        let cb = props.onhelp.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <header class="top">
            <h1><span class="logo">{ "ngx" }</span>{ "play" }</h1>
            <span class="tagline">{ "nginx routing playground · results model nginx 1.22.1" }</span>
            <span class="spacer" />
            <label class="examples">
                <span class="sr-only">{ "Load an example" }</span>
                <select data-testid="examples" {onchange} title="Load an example (your current work is kept as a backup)">
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for props.examples.iter().enumerate().map(|(i, ex)| html! {
                        <option value={i.to_string()} title={ex.description.clone()}>{ &ex.title }</option>
                    }) }
                </select>
            </label>
            <button class={classes!("toggle", props.compare_on.then_some("on"))} data-testid="compare-toggle" aria-pressed={props.compare_on.to_string()}
                onclick={{ let cb = props.oncompare.clone(); Callback::from(move |_| cb.emit(())) }}
                title="Compare the current files with a saved 'before' version: which requests would route differently">{ "Compare" }</button>
            <button class={classes!("toggle", props.gallery_open.then_some("on"))} data-testid="exercises-button" aria-pressed={props.gallery_open.to_string()}
                onclick={{ let cb = props.onexercises.clone(); Callback::from(move |_| cb.emit(())) }}
                title="Training exercises: fix a config until every expectation holds">{ "Exercises" }</button>
            <button class="primary" data-testid="copy-link" onclick={copy} title="Copy a link holding the whole workspace">{ "Copy link" }</button>
            <button data-testid="help-button" onclick={help}>{ "Help" }</button>
        </header>
    }
}
