//! The server under hostile or unlucky conditions: slow clients, huge
//! heads, floods of heavy requests, racing writes, a full disk, a
//! read-only snapshot. Most run a real server on a loopback socket; the
//! disk-full and read-only tests mount a small tmpfs, so they need root
//! (as CI has) and are skipped with a note elsewhere.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use kenning_build::{BuildOptions, BuildProgress, Source};
use kenning_engine::Engine;
use kenning_server::{ConnectionLimits, ServerConfig, app};
use serde_json::Value;
use tower::ServiceExt;

const TOKEN: &str = "hardening-token";

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Builds the example wiki with its records into `out`.
fn build_example(out: &Path) {
    let options = BuildOptions {
        out: out.to_owned(),
        sources: vec![Source::Dump(examples_dir().join("tiny-wiki.xml"))],
        threads: 1,
        records: vec![examples_dir().join("tiny-records.jsonl")],
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    kenning_build::build(&options, &Arc::new(BuildProgress::default())).expect("build");
}

/// A writable engine on a fresh copy of the example snapshot.
fn writable_engine() -> (tempfile::TempDir, Arc<Engine>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    let engine = Arc::new(Engine::open_writable(&out).expect("open writable"));
    (dir, engine)
}

/// A real server on a loopback port, stopped when dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(engine: Arc<Engine>, config: ServerConfig) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                kenning_server::serve_on(listener, engine, config, async {
                    let _ = stopped.await;
                })
                .await;
            });
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream
    }

    /// One request on a fresh connection: status, headers and body.
    fn request(&self, head: &str, body: &[u8]) -> (u16, String, String) {
        let mut stream = self.connect();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        parse_answer(&answer)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn parse_answer(answer: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// Waits until the server closes `stream` (end of stream or a reset),
/// reading and dropping anything it sends; how long that took.
fn time_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) if started.elapsed() < limit => return Some(started.elapsed()),
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn fast_limits() -> ConnectionLimits {
    ConnectionLimits {
        max_connections: 8,
        header_read_timeout: Duration::from_secs(1),
        stall_timeout: Duration::from_secs(2),
    }
}

/// A server on the example snapshot with [`fast_limits`].
fn fast_server() -> (tempfile::TempDir, Server) {
    let (dir, engine) = tiny_engine();
    let config = ServerConfig {
        connections: fast_limits(),
        ..ServerConfig::default()
    };
    (dir, Server::start(engine, config))
}

fn tiny_engine() -> (tempfile::TempDir, Arc<Engine>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    let engine = Arc::new(Engine::open(&out).expect("open"));
    (dir, engine)
}

// ------------------------------------------------------------ slow clients

/// Connections that send a request line and a header and then nothing
/// are closed after the header-read timeout; meanwhile, and after, other
/// clients are served although there are more slow connections than the
/// cap.
#[test]
fn slow_clients_are_cut_off_and_others_are_served() {
    let (_dir, server) = fast_server();
    let mut slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    // 20 slow connections, 8 at a time, 1 s each: the last is accepted
    // after about 2 s and closed after about 3 s.
    let started = Instant::now();
    let (status, _, body) = server.request(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "healthz took {:?}",
        started.elapsed()
    );
    for s in &mut slow {
        let closed = time_until_closed(s, Duration::from_secs(10));
        assert!(closed.is_some(), "a slow connection was never closed");
    }
}

/// A kept-alive connection that goes idle is closed after the
/// header-read timeout (it is also the idle timeout).
#[test]
fn idle_kept_alive_connections_are_closed() {
    let (_dir, server) = fast_server();
    let mut s = server.connect();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 12];
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let closed = time_until_closed(&mut s, Duration::from_secs(8));
    assert!(
        closed.is_some(),
        "an idle kept-alive connection stayed open"
    );
}

/// A body that stops arriving holds its connection no longer than the
/// stall timeout.
#[test]
fn stalled_bodies_are_cut_off() {
    let (_dir, server) = fast_server();
    let mut s = server.connect();
    s.write_all(
        b"POST /api/v1/wikify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"text\": \"The",
    )
    .unwrap();
    let closed = time_until_closed(&mut s, Duration::from_secs(10));
    assert!(closed.is_some(), "a stalled body held its connection");
}

