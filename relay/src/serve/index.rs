//! `GET /`: a short HTML page saying what this relay is and how to use it
//! from the extension (no token needed).

use axum::extract::State;
use axum::response::Html;

use super::state::AppState;

/// `GET /`: the page, saying whether a token is needed.
pub(super) async fn index(State(st): State<AppState>) -> Html<String> {
    let auth = if st.inner.config.token.is_some() {
        "This relay requires a token: enter it in the extension's options as well."
    } else {
        "This relay is open: no token is needed."
    };
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TLS Lens relay</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42em;margin:3em auto;padding:0 1em}}code{{background:#eee;padding:0 .2em}}</style></head>
<body>
<h1>TLS Lens relay</h1>
<p>This is a <strong>TLS Lens relay</strong> (version {version}). It scans the TLS
configuration of public servers for the TLS Lens browser extension: protocols,
cipher suites, key exchange, the certificate chain and HSTS. The extension grades
the results itself.</p>
<h2>Use it from the extension</h2>
<ol>
<li>Open the extension's <em>Options</em>.</li>
<li>Set <em>Relay URL</em> to the address of this page (for example
<code>https://relay.example.org/</code>; the default is <code>http://127.0.0.1:8787/</code>).</li>
<li>{auth}</li>
</ol>
<h2>API</h2>
<ul>
<li><code>GET /v1/scan?host=example.org&amp;port=443</code> — the graded report (JSON)</li>
<li><code>GET /v1/scan/stream?host=example.org&amp;port=443</code> — progress and the report (Server-Sent Events)</li>
<li><code>GET /v1/facts?host=example.org&amp;port=443</code> — the raw scan facts (JSON)</li>
<li><code>GET /healthz</code>, <code>GET /metrics</code></li>
</ul>
<p>Private, loopback and other special-purpose addresses are refused unless the
operator allows them.</p>
</body></html>
"#,
        version = env!("CARGO_PKG_VERSION"),
    ))
}
