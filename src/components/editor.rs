//! The config editor: a textarea over an aligned highlighted layer, with line numbers and line marks.

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::highlight::{line_count, longest_line, segments, to_html_lines};
use crate::state::Focus;

/// How many spaces Tab inserts.
const INDENT: &str = "    ";
/// The editor's line height in pixels (see `.hl` in style.css).
const LINE_PX: i32 = 20;
/// The editor's top padding in pixels.
const PAD_TOP_PX: i32 = 10;
/// Files longer than this are shown unwrapped and only the lines near the view are highlighted,
/// because laying out every line of a huge file on each keystroke would freeze the tab.
pub const LARGE_LINES: usize = 1000;
pub const LARGE_BYTES: usize = 100_000;
/// Lines highlighted above and below the visible ones in a large file.
const WINDOW_MARGIN: i32 = 150;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    /// Changes when another file is shown, so the view scrolls back to the top.
    pub file_key: AttrValue,
    /// Extra CSS classes per 1-based line (`mk-err`, `mk-warn`, `mk-trace`, `mk-focus`).
    pub marks: Rc<BTreeMap<u32, String>>,
    pub focus: Option<Focus>,
    pub oninput: Callback<String>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let scroller = use_node_ref();
    let textarea = use_node_ref();
    let lines = line_count(&props.text);
    let large = lines > LARGE_LINES || props.text.len() > LARGE_BYTES;
    // The first line of the highlighted window, in large files.
    let window_start = use_state(|| 1u32);
    let segs = use_memo(props.text.clone(), |text| segments(text));
    let (first, last) = if large {
        let first = *window_start;
        (first, first + 2 * WINDOW_MARGIN as u32 + 80)
    } else {
        (1, u32::MAX)
    };
    let html = {
        let text = props.text.clone();
        let marks = props.marks.clone();
        use_memo(
            (text, marks, segs.clone(), first, last),
            |(text, marks, segs, first, last)| {
                Html::from_html_unchecked(AttrValue::from(to_html_lines(
                    text, segs, *first, *last, marks,
                )))
            },
        )
    };
    let onscroll = {
        let window_start = window_start.clone();
        Callback::from(move |e: Event| {
            if !large {
                return;
            }
            let el: HtmlElement = e.target_unchecked_into();
            let top_line = (el.scroll_top() - PAD_TOP_PX).max(0) / LINE_PX;
            // Move the window in steps, so small scrolls do not re-render.
            let start = ((top_line - WINDOW_MARGIN).max(0) / 50 * 50 + 1) as u32;
            if start != *window_start {
                window_start.set(start);
            }
        })
    };

    {
        let scroller = scroller.clone();
        use_effect_with(props.file_key.clone(), move |_| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                el.set_scroll_top(0);
            }
        });
    }
    {
        let scroller = scroller.clone();
        let textarea = textarea.clone();
        let text = props.text.clone();
        use_effect_with(props.focus, move |focus| {
            if let (Some(f), Some(ta), Some(sc)) = (
                focus,
                textarea.cast::<HtmlTextAreaElement>(),
                scroller.cast::<HtmlElement>(),
            ) {
                reveal(&ta, &sc, &text, *f);
            }
        });
    }

    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(ta.value());
        })
    };
    let onkeydown = Callback::from(|e: KeyboardEvent| {
        let ta: HtmlTextAreaElement = e.target_unchecked_into();
        if handle_key(&ta, &e) {
            e.prevent_default();
        }
    });

    let (inner_style, pre_style) = if large {
        let height = lines as i32 * LINE_PX + PAD_TOP_PX + 40;
        let width = format!("max(100%, calc({}ch + 90px))", longest_line(&props.text));
        let pad = PAD_TOP_PX + (first as i32 - 1) * LINE_PX;
        (
            format!("height:{height}px;width:{width}"),
            format!("padding-top:{pad}px"),
        )
    } else {
        (String::new(), String::new())
    };
    html! {
        <>
        if large {
            <div class="large-note" data-testid="large-file-note">
                { format!("Large file ({lines} lines): lines do not wrap and only the lines in view are highlighted, so typing stays fast.") }
            </div>
        }
        <div class={classes!("editor", large.then_some("large"))} ref={scroller} {onscroll}>
            <div class="editor-inner" style={inner_style}>
                <pre class="hl" aria-hidden="true" style={pre_style}>{ (*html).clone() }</pre>
                <textarea
                    ref={textarea}
                    class="code"
                    data-testid="config-editor"
                    aria-label="Config file"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap={if large { "off" } else { "soft" }}
                    value={props.text.clone()}
                    {oninput}
                    {onkeydown}
                />
            </div>
        </div>
        </>
    }
}

