//! One connection of the fake upstream: read the request, route it, then either write a fixed
//! reply or play a script while reading the socket, so a client hang-up is noticed at once
//! (end of stream or an error on read; a half-close counts) and stops the script.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

use super::http::{self, ReadError};
use super::records::{RecordId, Recorder};
use super::routes::route;
use super::scenarios::{Reply, ReplyBody};
use super::script::{ScriptStep, Shared};

/// Longest time a client may take to send its request.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the one request of a connection.
pub(super) async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let request =
        match tokio::time::timeout(REQUEST_READ_TIMEOUT, http::read_request(&mut reader)).await {
            Ok(Ok(request)) => request,
            Ok(Err(ReadError::Rejected(status, message))) => {
                let reply = Reply::openai_error(status, message, "invalid_request_error", None);
                if let ReplyBody::Fixed(body) = &reply.body {
                    send_fixed(&mut writer, &reply, body).await;
                }
                return;
            }
            Ok(Err(ReadError::Closed)) | Err(_) => return,
        };
    let (reply, record) = route(&shared, &request).await;
    let recorder = &shared.recorder;
    match &reply.body {
        ReplyBody::Steps(steps) => play(reader, writer, &reply, steps, recorder, record).await,
        ReplyBody::Fixed(body) => {
            let sent = send_fixed(&mut writer, &reply, body).await;
            if let Some(id) = record.filter(|_| sent) {
                recorder.add_bytes(id, body.len());
                recorder.update(id, |record| record.completed = true);
            }
        }
    }
    if let Some(id) = record {
        recorder.finish(id);
    }
}

/// Writes a whole reply with `Content-Length`; false if the client was gone.
async fn send_fixed(writer: &mut OwnedWriteHalf, reply: &Reply, body: &[u8]) -> bool {
    let mut bytes = http::response_head(
        reply.status,
        &reply.content_type,
        &reply.extra_headers,
        Some(body.len()),
    );
    bytes.extend_from_slice(body);
    let written = writer.write_all(&bytes).await.is_ok();
    let _ = writer.shutdown().await;
    written
}

/// How a played script ended.
enum Outcome {
    /// Every step ran and the body was ended.
    Completed,
    /// A `CloseAbruptly` step ran.
    ClosedAbruptly,
    /// The client hung up (read side) or a write failed.
    ClientGone,
}

/// Sends the head, then runs the steps while watching for the client's hang-up.
async fn play(
    mut reader: OwnedReadHalf,
    mut writer: OwnedWriteHalf,
    reply: &Reply,
    steps: &[ScriptStep],
    recorder: &Recorder,
    record: Option<RecordId>,
) {
    let outcome = tokio::select! {
        biased;
        () = wait_for_hangup(&mut reader) => Outcome::ClientGone,
        outcome = run_steps(&mut writer, reply, steps, recorder, record) => outcome,
    };
    match (outcome, record) {
        (Outcome::Completed, Some(id)) => recorder.update(id, |record| record.completed = true),
        (Outcome::ClientGone, Some(id)) => recorder.client_disconnected(id),
        _ => {}
    }
    let _ = writer.shutdown().await;
}

/// Returns when the client closes its side or the connection fails.
async fn wait_for_hangup(reader: &mut OwnedReadHalf) {
    let mut scratch = [0_u8; 1024];
    while let Ok(read) = reader.read(&mut scratch).await {
        if read == 0 {
            return;
        }
    }
}

/// Writes the head and plays the steps.
async fn run_steps(
    writer: &mut OwnedWriteHalf,
    reply: &Reply,
    steps: &[ScriptStep],
    recorder: &Recorder,
    record: Option<RecordId>,
) -> Outcome {
    let head = http::response_head(
        reply.status,
        &reply.content_type,
        &reply.extra_headers,
        None,
    );
    if writer.write_all(&head).await.is_err() {
        return Outcome::ClientGone;
    }
    // Waits add up against one deadline, so timer overshoot does not accumulate: the n-th
    // send happens at the sum of the waits before it, as the script says.
    let mut deadline = tokio::time::Instant::now();
    for step in steps {
        match step {
            ScriptStep::Wait(pause) => {
                deadline += *pause;
                tokio::time::sleep_until(deadline).await;
            }
            ScriptStep::Send(bytes) if bytes.is_empty() => {}
            ScriptStep::Send(bytes) => {
                if writer.write_all(&http::chunk_frame(bytes)).await.is_err() {
                    return Outcome::ClientGone;
                }
                if let Some(id) = record {
                    recorder.add_bytes(id, bytes.len());
                }
            }
            ScriptStep::CloseAbruptly => return Outcome::ClosedAbruptly,
        }
    }
    if writer.write_all(http::LAST_CHUNK).await.is_err() {
        return Outcome::ClientGone;
    }
    Outcome::Completed
}
