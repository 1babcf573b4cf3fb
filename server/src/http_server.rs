//! Accepting connections and speaking HTTP/1.1 and HTTP/2 on them, with the bounds a public
//! server needs: at most `max_connections` open at once (beyond, new ones wait in the kernel's
//! backlog), a connection that has not sent a request's headers within `header_read_timeout`
//! is closed, and on shutdown every connection is asked to finish its request and close,
//! waiting at most `grace` for them.
//!
//! `axum::serve` gives none of these knobs (it sets no timer, so hyper's header timeout never
//! fires, and one idle half-sent request held a connection for good); this is the loop axum's
//! own "serve with hyper" example shows, with the knobs.

use std::{sync::Arc, time::Duration};

use app::backend::config::ConnectionLimits;
use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt as _;

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections finish
/// for at most `limits.shutdown_grace`. (`limits.request` is the router's: a timeout layer.)
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    http.http2().timer(TokioTimer::new());
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
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
        let service = TowerToHyperService::new(router.clone().map_request(move |mut req: http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        }));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service).into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }

    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(grace_secs = limits.shutdown_grace.as_secs(), "connections still open after the shutdown grace; closing them");
        }
    }
    Ok(())
}
