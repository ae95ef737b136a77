//! The ngxplay web app entry point: mounts the root component on a page, or serves engine jobs in the web worker.
fn main() {
    if web_sys::window().is_some() {
        yew::Renderer::<ngxplay::components::app::App>::new().render();
    } else {
        ngxplay::worker::serve();
    }
}
