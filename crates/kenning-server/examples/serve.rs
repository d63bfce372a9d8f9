//! Serves a snapshot folder without the command line crate:
//! `cargo run -p kenning-server --example serve -- DIR [ADDR] [INSTITUTION]`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: serve DIR [ADDR] [INSTITUTION]")?);
    let addr: SocketAddr = args.next().as_deref().unwrap_or("127.0.0.1:8080").parse()?;
    let config = kenning_server::ServerConfig {
        institution: args.next(),
        notice: None,
        ..Default::default()
    };
    let started = Instant::now();
    let engine = Arc::new(kenning_engine::Engine::open(&dir)?);
    let _ = kenning_server::app(Arc::clone(&engine), config.clone());
    eprintln!("opened {} in {:?}", dir.display(), started.elapsed());
    kenning_server::serve(engine, config, addr).await?;
    Ok(())
}