/// Byte offsets are what Rust sees; the textarea counts UTF-16 units.
fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// Selects lines `f.line..=f.end_line` and scrolls them into the middle of the view.
fn reveal(ta: &HtmlTextAreaElement, scroller: &HtmlElement, text: &str, f: Focus) {
    let mut start = None;
    let mut end = text.len();
    let mut line = 1u32;
    if f.line <= 1 {
        start = Some(0);
    }
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            if line == f.end_line.max(f.line) {
                end = i;
                break;
            }
            line += 1;
            if line == f.line {
                start = Some(i + 1);
            }
        }
    }
    let Some(start) = start else { return };
    let (a, b) = (
        utf16_len(&text[..start]),
        utf16_len(&text[..end.max(start)]),
    );
    let opts = web_sys::FocusOptions::new();
    opts.set_prevent_scroll(true);
    let _ = ta.focus_with_options(&opts);
    let _ = ta.set_selection_range(a, b);
    // Large files render only some lines; their lines never wrap, so the position is known.
    let selector = format!(".hl .l[data-n=\"{}\"]", f.line);
    let line_top = match scroller.query_selector(&selector) {
        Ok(Some(el)) => el
            .dyn_into::<HtmlElement>()
            .map(|e| e.offset_top())
            .unwrap_or(0),
        _ => PAD_TOP_PX + (f.line as i32 - 1) * LINE_PX,
    };
    scroller.set_scroll_top((line_top - scroller.client_height() / 3).max(0));
}

/// Inserts text through the browser's editing commands, so undo keeps working.
fn insert_text(text: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let doc: HtmlDocument = doc.unchecked_into();
    doc.exec_command_with_show_ui_and_value("insertText", false, text)
        .unwrap_or(false)
}

/// Editor key habits: Tab/Shift+Tab indent and outdent, Enter keeps indentation, Escape leaves the editor.
fn handle_key(ta: &HtmlTextAreaElement, e: &KeyboardEvent) -> bool {
    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.is_composing() {
        return false;
    }
    let value = ta.value();
    let units: Vec<u16> = value.encode_utf16().collect();
    let sel_start = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
    let sel_end = ta.selection_end().ok().flatten().unwrap_or(0) as usize;
    let (sel_start, sel_end) = (sel_start.min(units.len()), sel_end.min(units.len()));
    let nl = b'\n' as u16;
    let line_start = units[..sel_start]
        .iter()
        .rposition(|c| *c == nl)
        .map(|i| i + 1)
        .unwrap_or(0);
    match e.key().as_str() {
        "Tab" if !e.shift_key() && !units[sel_start..sel_end].contains(&nl) => insert_text(INDENT),
        "Tab" => {
            let block_end = if sel_end > sel_start && sel_end > 0 && units[sel_end - 1] == nl {
                sel_end - 1
            } else {
                sel_end
            };
            let line_end = units[block_end..]
                .iter()
                .position(|c| *c == nl)
                .map(|i| i + block_end)
                .unwrap_or(units.len());
            let block = String::from_utf16_lossy(&units[line_start..line_end]);
            let new: Vec<String> = block
                .split('\n')
                .map(|l| {
                    if e.shift_key() {
                        outdent(l).to_string()
                    } else if l.is_empty() {
                        String::new()
                    } else {
                        format!("{INDENT}{l}")
                    }
                })
                .collect();
            let new = new.join("\n");
            if new == block {
                return true;
            }
            let _ = ta.set_selection_range(line_start as u32, line_end as u32);
            insert_text(&new);
            let _ = ta.set_selection_range(
                line_start as u32,
                (line_start + new.encode_utf16().count()) as u32,
            );
            true
        }
        "Enter" if !e.shift_key() => {
            let line: String = String::from_utf16_lossy(&units[line_start..sel_start]);
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let extra = if line.trim_end().ends_with('{') {
                INDENT
            } else {
                ""
            };
            insert_text(&format!("\n{indent}{extra}"))
        }
        "}" => {
            // A closing brace typed on a blank line drops one level of indentation.
            let line: String = String::from_utf16_lossy(&units[line_start..sel_start]);
            if sel_start == sel_end && !line.is_empty() && line.trim().is_empty() {
                let _ = ta.set_selection_range(line_start as u32, sel_start as u32);
                insert_text(&format!("{}}}", outdent(&line)))
            } else {
                false
            }
        }
        "Escape" => {
            let _ = ta.blur();
            true
        }
        _ => false,
    }
}

/// A line with one level of leading indentation removed.
fn outdent(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix('\t') {
        return rest;
    }
    let n = line
        .bytes()
        .take(INDENT.len())
        .take_while(|b| *b == b' ')
        .count();
    &line[n..]
}
