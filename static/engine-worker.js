// The engine's web worker: it loads the page's own wasm, whose main() serves engine jobs when there is no window.
import init from './ngxplay-web.js';

init({ module_or_path: new URL('./ngxplay-web_bg.wasm', import.meta.url) });
