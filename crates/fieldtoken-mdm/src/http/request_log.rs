//! The request log: one line at `info` per answer with its method, route, status and latency, in a span that
//! carries the request id the client sent in `x-request-id` (or the one the server gave it, echoed in the
//! answer). Refusals of credentials are logged where they are decided, in [`super::auth`], with the token's id.

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

/// The trace layer with this module's span and levels.
pub type RequestLog = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    DefaultOnRequest,
    DefaultOnResponse,
>;

/// The trace layer of [`super::router`]: under the request-id layers, so the id is there when the span opens.
pub fn trace() -> RequestLog {
    TraceLayer::new_for_http()
        .make_span_with(span as fn(&Request<Body>) -> Span)
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// The span of one request. The route is the matched pattern (`/api/v1/devices/{id}`), so ids and codes in
/// paths stay out of the log; a path no route matches is logged as such.
fn span(request: &Request<Body>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route, request_id)
}
