//! The requests behind a chip, made with `XMLHttpRequest` because only it reports upload
//! progress (`upload.onprogress`): [`start_upload`] sends one file's bytes to
//! `POST /api/attachments?name=…` and reports progress and the outcome; [`delete_upload`]
//! tells the server a pending upload was removed (`DELETE /api/attachments/{id}`). Called only
//! from event handlers, so only in the browser.

use super::upload_response::upload_outcome;
use super::upload_state::UploadState;
use sluice_wire::attachments::attachment_url;
use sluice_wire::ids::AttachmentId;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, ProgressEvent, XmlHttpRequest};

/// Starts uploading `file`: `on_progress(sent, total)` as bytes leave, `on_end(state)` once
/// (ready or refused; also after [`XmlHttpRequest::abort`], which the caller then ignores).
/// Returns the request, to abort it.
pub fn start_upload(
    file: &File,
    on_progress: impl Fn(u64, u64) + 'static,
    on_end: impl FnOnce(UploadState) + 'static,
) -> Result<XmlHttpRequest, JsValue> {
    let request = XmlHttpRequest::new()?;
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    request.open_with_async("POST", &format!("/api/attachments?name={name}"), true)?;
    // The browser's guess is a hint only: the server decides from the bytes.
    let guess = file.type_();
    request.set_request_header(
        "Content-Type",
        if guess.is_empty() {
            "application/octet-stream"
        } else {
            &guess
        },
    )?;
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded() as u64, event.total() as u64);
        }
    });
    // The callbacks live as long as the request (JS owns them from here on).
    request
        .upload()?
        .set_onprogress(Some(progress.into_js_value().unchecked_ref()));
    let on_end = RefCell::new(Some(on_end));
    let answered = request.clone();
    let end = Closure::<dyn Fn()>::new(move || {
        let status = answered.status().unwrap_or(0);
        let body = answered.response_text().ok().flatten().unwrap_or_default();
        if let Some(on_end) = on_end.borrow_mut().take() {
            on_end(upload_outcome(status, &body));
        }
    });
    request.set_onloadend(Some(end.into_js_value().unchecked_ref()));
    request.send_with_opt_blob(Some(file))?;
    Ok(request)
}

/// Deletes the pending upload `id` (a removed chip). Fire and forget: an upload left behind
/// is swept by the server after a day anyway.
pub fn delete_upload(id: &AttachmentId) {
    let Ok(request) = XmlHttpRequest::new() else {
        return;
    };
    if request
        .open_with_async("DELETE", &attachment_url(id), true)
        .is_ok()
    {
        let _ = request.send();
    }
}
