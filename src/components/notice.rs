//! The notice bar: one message at a time, with the share link or a restore button when relevant.

use yew::prelude::*;

use crate::state::{Notice, NoticeKind};

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Notice,
    pub ondismiss: Callback<()>,
    pub onrestore: Callback<()>,
    pub onundo: Callback<()>,
}

#[function_component(NoticeBar)]
pub fn notice_bar(props: &NoticeProps) -> Html {
    let n = &props.notice;
    let class = match n.kind {
        NoticeKind::Info => "notice info",
        NoticeKind::Error => "notice error",
    };
    let dismiss = {
        let cb = props.ondismiss.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let restore = {
        let cb = props.onrestore.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let select_all = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    html! {
        <div class={class} role={if n.kind == NoticeKind::Error { "alert" } else { "status" }} data-testid="notice">
            <span class="notice-text">{ &n.text }</span>
            if let Some(link) = &n.link {
                <input class="share-url" data-testid="share-url" readonly=true value={link.clone()} onfocus={select_all} aria-label="Share link" />
            }
            if n.undo {
                <button data-testid="undo" onclick={{ let cb = props.onundo.clone(); Callback::from(move |_| cb.emit(())) }}>{ "Undo" }</button>
            }
            if n.restore {
                <button data-testid="restore-backup" onclick={restore}>{ "Restore previous work" }</button>
            }
            <button class="close" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
