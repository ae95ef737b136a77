//! Training exercises: the gallery (grouped by level, with progress) and the panel of the exercise being solved.

use std::rc::Rc;

use ngxplay_core::exercise::Exercise;
use yew::prelude::*;

use crate::exercises::{status_text, Progress, LEVELS};
use crate::protocol::ExpectSummary;
use crate::state::ExerciseMode;
use crate::workspace::ConfigFile;

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    pub exercises: Rc<Vec<Exercise>>,
    pub progress: Progress,
    /// The exercise open in the editor, if any.
    pub current: Option<String>,
    pub onopen: Callback<String>,
    pub onclose: Callback<()>,
}

#[function_component(Gallery)]
pub fn gallery(props: &GalleryProps) -> Html {
    let solved = props
        .exercises
        .iter()
        .filter(|e| props.progress.get(&e.id).is_some_and(|p| p.solved))
        .count();
    let onclose = {
        let cb = props.onclose.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let groups = LEVELS.iter().map(|level| {
        let items = props.exercises.iter().filter(|e| e.level == *level).map(|e| {
            let p = props.progress.get(&e.id);
            let (kind, status) = status_text(p, e.hints.len());
            let onclick = {
                let (cb, id) = (props.onopen.clone(), e.id.clone());
                Callback::from(move |_| cb.emit(id.clone()))
            };
            let current = props.current.as_deref() == Some(e.id.as_str());
            let first_line = paragraphs(&e.story).into_iter().next().unwrap_or_default();
            html! {
                <li>
                    <button class={classes!("card", kind, current.then_some("current"))} data-testid="exercise-item"
                        data-id={e.id.clone()} data-status={kind} {onclick}>
                        <span class="card-title">{ &e.title }</span>
                        <span class="card-story">{ first_line }</span>
                        <span class="card-status">{ status }{ if current { " · open now" } else { "" } }</span>
                    </button>
                </li>
            }
        });
        html! {
            <section class="level">
                <h3>{ capitalised(level.name()) }</h3>
                <ul class="cards">{ for items }</ul>
            </section>
        }
    });
    html! {
        <section class="gallery" data-testid="exercise-list" aria-label="Exercises">
            <div class="gallery-head">
                <h2>{ "Exercises" }</h2>
                <span class="muted">{ format!("{solved} of {} solved. Fix each config until every expectation holds; your progress stays in this browser.", props.exercises.len()) }</span>
                <span class="spacer" />
                <button data-testid="gallery-close" onclick={onclose}>{ "Back to the playground" }</button>
            </div>
            { for groups }
        </section>
    }
}

/// The story's paragraphs with their hard line breaks joined, so the text flows to the panel's width.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct ExercisePanelProps {
    pub exercise: Exercise,
    pub mode: ExerciseMode,
    pub summary: Option<ExpectSummary>,
    /// `None` while the current edit is being checked.
    pub config_ok: Option<bool>,
    pub solved: bool,
    pub solution: Vec<ConfigFile>,
    pub onhint: Callback<()>,
    pub onsolution: Callback<()>,
    pub onreset: Callback<()>,
    pub onleave: Callback<()>,
    pub ongallery: Callback<()>,
}

#[function_component(ExercisePanel)]
pub fn exercise_panel(props: &ExercisePanelProps) -> Html {
    let ex = &props.exercise;
    let emit = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onsolution = {
        let cb = props.onsolution.clone();
        Callback::from(move |_: MouseEvent| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message("Show the solution? Trying one more hint first teaches more.")
                        .ok()
                })
                .unwrap_or(false);
            if ok {
                cb.emit(());
            }
        })
    };
    let onreset = {
        let cb = props.onreset.clone();
        Callback::from(move |_: MouseEvent| {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message("Start over with the exercise's original config?").ok())
                .unwrap_or(false);
            if ok {
                cb.emit(());
            }
        })
    };
    let status = if props.solved {
        html! { <div class="ex-status solved" data-testid="exercise-status" data-solved="true">{ "✓ Solved! Every expectation holds." }</div> }
    } else {
        let text = match (&props.summary, props.config_ok) {
            (_, Some(false)) => "nginx -t would reject this config; fix the errors under the editor first.".to_string(),
            (Some(s), Some(true)) => format!("{} — keep going.", s.text),
            _ => "Checking…".to_string(),
        };
        html! { <div class="ex-status" data-testid="exercise-status" data-solved="false">{ text }</div> }
    };
    let shown = props.mode.hints_shown.min(ex.hints.len());
    html! {
        <section class="exercise" aria-label="Exercise" data-testid="exercise-panel">
            <div class="ex-head">
                <span class={classes!("level-tag", ex.level.name())}>{ ex.level.name() }</span>
                <h2 data-testid="exercise-title">{ &ex.title }</h2>
                <span class="spacer" />
                <button class="small" data-testid="exercise-gallery" onclick={emit(&props.ongallery)}>{ "All exercises" }</button>
                <button class="small" data-testid="exercise-leave" onclick={emit(&props.onleave)}
                    title="Keep these files as a normal playground workspace">{ "Leave" }</button>
            </div>
            <div class="story">{ for paragraphs(&ex.story).into_iter().map(|p| html! { <p>{ p }</p> }) }</div>
            { status }
            <div class="ex-tools">
                if shown < ex.hints.len() {
                    <button class="small" data-testid="exercise-next-hint" onclick={emit(&props.onhint)}>
                        { format!("Show hint {} of {}", shown + 1, ex.hints.len()) }
                    </button>
                }
                if !props.mode.solution_shown {
                    <button class="small" data-testid="exercise-show-solution" onclick={onsolution}>{ "Show the solution…" }</button>
                }
                <button class="small" data-testid="exercise-reset" onclick={onreset}>{ "Start over" }</button>
            </div>
            if shown > 0 {
                <ol class="hints">
                    { for ex.hints.iter().take(shown).map(|h| html! { <li data-testid="exercise-hint">{ h }</li> }) }
                </ol>
            }
            if props.mode.solution_shown {
                <div class="solution" data-testid="exercise-solution">
                    <div class="section-title">{ "Solution" }</div>
                    { for props.solution.iter().map(|f| html! {
                        <>
                            <div class="file-diff-name">{ &f.path }</div>
                            <pre>{ &f.text }</pre>
                        </>
                    }) }
                </div>
            }
        </section>
    }
}
