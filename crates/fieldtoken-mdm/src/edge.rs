//! The server's edge: connections and the time a client may take. HTTP/1.1 through hyper, so a client that never
//! finishes its request headers is dropped after [`Timeouts::headers`] (axum's own `serve` sets no timer, which
//! leaves hyper's header timeout off), and a request body that has not fully arrived [`Timeouts::body`] after
//! its headers fails to read (the handler answers 400 and the connection closes). Browsers reach the MDM over
//! HTTP/1.1 (HTTP/2 is a reverse proxy's business), so there is no protocol sniffing before the timer runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::time::{Instant, Sleep, sleep_until};
use tower_service::Service;

/// How long a client may take to send a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// From the connection being ready for a request (opened, or the previous answer sent) to the end of the
    /// request's headers; also how long an idle connection is kept.
    pub headers: Duration,
    /// From the end of the headers to the end of the body, however it trickles.
    pub body: Duration,
}

impl Default for Timeouts {
    /// 10 s for headers (a phone on a poor network sends them in one packet or two), 60 s for a body (a full
    /// sync batch is 2 MiB at most).
    fn default() -> Timeouts {
        Timeouts {
            headers: Duration::from_secs(10),
            body: Duration::from_secs(60),
        }
    }
}

/// Serves `app` with [`Timeouts::default`] until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, Timeouts::default(), shutdown).await
}

/// [`serve`] with these timeouts.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: the listener itself is fine, so wait a little and go on.
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.as_mut() => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request =
                request.map(|body| axum::body::Body::new(DeadlineBody::new(body, timeouts.body)));
            // The client's address reaches handlers for the audit log and the rate limits.
            request.extensions_mut().insert(ConnectInfo(remote));
            app.clone().call(request)
        });
        // One request per connection: hyper's header timer also runs while a kept-alive connection waits for its
        // next request, and closing an idle connection after `timeouts.headers` races with a browser reusing it
        // (Chromium keeps idle sockets for minutes and does not retry a service worker's update fetch: the e2e
        // suite's "new release" test failed that way). Without keep-alive the timer bounds only a request's own
        // headers, which is what it is for; a reverse proxy in front keeps client connections alive if wanted.
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .keep_alive(false)
            .header_read_timeout(timeouts.headers)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A request body that fails once its deadline passes before it has ended: a whole-body deadline, not a gap
/// between frames, so a body sent a byte at a time cannot hold a handler for long.
struct DeadlineBody<B> {
    body: B,
    deadline: Pin<Box<Sleep>>,
    timeout: Duration,
}

impl<B> DeadlineBody<B> {
    fn new(body: B, timeout: Duration) -> DeadlineBody<B> {
        DeadlineBody {
            body,
            deadline: Box::pin(sleep_until(Instant::now() + timeout)),
            timeout,
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(format!(
                "the request body did not arrive within {} s of its headers",
                this.timeout.as_secs_f64()
            )
            .into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
