//! `greffe-load`: an open-loop HTTP load generator for the registry
//! benchmarks (docs/benchmarks.md). Requests are scheduled at a fixed rate
//! over keep-alive connections; each latency is measured from the moment
//! the request was due, not from when it was sent, so that a slow server
//! cannot hide its queueing (no coordinated omission).
//!
//! `greffe-load --url http://127.0.0.1:8080 --token T --path '/dossiers/{id}'
//! --ids 100000 --rate 1000 --duration 20`

use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Open-loop HTTP GET load at a fixed rate; prints latency percentiles.
#[derive(Debug, Clone, Parser)]
struct Args {
    /// Base URL (http only), e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// API token.
    #[arg(long)]
    token: String,
    /// Path; `{id}` is replaced by a pseudo-random id in 1..=ids.
    #[arg(long)]
    path: String,
    /// Largest id.
    #[arg(long, default_value_t = 1)]
    ids: u64,
    /// Requests per second, in all.
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    /// Seconds of measurement.
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// Seconds of warm-up before measuring (same rate, not counted).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Connections.
    #[arg(long, default_value_t = 16)]
    connections: u64,
}

struct Outcome {
    latencies_us: Vec<u64>,
    errors: u64,
}

async fn connection(
    index: u64,
    args: &Args,
    host: &str,
    start: Instant,
    measure_from: Instant,
    end: Instant,
) -> std::io::Result<Outcome> {
    let stream = TcpStream::connect(host).await?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let period = Duration::from_nanos(1_000_000_000 * args.connections / args.rate.max(1));
    let mut scheduled = start + Duration::from_nanos(1_000_000_000 * index / args.rate.max(1));
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ index;
    let mut outcome = Outcome { latencies_us: Vec::new(), errors: 0 };
    let mut line = String::new();
    let mut body = Vec::new();
    while scheduled < end {
        tokio::time::sleep_until(scheduled.into()).await;
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let id = (state >> 33) % args.ids.max(1) + 1;
        let path = args.path.replace("{id}", &id.to_string());
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\r\n", args.token);
        write.write_all(request.as_bytes()).await?;
        line.clear();
        read.read_line(&mut line).await?;
        let ok = line.split_whitespace().nth(1) == Some("200");
        let mut length = 0_usize;
        loop {
            line.clear();
            if read.read_line(&mut line).await? == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(length, 0);
        read.read_exact(&mut body).await?;
        if scheduled >= measure_from {
            let latency = Instant::now().duration_since(scheduled);
            outcome.latencies_us.push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
            if !ok {
                outcome.errors += 1;
            }
        }
        scheduled += period;
    }
    Ok(outcome)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    #[allow(clippy::cast_precision_loss)]
    let value = sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0;
    value
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let Some(host) = args.url.strip_prefix("http://").map(|h| h.trim_end_matches('/').to_owned()) else {
        eprintln!("greffe-load : seule une adresse http:// est admise");
        return std::process::ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("greffe-load : {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        let start = Instant::now() + Duration::from_millis(200);
        let measure_from = start + Duration::from_secs(args.warmup);
        let end = measure_from + Duration::from_secs(args.duration);
        let mut tasks = Vec::new();
        for index in 0..args.connections {
            let args = args.clone();
            let host = host.clone();
            tasks.push(tokio::spawn(async move { connection(index, &args, &host, start, measure_from, end).await }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let outcome = task.await.map_err(|e| std::io::Error::other(e.to_string()))??;
            latencies.extend(outcome.latencies_us);
            errors += outcome.errors;
        }
        Ok::<_, std::io::Error>((latencies, errors))
    });
    let (mut latencies, errors) = match result {
        Ok(result) => result,
        Err(error) => {
            eprintln!("greffe-load : {error}");
            return std::process::ExitCode::from(1);
        }
    };
    latencies.sort_unstable();
    #[allow(clippy::cast_precision_loss)]
    let achieved = latencies.len() as f64 / args.duration as f64;
    println!(
        "{{\"requests\": {}, \"errors\": {errors}, \"rate\": {achieved:.1}, \"p50_ms\": {:.3}, \"p90_ms\": {:.3}, \"p99_ms\": {:.3}, \"p999_ms\": {:.3}, \"max_ms\": {:.3}}}",
        latencies.len(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 99.9),
        percentile(&latencies, 100.0),
    );
    if errors > 0 { std::process::ExitCode::from(1) } else { std::process::ExitCode::SUCCESS }
}
