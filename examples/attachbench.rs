//! `make bench`, attachments: how long an upload takes from its start to "ready to send" (the
//! answer of `POST /api/attachments?name=…`, which holds the normalised file's metadata) for a
//! 12-megapixel photo and a 20-page PDF with text, and the server's memory while 20 such
//! uploads run at once.
//!
//! Both inputs are generated here: a 4000×3000 JPEG of gradients, waves and noise (sized like a
//! phone photo) and a 20-page PDF written with `lopdf`. First `prepare()` (the intake crate,
//! the CPU work of an upload) is timed alone in this process; then the release server binary
//! is started (its own data directory, SQLite, limits off) and each input is uploaded one at a
//! time, then `--concurrent` at once (a comma-separated list of levels), while the server process's RSS (VmRSS) is sampled every
//! 20 ms. Results are written as the `attachbench` section of the output file (other sections
//! are kept).
//!
//! Usage: `cargo run --release --no-default-features --features ssr --example attachbench --
//! --out BENCHMARKS.md [--runs 5] [--concurrent 1,20] [--binary target/release/sluice]
//! [--http true]` (`--http false`: only `prepare()`).

mod bench_support;
#[path = "bench_support/process.rs"]
mod process;

use bench_support::{machine, percentile, write_section};
use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use process::{cpu_seconds, rss_kib};
use sluice_attachments::{prepare, Limits};
use sluice_wire::attachments::AttachmentMeta;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// Settings from the command line.
struct Options {
    /// Timed runs per input (`prepare()` alone, and uploads one at a time).
    runs: usize,
    /// Uploads at once in the memory phase (one burst per level and input).
    concurrent: Vec<usize>,
    /// Server binary.
    binary: String,
    /// Whether to run the HTTP part (the server).
    http: bool,
    /// Markdown file to write.
    out: String,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        runs: 5,
        concurrent: vec![20],
        binary: "target/release/sluice".into(),
        http: true,
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--runs" => options.runs = value.parse().map_err(|_| "bad --runs")?,
            "--concurrent" => {
                options.concurrent = bench_support::number_list(&value, "--concurrent level")?
            }
            "--binary" => options.binary = value,
            "--http" => options.http = value.parse().map_err(|_| "bad --http (true or false)")?,
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.runs == 0 || options.concurrent.is_empty() || options.concurrent.contains(&0) {
        return Err("--runs and --concurrent must be positive".into());
    }
    Ok(options)
}

/// One generated upload.
struct Input {
    /// What it is, in tables.
    label: String,
    /// The file name sent as `?name=`.
    name: &'static str,
    /// The browser's type hint (`Content-Type`).
    content_type: &'static str,
    /// The file's bytes (shared by the concurrent uploads without copying).
    bytes: Bytes,
}

/// A 4000×3000 photo-like JPEG (quality 92): smooth gradients, low-frequency waves (shapes)
/// and per-pixel noise (sensor grain), which is what makes camera JPEGs megabytes large.
fn photo_jpeg() -> Vec<u8> {
    let (width, height) = (4000u32, 3000u32);
    let mut seed = 0x9E37_79B9_u32;
    let image = RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 29) as f32 - 14.0;
        let wave = ((x as f32 / 97.0).sin() + (y as f32 / 61.0).cos()) * 40.0;
        let channel = |base: f32| (base + wave + grain).clamp(0.0, 255.0) as u8;
        image::Rgb([
            channel(x as f32 * 200.0 / width as f32),
            channel(y as f32 * 180.0 / height as f32 + 30.0),
            channel(120.0 + (x + y) as f32 * 60.0 / (width + height) as f32),
        ])
    });
    let mut out = Vec::new();
    let _ = JpegEncoder::new_with_quality(&mut out, 92).encode_image(&image);
    out
}

