//! Accepting connections and speaking HTTP/1.1 and HTTP/2 on them, with the bounds a public
//! server needs (`h` is `header_read_timeout`):
//!
//! - at most `max_connections` open at once (beyond, new ones wait in the kernel's backlog);
//! - a connection whose first bytes (enough to tell HTTP/2's preface from HTTP/1) have not
//!   arrived within `h` is closed: hyper-util's auto builder reads them with no timer
//!   (hyperium/hyper#3962), so connections that sent nothing held every place for good;
//! - over HTTP/1.1, a connection that has not sent a request's headers within `h` (the first
//!   request's, or on keep-alive the next one's) is closed: hyper's header timer;
//! - a connection with no request in progress for `h` is asked to close (HTTP/2: GOAWAY, then
//!   closed once its streams end): hyper has no idle timeout for HTTP/2, and a client that
//!   answers pings would otherwise keep an idle connection for good;
//! - an HTTP/2 peer silent for `h` is pinged, and the connection closed if the ping goes
//!   unanswered for `h` (also after a GOAWAY, whose close waits for the peer's answer);
//! - on shutdown every connection is asked to finish its request and close, waiting at most
//!   `grace` for them.
//!
//! `axum::serve` gives none of these knobs (it sets no timer, so hyper's header timeout never
//! fires, and one idle half-sent request held a connection for good); this is the loop axum's
//! own "serve with hyper" example shows, with the knobs.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use app::backend::config::ConnectionLimits;
use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulConnection},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{watch, OwnedSemaphorePermit, Semaphore},
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower::ServiceExt as _;

/// What a client speaking HTTP/2 without TLS sends first; hyper-util's auto builder reads until
/// the first byte that differs from it (HTTP/1) or all of it (HTTP/2).
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections finish
/// for at most `limits.shutdown_grace`. (`limits.request` is the router's: a timeout layer.)
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let http = Arc::new(builder(&limits));
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let stop = CancellationToken::new();
    let connections = TaskTracker::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&open).acquire_owned() => match permit {
                Ok(permit) => permit,
                // Never closed: this loop owns the only handle.
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let accepted = Accepted { stream, peer, permit };
        connections.spawn(serve_connection(accepted, Arc::clone(&http), router.clone(), limits, stop.clone()));
    }

    drop(listener);
    stop.cancel();
    connections.close();
    tokio::select! {
        () = connections.wait() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(grace_secs = limits.shutdown_grace.as_secs(), "connections still open after the shutdown grace; closing them");
        }
    }
    Ok(())
}

/// HTTP/1.1 and HTTP/2 with the timers the module comment lists.
fn builder(limits: &ConnectionLimits) -> auto::Builder<TokioExecutor> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    http.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read)
        .keep_alive_timeout(limits.header_read);
    http
}

/// A connection just accepted, with its place among `max_connections`.
struct Accepted {
    stream: TcpStream,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
}

/// Serves one connection to its end; its place is given back when this returns.
async fn serve_connection(
    accepted: Accepted,
    http: Arc<auto::Builder<TokioExecutor>>,
    router: Router,
    limits: ConnectionLimits,
    stop: CancellationToken,
) {
    let Accepted { stream, peer, permit: _permit } = accepted;
    let head = tokio::select! {
        head = tokio::time::timeout(limits.header_read, read_protocol_head(&stream)) => head,
        () = stop.cancelled() => return,
    };
    let head = match head {
        Ok(Ok(Some(head))) => head,
        // Closed by the peer before saying anything: nothing to serve.
        Ok(Ok(None)) => return,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "connection failed before its first request");
            return;
        }
        Err(_) => {
            tracing::debug!("connection did not say which protocol it speaks in time; closing it");
            return;
        }
    };

    let in_progress = InProgress::default();
    let counted = in_progress.clone();
    let service = router
        .map_request(move |mut req: http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        })
        .map_future(move |response| {
            let request = counted.start();
            async move {
                let response = response.await;
                drop(request);
                response
            }
        });
    let io = TokioIo::new(Replay { head, given: 0, stream });
    let connection = http.serve_connection(io, TowerToHyperService::new(service));
    if let Err(e) = drive(connection, &in_progress, limits.header_read, &stop).await {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// Drives `connection` to its end, asking it to finish its requests and close once it has had
/// no request in progress for `idle`, or at shutdown.
async fn drive<C>(
    connection: C,
    in_progress: &InProgress,
    idle: Duration,
    stop: &CancellationToken,
) -> Result<(), C::Error>
where
    C: GracefulConnection,
    C::Error: std::fmt::Display,
{
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => return result,
        () = in_progress.idle_for(idle) => {}
        () = stop.cancelled() => {}
    }
    connection.as_mut().graceful_shutdown();
    connection.await
}

/// The first bytes of a connection: as many as hyper-util's auto builder reads to choose
/// between HTTP/1 and HTTP/2.
struct Head {
    bytes: [u8; H2_PREFACE.len()],
    len: usize,
}

impl Head {
    fn filled(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Whether the protocol is still undecided: what came so far is HTTP/2's preface, unfinished.
    fn undecided(&self) -> bool {
        self.len < H2_PREFACE.len() && self.filled() == &H2_PREFACE[..self.len]
    }
}

/// Reads `stream`'s first bytes up to the one that tells HTTP/1 from HTTP/2 (or the whole
/// preface), so that the caller can bound that wait; `None` if the peer closed first.
async fn read_protocol_head(stream: &TcpStream) -> io::Result<Option<Head>> {
    let mut head = Head { bytes: [0; H2_PREFACE.len()], len: 0 };
    while head.undecided() {
        stream.readable().await?;
        match stream.try_read(&mut head.bytes[head.len..]) {
            Ok(0) => return Ok(None),
            Ok(read) => head.len += read,
            // Readiness can be spurious.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(head))
}

/// A connection whose first bytes were already read (by [`read_protocol_head`]): reads give
/// them back before the rest.
struct Replay {
    head: Head,
    given: usize,
    stream: TcpStream,
}

impl AsyncRead for Replay {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let rest = &this.head.filled()[this.given..];
        if rest.is_empty() {
            return Pin::new(&mut this.stream).poll_read(cx, buf);
        }
        let n = rest.len().min(buf.remaining());
        buf.put_slice(&rest[..n]);
        this.given += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Replay {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// How many of a connection's requests are in progress (from their arrival to their response's
/// head), so that a connection with none for a while can be closed.
#[derive(Clone)]
struct InProgress(Arc<watch::Sender<usize>>);

impl Default for InProgress {
    fn default() -> Self {
        Self(Arc::new(watch::channel(0).0))
    }
}

impl InProgress {
    /// Counts a request until the returned guard is dropped.
    fn start(&self) -> RequestInProgress {
        self.0.send_modify(|count| *count += 1);
        RequestInProgress(self.clone())
    }

    /// Completes once no request has been in progress for `limit`.
    async fn idle_for(&self, limit: Duration) {
        let mut count = self.0.subscribe();
        loop {
            // Errs only when the sender is gone, and `self` holds it.
            let _ = count.wait_for(|&count| count == 0).await;
            if tokio::time::timeout(limit, count.changed()).await.is_err() {
                return;
            }
        }
    }
}

/// One request of [`InProgress`].
struct RequestInProgress(InProgress);

impl Drop for RequestInProgress {
    fn drop(&mut self) {
        self.0 .0.send_modify(|count| *count = count.saturating_sub(1));
    }
}
