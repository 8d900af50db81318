//! Just enough HTTP/1.1 for the fake upstream: read one request (request line, headers,
//! `Content-Length` body, with size caps) and frame responses (`Connection: close`; fixed
//! bodies with `Content-Length`, streams with chunked transfer coding so a client can tell a
//! complete stream from one cut short).

use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest request head (request line plus headers) accepted, in bytes.
const MAX_HEAD_BYTES: usize = 32 * 1024;
/// Largest request body accepted, in bytes (long chat histories fit easily).
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The terminating chunk of a chunked body.
pub(crate) const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// One parsed request.
#[derive(Debug)]
pub(crate) struct Request {
    /// Method such as `GET`, used for routing.
    pub(crate) method: String,
    /// Request target as sent (path plus optional query), recorded for tests.
    pub(crate) target: String,
    /// Header names (lower-cased) and values, for auth and body length.
    pub(crate) headers: Vec<(String, String)>,
    /// The body, read according to `Content-Length`.
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The target without its query string, for routing.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The client closed or failed before sending a whole request: nothing to answer.
    Closed,
    /// The request is unacceptable: answer with this status and message.
    Rejected(u16, &'static str),
}

/// Reads one request from `reader`.
pub(crate) async fn read_request<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Request, ReadError> {
    let mut buffer = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(ReadError::Rejected(431, "request head too large"));
        }
        read_more(reader, &mut buffer).await?;
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Rejected(400, "bad request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Rejected(505, "only HTTP/1.x is supported"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Rejected(400, "bad header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err(ReadError::Rejected(
            411,
            "send the body with Content-Length",
        ));
    }
    let length = match request.header("content-length") {
        Some(value) => value
            .parse::<usize>()
            .map_err(|_| ReadError::Rejected(400, "bad Content-Length"))?,
        None => 0,
    };
    if length > MAX_BODY_BYTES {
        return Err(ReadError::Rejected(413, "request body too large"));
    }
    let mut body = buffer.split_off(head_end + 4);
    while body.len() < length {
        read_more(reader, &mut body).await?;
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

/// Reads what is available into `buffer`; end of stream or an error means the client is gone.
async fn read_more<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let mut chunk = [0_u8; 8192];
    match reader.read(&mut chunk).await {
        Ok(0) | Err(_) => Err(ReadError::Closed),
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            Ok(())
        }
    }
}

/// Position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The status line and headers of a response. `content_length: None` means a chunked body.
pub(crate) fn response_head(
    status: u16,
    content_type: &str,
    extra_headers: &[(String, String)],
    content_length: Option<usize>,
) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        reason_phrase(status),
        single_line(content_type)
    );
    match content_length {
        Some(length) => head.push_str(&format!("Content-Length: {length}\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (name, value) in extra_headers {
        head.push_str(&format!(
            "{}: {}\r\n",
            single_line(name),
            single_line(value)
        ));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Frames `bytes` as one chunk of a chunked body (`bytes` must not be empty: an empty chunk
/// would end the body).
pub(crate) fn chunk_frame(bytes: &[u8]) -> Vec<u8> {
    let mut frame = format!("{:X}\r\n", bytes.len()).into_bytes();
    frame.extend_from_slice(bytes);
    frame.extend_from_slice(b"\r\n");
    frame
}

/// Replaces CR and LF so a header value cannot end the header early.
fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Standard reason phrase for the statuses the fake sends.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}
