//! The ngxplay web app entry point: mounts the root component.
fn main() {
    yew::Renderer::<ngxplay::components::app::App>::new().render();
}
