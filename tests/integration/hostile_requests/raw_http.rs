//! A raw HTTP/1.1 client over a plain TCP socket, for what reqwest would not send (half a
//! header, `..` in a path, backslashes) and for watching when the server closes a connection.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One response as read off the socket.
#[derive(Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// The status line and headers, as text.
    pub head: String,
    /// The body (for a `Connection: close` exchange, everything after the head).
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value (case-insensitive name), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// Opens a connection to `addr`.
pub async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connect")
}

/// A GET of `target` (sent verbatim) that asks the server to close afterwards.
pub fn get_request(addr: SocketAddr, target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Sends `request` on a new connection and reads the answer to the end of the connection
/// (within 5 s).
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = connect(addr).await;
    stream.write_all(request).await.expect("send request");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut raw))
        .await
        .expect("the server closes the connection after its answer")
        .expect("read answer");
    parse(&raw)
}

/// Reads one response with a `Content-Length` from a connection kept open (within 5 s).
pub async fn read_response(stream: &mut TcpStream) -> RawResponse {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(end) = find(&raw, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_string();
            let length: usize = RawResponse {
                status: 0,
                head: head.clone(),
                body: Vec::new(),
            }
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .expect("a Content-Length");
            if raw.len() >= end + 4 + length {
                return parse(&raw[..end + 4 + length]);
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let read = tokio::time::timeout(left, stream.read(&mut chunk))
            .await
            .expect("a whole response within 5 s")
            .expect("read");
        assert!(read > 0, "connection closed mid-response: {raw:?}");
        raw.extend_from_slice(&chunk[..read]);
    }
}

/// How long after now the server closes `stream` (end of stream or reset), reading and
/// discarding what it sends; `None` if it is still open after `limit`.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut sink = [0u8; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    closed.ok().map(|()| started.elapsed())
}

/// Reads everything the server sends on `stream` until it closes it (end of stream or
/// reset): how long that took and the bytes read; `None` if it is still open after `limit`.
pub async fn read_until_closed<R: tokio::io::AsyncRead + Unpin>(
    stream: &mut R,
    limit: Duration,
) -> Option<(Duration, Vec<u8>)> {
    let started = Instant::now();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => raw.extend_from_slice(&chunk[..read]),
            }
        }
    })
    .await;
    closed.ok().map(|()| (started.elapsed(), raw))
}

/// Splits a raw response into status, head and body.
pub fn parse(raw: &[u8]) -> RawResponse {
    let end = find(raw, b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    RawResponse {
        status,
        head,
        body: raw[end + 4..].to_vec(),
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
