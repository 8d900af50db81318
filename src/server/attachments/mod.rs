//! The attachment routes (issue 25), plain axum handlers because their bodies and answers are
//! files, not values: [`upload_route`] (`POST /api/attachments?name=…`, the raw bytes in, an
//! `AttachmentMeta` out), [`file_route`] (`GET /api/attachments/{id}`, the bytes to their
//! owner), [`delete_route`] (`DELETE /api/attachments/{id}`, a pending upload's ✕), the upload
//! name and download header rules ([`file_name`]) and the hourly [`sweeper`] of uploads never
//! sent. Their refusals are the `ApiError` JSON like a server function's ([`paths`] tells
//! `api_response` so).

pub mod delete_route;
pub mod file_name;
pub mod file_route;
pub mod paths;
pub mod sweeper;
pub mod upload_route;

use crate::api_error::ApiError;
use crate::server::api_response;
use crate::server::error::AppError;
use axum::response::Response;

/// `error` as the `ApiError` JSON with its kind's status (and `Retry-After`).
pub fn refused(error: AppError) -> Response {
    api_response::json_refusal(ApiError::from(error))
}
