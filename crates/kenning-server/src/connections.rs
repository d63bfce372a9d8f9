//! Accepting connections: how many may be open at once, and how long a
//! client may keep one without making progress.
//!
//! Three bounds keep slow or idle clients from exhausting the server:
//! - **A cap on open connections** ([`ConnectionLimits::max_connections`]):
//!   the accept loop takes a permit before it accepts, so past the cap new
//!   connections wait in the kernel's queue while those already open keep
//!   being served, and the process never runs out of file descriptors
//!   because of clients.
//! - **A header-read timeout** ([`ConnectionLimits::header_read_timeout`]):
//!   from the moment the server waits for a request (the first one, or the
//!   next one on a kept-alive connection) the whole head must arrive within
//!   it, else the connection is closed. A client that sends a request line
//!   and then nothing, or trickles its headers, is cut off.
//! - **A stall timeout** ([`ConnectionLimits::stall_timeout`]): a
//!   connection on which no byte moves either way for that long (a body
//!   that stops arriving, a client that stops reading its answer) is
//!   closed.
//!
//! Accept errors (out of file descriptors, a connection reset before it
//! was accepted) never stop the server: it waits a moment and goes on.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// How many connections, and how slow, the server accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once; past it, new ones wait to be accepted.
    pub max_connections: usize,
    /// Time a client has to send a whole request head, counted from when
    /// the server starts waiting for it (also between kept-alive requests,
    /// so it is the idle timeout too).
    pub header_read_timeout: Duration,
    /// Time a connection may go without a byte read or written.
    pub stall_timeout: Duration,
}

impl Default for ConnectionLimits {
    /// 512 connections (half of the usual 1,024 open-file limit, leaving
    /// room for the snapshot's files and the live store), 10 s for a
    /// request head, 30 s without progress.
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(30),
        }
    }
}

/// How long the accept loop waits after an accept error before it tries
/// again (running out of descriptors clears only as connections close).
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// How long shutting down waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` within `limits` until `shutdown`
/// resolves, then gives the connections in flight [`SHUTDOWN_GRACE`] to
/// finish.
pub(crate) async fn serve_connections(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_headers(crate::HYPER_MAX_HEADERS)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let service = TowerToHyperService::new(router);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // closed: never, the semaphore lives here
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // A connection reset before it was accepted: the next one.
                Err(e) if is_per_connection(&e) => continue,
                Err(e) => {
                    eprintln!("kenning-server: cannot accept a connection: {e}; retrying");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(StallGuard::new(stream, limits.stall_timeout));
        let connection = graceful.watch(http.serve_connection(io, service.clone()));
        tokio::spawn(async move {
            // A connection's errors (a client gone, a timeout) are its own.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// Whether an accept error concerns one connection only (it was reset
/// before being accepted), not the listener or the process.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A TCP stream that fails with [`io::ErrorKind::TimedOut`] once no byte
/// has moved either way for `timeout` while someone waits on it.
///
/// Progress only records the time (no timer is touched per read or
/// write); the timer is armed when an operation has to wait, and when it
/// fires early because bytes moved meanwhile, it is armed again for the
/// rest of the time.
#[derive(Debug)]
struct StallGuard {
    stream: TcpStream,
    timeout: Duration,
    last_progress: Instant,
    deadline: Pin<Box<Sleep>>,
}

impl StallGuard {
    fn new(stream: TcpStream, timeout: Duration) -> StallGuard {
        let now = Instant::now();
        StallGuard {
            stream,
            timeout,
            last_progress: now,
            deadline: Box::pin(tokio::time::sleep_until(now + timeout)),
        }
    }

    /// The stream is not ready: fail if nothing has moved for too long.
    fn poll_stalled(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        loop {
            let due = self.last_progress + self.timeout;
            if self.deadline.deadline() != due {
                self.deadline.as_mut().reset(due);
            }
            ready!(self.deadline.as_mut().poll(cx));
            if self.last_progress + self.timeout <= Instant::now() {
                return Poll::Ready(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no byte moved on the connection for too long",
                ));
            }
        }
    }

    /// What an operation's poll says, with the deadline applied.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.last_progress = Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => self.poll_stalled(cx).map(Err),
        }
    }
}

impl AsyncRead for StallGuard {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.watch(cx, poll)
    }
}

impl AsyncWrite for StallGuard {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_shutdown(cx);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
