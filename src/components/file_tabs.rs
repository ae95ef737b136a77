//! Tabs for the virtual config files: switch, add, rename (double-click) and delete.

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FileTabsProps {
    pub paths: Vec<AttrValue>,
    pub active: usize,
    /// How many diagnostics point into each file.
    pub problems: Vec<usize>,
    pub onselect: Callback<usize>,
    pub onadd: Callback<String>,
    pub onrename: Callback<(usize, String)>,
    pub ondelete: Callback<usize>,
}

/// What the inline name box is doing.
#[derive(Clone, Copy, PartialEq)]
enum Editing {
    None,
    Adding,
    Renaming(usize),
}

#[function_component(FileTabs)]
pub fn file_tabs(props: &FileTabsProps) -> Html {
    let editing = use_state(|| Editing::None);

    let name_box = |initial: String, on_commit: Callback<String>| {
        let editing_keys = editing.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            let editing = &editing_keys;
            let input: HtmlInputElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    on_commit.emit(input.value());
                    editing.set(Editing::None);
                }
                "Escape" => editing.set(Editing::None),
                _ => {}
            }
        });
        let onblur = {
            let editing = editing.clone();
            Callback::from(move |_| editing.set(Editing::None))
        };
        html! {
            <input class="tab-name" data-testid="file-name-input" value={initial} placeholder="conf.d/site.conf"
                aria-label="File name (Enter to save, Escape to cancel)" {onkeydown} {onblur} autofocus=true />
        }
    };

    let tabs = props.paths.iter().enumerate().map(|(i, path)| {
        if *editing == Editing::Renaming(i) {
            let cb = props.onrename.clone();
            return html! { <span class="tab active">{ name_box(path.to_string(), Callback::from(move |n| cb.emit((i, n)))) }</span> };
        }
        let onclick = {
            let cb = props.onselect.clone();
            Callback::from(move |_| cb.emit(i))
        };
        let ondblclick = {
            let editing = editing.clone();
            Callback::from(move |_| editing.set(Editing::Renaming(i)))
        };
        let ondelete = {
            let cb = props.ondelete.clone();
            let path = path.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                let ok = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&format!("Delete {path}?")).ok())
                    .unwrap_or(false);
                if ok {
                    cb.emit(i);
                }
            })
        };
        let problems = props.problems.get(i).copied().unwrap_or(0);
        html! {
            <span class={classes!("tab", (i == props.active).then_some("active"))} role="tab"
                  aria-selected={(i == props.active).to_string()} data-testid="file-tab" title="Double-click to rename">
                <button class="tab-label" {onclick} {ondblclick}>
                    { path.clone() }
                    if problems > 0 { <span class="badge" title="diagnostics in this file">{ problems }</span> }
                </button>
                if i > 0 {
                    <button class="tab-close" aria-label={format!("Delete {path}")} title="Delete file" onclick={ondelete}>{ "×" }</button>
                }
            </span>
        }
    });

    let add = if *editing == Editing::Adding {
        name_box(String::new(), props.onadd.clone())
    } else {
        let editing = editing.clone();
        html! {
            <button class="tab-add" data-testid="add-file" title="Add a file (relative to /etc/nginx)"
                onclick={Callback::from(move |_| editing.set(Editing::Adding))}>{ "+ file" }</button>
        }
    };
    let rename = {
        let editing = editing.clone();
        let active = props.active;
        html! {
            <button class="tab-add" data-testid="rename-file" title="Rename the current file"
                onclick={Callback::from(move |_| editing.set(Editing::Renaming(active)))}>{ "rename" }</button>
        }
    };

    html! {
        <div class="tabs" role="tablist">
            { for tabs }
            { add }
            { rename }
        </div>
    }
}
