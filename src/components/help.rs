//! The built-in help: request syntax, what the result columns mean, and the known gaps.

use yew::prelude::*;

use crate::gaps::KNOWN_GAPS;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Scroll to the known gaps when opened.
    #[prop_or_default]
    pub gaps_first: bool,
    pub onclose: Callback<()>,
}

#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let onclose = {
        let cb = props.onclose.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let gaps = use_node_ref();
    {
        let gaps = gaps.clone();
        use_effect_with(props.gaps_first, move |first| {
            if let (true, Some(el)) = (*first, gaps.cast::<web_sys::Element>()) {
                el.scroll_into_view();
            }
        });
    }
    html! {
        <aside class="help" data-testid="help" aria-label="Help">
            <button class="close" onclick={onclose} aria-label="Close help">{ "×" }</button>
            <h2>{ "How ngxplay works" }</h2>
            <p>{ "Edit an nginx config on the left and list requests on the right. Every change is checked and every request is routed by an engine that runs entirely in your browser. Results model nginx 1.22.1 (Debian bookworm)." }</p>
            <h3>{ "Request lines" }</h3>
            <pre class="example">{ "METHOD URL [field ...]\nGET http://shop.example.com/api/v1/cart?id=7\nGET https://api.example.com:8443/x header:Cookie=canary=1\nPOST http://example.com/login body=user=a client=203.0.113.9\nGET http://lb.example.com/ repeat=8\nGET http://example.com/ nohost version=1.0" }</pre>
            <p>{ "Fields: " }<code>{ "header:NAME=VALUE" }</code>{ ", " }<code>{ "port=N" }</code>{ ", " }<code>{ "addr=IP" }</code>{ ", " }
                <code>{ "client=IP" }</code>{ ", " }<code>{ "body=TEXT" }</code>{ ", " }<code>{ "version=1.0" }</code>{ ", " }
                <code>{ "nohost" }</code>{ ", " }<code>{ "sni=NAME" }</code>{ ", " }<code>{ "repeat=N" }</code>{ ", " }
                <code>{ "upstream-status=CODE" }</code>{ ". Quote values with spaces; lines starting with # are comments." }</p>
            <h3>{ "Context" }</h3>
            <p><b>{ "Static files" }</b>{ " (files.txt): one absolute path per line; a path ending in / is a directory. " }
               <b>{ "Backends" }</b>{ " (backends.txt): " }<code>{ "KEY attr…" }</code>{ " where KEY is an upstream name, a server as written, upstream/server or a host name, and attrs are " }
               <code>{ "down" }</code>{ ", " }<code>{ "status=503" }</code>{ ", " }<code>{ "nxdomain" }</code>{ ", " }<code>{ "proto=http,fastcgi" }</code>{ "." }</p>
            <h3>{ "Result columns" }</h3>
            <dl>
                <dt>{ "status" }</dt><dd>{ "The HTTP status nginx answers with (— when it closes the connection, e.g. return 444)." }</dd>
                <dt>{ "server" }</dt><dd>{ "The server block that handled the request, with its line." }</dd>
                <dt>{ "location" }</dt><dd>{ "The location the request ended in (modifier and pattern), with its line." }</dd>
                <dt>{ "upstream" }</dt><dd>{ "The upstream and server contacted, the URI and Host sent; or the static file, the return text, the redirect Location or the error." }</dd>
            </dl>
            <p>{ "Click a row to see its trace; click a trace step or a diagnostic to jump to its line. Paste " }<code>{ "nginx -T" }</code>
               { " output anywhere to split it into files. Everything is saved in this browser; Copy link puts the whole workspace in the link." }</p>
            <h3 id="gaps" ref={gaps}>{ "Known gaps" }</h3>
            <ul class="gaps" data-testid="known-gaps">
                { for KNOWN_GAPS.iter().map(|g| html! { <li>{ *g }</li> }) }
            </ul>
        </aside>
    }
}
