//! Helpers shared by the binary's end-to-end tests: running `kenning`,
//! building the example wiki, and talking HTTP to a `kenning serve`.

#![allow(dead_code)] // each test file uses some of them

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn kenning(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kenning")
}

pub(crate) fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tiny-wiki.xml")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn build(out: &Path, dump: &Path) -> Output {
    build_with(out, dump, &[])
}

/// The example wiki built into `dir/snap`.
pub(crate) fn example_snapshot(dir: &Path) -> PathBuf {
    let out = dir.join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// `kenning build -q --out OUT --dump DUMP` and `extra` arguments.
pub(crate) fn build_with(out: &Path, dump: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--dump",
        dump.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    kenning(&args)
}

/// One HTTP/1.1 request over a fresh connection; the status code and body,
/// or None when the server is gone.
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<(u16, String)> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn serve(dir: &Path, port: u16, token: &str) -> std::process::Child {
    serve_with(dir, port, token, &[])
}

/// `kenning serve DIR` on `port` with writes on (`token`) and `extra`
/// arguments, once it answers `/healthz`.
pub(crate) fn serve_with(
    dir: &Path,
    port: u16,
    token: &str,
    extra: &[&str],
) -> std::process::Child {
    serve_logging(dir, port, token, extra, None)
}

/// As [`serve_with`], its stderr written to `log` when given.
pub(crate) fn serve_logging(
    dir: &Path,
    port: u16,
    token: &str,
    extra: &[&str],
    log: Option<&Path>,
) -> std::process::Child {
    let stderr = match log {
        Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
        None => std::process::Stdio::null(),
    };
    let child = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(["serve", dir.to_str().unwrap(), "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .env("KENNING_API_TOKEN", token)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while http(port, "GET", "/healthz", "", "").is_none_or(|(s, _)| s != 200) {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child
}