/// A PDF of `pages` pages of Helvetica text, 45 lines each.
fn text_pdf(pages: usize) -> Result<Vec<u8>, String> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for page in 1..=pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 10.into()]),
            Operation::new("TL", vec![15.into()]),
            Operation::new("Td", vec![60.into(), 760.into()]),
        ];
        for line in 1..=45 {
            let text = format!("Page {page}, line {line}: the quarterly figures show steady growth in every region we serve.");
            operations.push(Operation::new("Tj", vec![Object::string_literal(text)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().map_err(|e| e.to_string())?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Bytes as MiB, one decimal.
fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

/// Resets this process's peak RSS to its current RSS (Linux: `5` into `/proc/self/clear_refs`)
/// and returns that RSS, KiB.
fn reset_peak_rss() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    rss_kib(std::process::id())
}

/// This process's peak RSS since the last reset (VmHWM), KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// `prepare()` alone: p50 and min ms over `runs`, the most memory one call took above the
/// process's RSS at its start (peak RSS, reset before each call), and what it stores.
fn prepare_section(inputs: &[Input], runs: usize) -> Result<String, String> {
    let limits = Limits::default();
    let mut out = String::from("### `prepare()` alone (this process, one thread)\n\n");
    out.push_str("| input | upload | p50 ms | min ms | peak memory above the start MiB | stored |\n|---|---|---|---|---|---|\n");
    for input in inputs {
        let mut times = Vec::new();
        let mut stored = String::new();
        let mut peak_above_kib = 0;
        for _ in 0..runs {
            let start_kib = reset_peak_rss();
            let start = Instant::now();
            let prepared = prepare(input.name, &input.bytes, &limits)
                .map_err(|refusal| format!("prepare refused the bench's input: {refusal}"))?;
            times.push(start.elapsed().as_secs_f64() * 1e3);
            peak_above_kib = peak_above_kib.max(peak_rss_kib().saturating_sub(start_kib));
            stored = match (prepared.width, prepared.height, prepared.pages) {
                (Some(w), Some(h), _) => {
                    format!(
                        "{} {w}×{h}, {}",
                        prepared.content_type,
                        mib(prepared.bytes.len())
                    )
                }
                (_, _, Some(pages)) => format!(
                    "the PDF ({pages} pages) + {} KiB of text",
                    prepared.text.map_or(0, |t| t.len()) / 1024
                ),
                _ => prepared.content_type,
            };
        }
        times.sort_by(f64::total_cmp);
        out.push_str(&format!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {stored} |\n",
            input.label,
            mib(input.bytes.len()),
            percentile(&times, 50.0),
            times[0],
            peak_above_kib as f64 / 1024.0
        ));
    }
    out.push('\n');
    Ok(out)
}

/// The release server, killed (and its data directory removed) on drop.
struct Server {
    /// The process.
    child: Child,
    /// Its data directory.
    data_dir: PathBuf,
    /// Its base URL.
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Starts `binary` on a free loopback port with a fresh data directory and waits until it
/// answers.
async fn start_server(binary: &str) -> Result<Server, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let data_dir = std::env::temp_dir().join(format!("sluice-attachbench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let child = std::process::Command::new(binary)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // A benchmark is not abuse: the per-IP limit is off, the quota far away.
        .env("SLUICE_IP_REQUESTS_PER_MINUTE", "0")
        .env("SLUICE_PAGE_LOADS_PER_MINUTE", "0")
        .env("SLUICE_MAX_USER_STORAGE_BYTES", (64u64 << 30).to_string())
        .env("SLUICE_DETECT_OLLAMA", "false")
        .env("SLUICE_DATA_DIR", &data_dir)
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {binary}: {e} (run `make build` first)"))?;
    let server = Server {
        child,
        data_dir,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{}/", server.base)).await.is_err() {
        if Instant::now() > deadline {
            return Err("the server did not start within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(server)
}

/// One upload: ms from the request's start to the whole answer, and the answer.
async fn upload(
    client: &reqwest::Client,
    base: &str,
    input: &Input,
) -> Result<(f64, AttachmentMeta), String> {
    let start = Instant::now();
    let response = client
        .post(format!("{base}/api/attachments"))
        .query(&[("name", input.name)])
        .header(reqwest::header::CONTENT_TYPE, input.content_type)
        .body(input.bytes.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
    }
    let meta = serde_json::from_slice(&body).map_err(|e| format!("bad answer: {e}"))?;
    Ok((ms, meta))
}

/// What `n` uploads at once measured.
struct Burst {
    /// Each successful upload's ms, sorted.
    times: Vec<f64>,
    /// Failed uploads (first error kept).
    errors: Vec<String>,
    /// Peak server RSS, KiB.
    peak_rss_kib: u64,
    /// Server CPU seconds used.
    cpu_seconds: f64,
    /// Wall time, s.
    wall_seconds: f64,
}

/// Runs `n` uploads of `input` at once (released together by a barrier) while sampling the
/// server's RSS.
async fn burst(client: &reqwest::Client, server: &Server, input: &Arc<Input>, n: usize) -> Burst {
    let pid = server.child.id();
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while sampling.load(Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak
        })
    };
    let cpu_before = cpu_seconds(pid);
    let barrier = Arc::new(Barrier::new(n));
    let wall = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, base, input, barrier) = (
                client.clone(),
                server.base.clone(),
                input.clone(),
                barrier.clone(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                upload(&client, &base, &input).await.map(|(ms, _)| ms)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(ms)) => times.push(ms),
            Ok(Err(error)) => errors.push(error),
            Err(error) => errors.push(error.to_string()),
        }
    }
    let wall_seconds = wall.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    let peak_rss_kib = sampler.await.unwrap_or(0).max(rss_kib(pid));
    times.sort_by(f64::total_cmp);
    Burst {
        times,
        errors,
        peak_rss_kib,
        cpu_seconds: cpu_seconds(pid) - cpu_before,
        wall_seconds,
    }
}

/// The HTTP part: one at a time, then `concurrent` at once, through the release server.
async fn http_section(inputs: Vec<Input>, options: &Options) -> Result<String, String> {
    let server = start_server(&options.binary).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| e.to_string())?;
    let pid = server.child.id();
    let mut out = String::from("### Upload to \"ready to send\" (`POST /api/attachments`, release server, loopback, one at a time)\n\n");
    out.push_str("| input | uploads | p50 ms | max ms | answer |\n|---|---|---|---|---|\n");
    for input in &inputs {
        let mut times = Vec::new();
        let mut answer = String::new();
        for _ in 0..options.runs {
            let (ms, meta) = upload(&client, &server.base, input).await?;
            times.push(ms);
            answer = format!(
                "{} {}, {}",
                meta.kind.as_str(),
                meta.content_type,
                mib(meta.size_bytes as usize)
            );
        }
        times.sort_by(f64::total_cmp);
        out.push_str(&format!(
            "| {} | {} | {:.0} | {:.0} | {answer} |\n",
            input.label,
            times.len(),
            percentile(&times, 50.0),
            times[times.len() - 1]
        ));
    }
    let idle_rss = rss_kib(pid);
    out.push_str(&format!(
        "\n### Uploads at once (server process RSS, VmRSS sampled every 20 ms; idle after the uploads above: {:.0} MiB)\n\n",
        idle_rss as f64 / 1024.0,
    ));
    out.push_str("| input | uploads at once | failed (first error) | wall s | p50 / max ms | **server RSS peak MiB** | above idle per upload MiB | server CPU s |\n|---|---|---|---|---|---|---|---|\n");
    let inputs: Vec<Arc<Input>> = inputs.into_iter().map(Arc::new).collect();
    for (&n, input) in options
        .concurrent
        .iter()
        .flat_map(|n| inputs.iter().map(move |input| (n, input)))
    {
        eprintln!("{n} × {}…", input.label);
        let result = burst(&client, &server, input, n).await;
        let above = result.peak_rss_kib.saturating_sub(idle_rss) as f64 / 1024.0;
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} | {:.0} / {:.0} | {:.0} | {:.1} | {:.1} |\n",
            input.label,
            n,
            match result.errors.first() {
                Some(first) => format!("{} ({first})", result.errors.len()),
                None => "0".into(),
            },
            result.wall_seconds,
            percentile(&result.times, 50.0),
            result.times.last().copied().unwrap_or(f64::NAN),
            result.peak_rss_kib as f64 / 1024.0,
            above / n as f64,
            result.cpu_seconds,
        ));
    }
    out.push('\n');
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
    eprintln!("generating the photo and the PDF…");
    let photo = Bytes::from(photo_jpeg());
    let pdf = Bytes::from(text_pdf(20)?);
    let inputs = vec![
        Input {
            label: "12-megapixel photo (4000×3000 JPEG)".into(),
            name: "photo.jpg",
            content_type: "image/jpeg",
            bytes: photo,
        },
        Input {
            label: "20-page PDF with text".into(),
            name: "report.pdf",
            content_type: "application/pdf",
            bytes: pdf,
        },
    ];
    let mut body = String::from("## Attachments (`examples/attachbench.rs`)\n\n");
    body.push_str("Written by `make bench` (`cargo run --release --no-default-features --features ssr --example attachbench -- --out BENCHMARKS.md`). Inputs generated by the bench: a photo-like JPEG (gradients, waves, grain; quality 92) and a `lopdf` PDF of 45 lines per page. \"Ready to send\" is the answer of `POST /api/attachments` (the normalised file stored, its metadata returned).\n\n");
    body.push_str(&format!("- Machine: {}\n\n", machine()));
    eprintln!("prepare() alone…");
    body.push_str(&prepare_section(&inputs, options.runs)?);
    if options.http {
        body.push_str(&http_section(inputs, &options).await?);
    } else {
        body.push_str("The HTTP part (uploads through the server, memory with uploads at once) was not run (`--http false`).\n");
    }
    print!("{body}");
    write_section(&options.out, "attachbench", &body)
}