/// Past the cap, new connections wait; those already open keep being
/// served.
#[test]
fn the_connection_cap_queues_new_connections() {
    let (_dir, engine) = tiny_engine();
    let config = ServerConfig {
        connections: ConnectionLimits {
            max_connections: 2,
            header_read_timeout: Duration::from_secs(3),
            stall_timeout: Duration::from_secs(3),
        },
        ..ServerConfig::default()
    };
    let server = Server::start(engine, config);
    let ask = |s: &mut TcpStream| {
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut first = [0u8; 12];
        s.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200");
        // The rest of the answer.
        std::thread::sleep(Duration::from_millis(100));
        s.set_nonblocking(true).unwrap();
        let mut rest = [0u8; 65536];
        while s.read(&mut rest).is_ok_and(|n| n > 0) {}
        s.set_nonblocking(false).unwrap();
    };
    let mut a = server.connect();
    let mut b = server.connect();
    ask(&mut a);
    ask(&mut b);
    let mut c = server.connect();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    c.set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        c.read(&mut byte).is_err(),
        "a third connection was served past the cap"
    );
    ask(&mut a); // still served
    drop(a);
    drop(b);
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    assert_eq!(parse_answer(&answer).0, 200);
}

// ------------------------------------------------------------ large heads

/// Addresses and heads over the limits get a 414 or 431 with the JSON
/// error (under /api/) or the HTML page, not an empty body.
#[test]
fn long_addresses_and_large_heads_get_error_bodies() {
    let (_dir, engine) = tiny_engine();
    let server = Server::start(engine, ServerConfig::default());
    let long = "q".repeat(kenning_server::MAX_URI_BYTES + 10);
    let (status, head, body) = server.request(
        &format!("GET /api/v1/search?q={long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        b"",
    );
    assert_eq!(status, 414, "{head}");
    let json: Value = serde_json::from_str(&body).expect(&body);
    assert_eq!(json["error"]["code"], "uri_too_long");

    let (status, head, body) = server.request(
        &format!("GET /search?q={long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        b"",
    );
    assert_eq!(status, 414, "{head}");
    assert!(body.contains("<html"), "{body}");

    let big = "v".repeat(kenning_server::MAX_HEADER_BYTES);
    let (status, head, body) = server.request(
        &format!("GET /api/v1/suggest?q=a HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nConnection: close\r\n\r\n"),
        b"",
    );
    assert_eq!(status, 431, "{head}");
    let json: Value = serde_json::from_str(&body).expect(&body);
    assert_eq!(json["error"]["code"], "headers_too_large");

    let many: String = (0..kenning_server::MAX_HEADERS + 5)
        .map(|i| format!("X-H{i}: {i}\r\n"))
        .collect();
    let (status, head, body) = server.request(
        &format!("GET /api/v1/suggest?q=a HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n"),
        b"",
    );
    assert_eq!(status, 431, "{head}");
    let json: Value = serde_json::from_str(&body).expect(&body);
    assert_eq!(json["error"]["code"], "headers_too_large");
}

// ------------------------------------------------------------ heavy work

/// Past the bound on heavy requests, a wikify is answered 503 at once with
/// `Retry-After` and a JSON error, before its body is read; light requests
/// go on.
#[test]
fn heavy_requests_past_the_bound_get_503() {
    let (_dir, engine) = tiny_engine();
    let config = ServerConfig {
        connections: ConnectionLimits {
            stall_timeout: Duration::from_secs(10),
            ..ConnectionLimits::default()
        },
        max_heavy_requests: Some(1),
        ..ServerConfig::default()
    };
    let server = Server::start(engine, config);
    // Holds the one permit: its body never finishes arriving.
    let hold = || {
        let mut holder = server.connect();
        holder
            .write_all(
                b"POST /api/v1/wikify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                  Content-Length: 100000\r\n\r\n{\"text\": \"",
            )
            .unwrap();
        holder.set_nonblocking(true).unwrap();
        holder
    };
    let body = br#"{"text": "The ferry crosses Lake Tessel."}"#;
    let wikify = || {
        server.request(
            &format!(
                "POST /api/v1/wikify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ),
            body,
        )
    };
    // A probe may still find the permit free until the holder's request
    // has reached the server; and a holder that came while a probe held
    // the permit was itself refused (it has an answer): take another.
    let mut holder = hold();
    let deadline = Instant::now() + Duration::from_secs(20);
    let (status, head, answer) = loop {
        let answer = wikify();
        if answer.0 != 200 || Instant::now() > deadline {
            break answer;
        }
        let mut byte = [0u8; 1];
        if holder.read(&mut byte).is_ok() {
            holder = hold();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status, 503, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 1"),
        "{head}"
    );
    let json: Value = serde_json::from_str(&answer).expect(&answer);
    assert_eq!(json["error"]["code"], "busy");
    let (status, _, _) = server.request(
        "GET /api/v1/suggest?q=lake HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 200);
    // Record writes share the bound: past it a write waits its turn (5 s),
    // then gets the same answer...
    let write = |method: &str| {
        server.request(
            &format!(
                "{method} /api/v1/records/course/B-1 HTTP/1.1\r\nHost: x\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            b"",
        )
    };
    let started = Instant::now();
    let (status, head, answer) = write("PUT");
    assert_eq!(status, 503, "PUT: {head}");
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "a write is refused only after waiting its turn"
    );
    let json: Value = serde_json::from_str(&answer).expect(&answer);
    assert_eq!(json["error"]["code"], "busy");
    // ...and a write that is waiting when the permit comes back is carried
    // out (this server has no token: 403, from past the bound).
    let status = std::thread::scope(|scope| {
        let waiting = scope.spawn(|| write("DELETE").0);
        std::thread::sleep(Duration::from_millis(300));
        drop(holder);
        waiting.join().unwrap()
    });
    assert_eq!(status, 403, "the waiting write was not carried out");
    // The permit comes back once the holder is gone.
    let deadline = Instant::now() + Duration::from_secs(10);
    while wikify().0 != 200 {
        assert!(Instant::now() < deadline, "the permit never came back");
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ------------------------------------------------------------ writes

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

/// A PUT too large and without credentials learns only that it needs
/// credentials.
#[tokio::test]
async fn credentials_are_checked_before_the_body_size() {
    let (_dir, engine) = writable_engine();
    let app = app(
        engine,
        ServerConfig {
            api_token: Some(TOKEN.into()),
            ..ServerConfig::default()
        },
    );
    let big = vec![b' '; kenning_server::MAX_BODY_BYTES + 10];
    let request = |token: Option<&str>| {
        let mut r =
            Request::put("/api/v1/records/course/BIG-1").header(header::CONTENT_LENGTH, big.len());
        if let Some(token) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        r.body(Body::from(big.clone())).unwrap()
    };
    let (status, json) = send(&app, request(None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    let (status, json) = send(&app, request(Some("wrong"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    let (status, json) = send(&app, request(Some(TOKEN))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
}

/// A blank token is no token: writes stay off (403), and no request can
/// pass with an empty bearer.
#[tokio::test]
async fn a_blank_token_leaves_writes_off() {
    let (_dir, engine) = writable_engine();
    let app = app(
        engine,
        ServerConfig {
            api_token: Some(" \t ".into()),
            ..ServerConfig::default()
        },
    );
    let request = Request::put("/api/v1/records/course/B-1")
        .header(header::AUTHORIZATION, "Bearer  ")
        .body(Body::from(r#"{"title": "Blank"}"#))
        .unwrap();
    let (status, json) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
}

/// PUT and DELETE of one id racing each other: every PUT is answered with
/// the record it wrote (never "written but cannot be read"), every DELETE
/// with 204 or 404. (Answering a PUT by reading the record back after the
/// write lock is released failed this test in one run of three at 150
/// operations per task; it runs 500.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_put_and_delete_of_one_record_never_fail() {
    let (_dir, engine) = writable_engine();
    let app = app(
        engine,
        ServerConfig {
            api_token: Some(TOKEN.into()),
            max_heavy_requests: Some(64),
            ..ServerConfig::default()
        },
    );
    let uri = "/api/v1/records/course/RACE-1";
    let put = move |i: usize| {
        Request::put(uri)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(format!(
                r#"{{"title": "Race {i}", "text": "The ferry to Kettle Island."}}"#
            )))
            .unwrap()
    };
    let delete = move || {
        Request::delete(uri)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap()
    };
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..500 {
                if (i + worker) % 2 == 0 {
                    let (status, json) = send(&app, put(i)).await;
                    assert!(
                        status == StatusCode::OK || status == StatusCode::CREATED,
                        "PUT: {status} {json}"
                    );
                    assert_eq!(json["title"], format!("Race {i}"), "{json}");
                } else {
                    let (status, json) = send(&app, delete()).await;
                    assert!(
                        status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND,
                        "DELETE: {status} {json}"
                    );
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

// ------------------------------------------------------------ a full disk

/// A tmpfs mounted for one test and unmounted after it.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `megabytes`, or `None` (with a note) where this
    /// process may not mount (not root).
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={megabytes}m"))
            .arg("tmpfs")
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            Some(Tmpfs { dir })
        } else if std::env::var_os("KENNING_REQUIRE_ROOT").is_some() {
            panic!("cannot mount a tmpfs, and KENNING_REQUIRE_ROOT is set");
        } else {
            eprintln!("note: skipped: mounting a tmpfs needs root (CI runs this test)");
            None
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let status = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

fn put_request(id: &str, text: &str) -> Request<Body> {
    let body = serde_json::json!({"title": format!("Full {id}"), "text": text}).to_string();
    Request::put(format!("/api/v1/records/course/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(body))
        .unwrap()
}

async fn health(app: &axum::Router) -> Value {
    send(app, Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .1
}

/// A full disk answers 507 with a JSON error and shows in `/healthz`;
/// once space is freed, writes succeed again without a restart, and
/// nothing acknowledged is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_507_and_writes_recover() {
    let Some(disk) = Tmpfs::mount(24) else {
        return;
    };
    let out = disk.path().join("snap");
    build_example(&out);
    let engine = Arc::new(Engine::open_writable(&out).unwrap());
    let app = app(
        Arc::clone(&engine),
        ServerConfig {
            api_token: Some(TOKEN.into()),
            ..ServerConfig::default()
        },
    );
    let (status, json) = send(&app, put_request("FULL-0", "Before the disk fills.")).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(health(&app).await["live_records"]["state"], "ok");

    // Fill the disk.
    let filler = disk.path().join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 1 << 16];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    let text = "Kettle Island ferry. ".repeat(30_000); // ~600 kB
    let mut refused = None;
    let mut acknowledged = vec!["FULL-0".to_owned()];
    for i in 1..40 {
        let id = format!("FULL-{i}");
        let (status, json) = send(&app, put_request(&id, &text)).await;
        match status {
            StatusCode::CREATED => acknowledged.push(id),
            StatusCode::INSUFFICIENT_STORAGE => {
                refused = Some(json);
                break;
            }
            other => panic!("PUT {id}: {other} {json}"),
        }
    }
    let refused = refused.expect("no write was refused on a full disk");
    assert_eq!(
        refused["error"]["code"], "insufficient_storage",
        "{refused}"
    );
    let h = health(&app).await;
    assert_eq!(h["status"], "degraded", "{h}");
    assert_eq!(h["live_records"]["state"], "failing", "{h}");
    // Still full: still 507, not a 500 about a previous I/O error.
    let (status, json) = send(&app, put_request("FULL-X", &text)).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{json}");

    std::fs::remove_file(&filler).unwrap();
    let (status, json) = send(&app, put_request("FULL-AFTER", "Space again.")).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    acknowledged.push("FULL-AFTER".into());
    let h = health(&app).await;
    assert_eq!(h["status"], "ok", "{h}");
    assert_eq!(h["live_records"]["state"], "ok", "{h}");
    let delete = Request::delete("/api/v1/records/course/FULL-0")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, delete).await.0, StatusCode::NO_CONTENT);
    acknowledged.remove(0);

    // Everything acknowledged is on disk.
    drop(app);
    drop(engine);
    let engine = Engine::open(&out).unwrap();
    for id in &acknowledged {
        assert!(
            engine.record("course", id).is_some(),
            "{id} was lost ({:?})",
            engine.note()
        );
    }
    assert!(engine.record("course", "FULL-0").is_none());
}

// ------------------------------------------------------------ read-only

/// Every file of a generation is readable by everyone, and a snapshot on
/// a read-only mount is served (search included) with writes off,
/// writing nothing.
#[test]
fn a_read_only_snapshot_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    check_modes(&out);

    let Some(disk) = Tmpfs::mount(16) else {
        return;
    };
    let out = disk.path().join("snap");
    build_example(&out);
    disk.remount_read_only();
    let engine = Engine::open_for_serving(&out).expect("serve a read-only snapshot");
    assert!(!engine.records_writable());
    assert!(engine.note().is_some_and(|n| n.contains("writes are off")));
    let page = engine
        .search(&kenning_engine::SearchRequest {
            query: "lake".into(),
            limit: 10,
            ..Default::default()
        })
        .expect("search a read-only snapshot");
    assert!(page.total > 0);
    assert_eq!(engine.live_store_health().state, "none");
}

#[cfg(unix)]
fn check_modes(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    let generation = root.join(current.trim());
    let mut stack = vec![generation];
    while let Some(dir) = stack.pop() {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o644, "{}", path.display());
            }
        }
    }
}

#[cfg(not(unix))]
fn check_modes(_root: &Path) {}
