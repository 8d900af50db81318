//! The files of a turn: how many one message may carry, the checks on the ids a request
//! names (the user's own uploads; a gone one is refused with one sentence), the refusal of
//! images for a model that cannot see them (before anything is stored or sent upstream), and
//! the history as the provider receives it — every user message with its files' contents
//! (images as images, PDFs with their text layer, text files with their text) — and the
//! intake's check of an imported conversation's files.

use crate::attachments::AttachmentKind;
use crate::events::ChatMessage;
use crate::ids::AttachmentId;
use crate::providers::{InputFile, InputFileKind, InputMessage};
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::store::{ImportFile, StoreError, StoredFile, UserId};
use crate::transfer::{ImportedFile, ValidImport};
use std::collections::HashMap;
use std::sync::Arc;

/// The sentence for a named file that is not (or no longer) the user's to send.
pub const FILE_GONE: &str = "One of the attached files no longer exists.";

/// Files one message may carry (`[attachments] max_files_per_message`).
pub fn max_files_per_message(state: &AppState) -> usize {
    state.config.attachments.max_files_per_message
}

/// What the intake accepts (`[attachments]` settings).
pub fn intake_limits(state: &AppState) -> sluice_attachments::Limits {
    state.config.attachments.intake_limits()
}

/// Runs every file of an import through the intake, as an upload (on a blocking thread: images
/// are decoded); the first refused file refuses the import with its sentence. The result is
/// aligned with `import.messages`.
pub async fn check_imported_files(
    state: &AppState,
    import: &ValidImport,
) -> Result<Vec<Vec<ImportFile>>, AppError> {
    if import.messages.iter().all(|m| m.files.is_empty()) {
        return Ok(Vec::new());
    }
    let limits = intake_limits(state);
    let files: Vec<Vec<ImportedFile>> = import.messages.iter().map(|m| m.files.clone()).collect();
    let checked = tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|message| {
                message
                    .into_iter()
                    .map(|file| {
                        sluice_attachments::prepare(&file.name, &file.bytes, &limits)
                            .map(|prepared| (file.name, prepared))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("import intake: {e}")))?;
    checked.map_err(|refusal| match refusal {
        sluice_attachments::Refusal::TooLarge { .. } => {
            AppError::PayloadTooLarge(refusal.to_string())
        }
        _ => AppError::BadRequest(refusal.to_string()),
    })
}

/// Refuses a message with more than `max` files.
pub fn check_file_count(count: usize, max: usize) -> Result<(), AppError> {
    if count > max {
        return Err(AppError::BadRequest(format!(
            "A message can carry at most {max} files; this one has {count}. Remove some."
        )));
    }
    Ok(())
}

/// `ids` in their canonical form without repeats, first occurrence kept (a file listed twice
/// is sent once).
pub fn distinct(ids: &[AttachmentId]) -> Vec<AttachmentId> {
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .map(canonical)
        .filter(|id| seen.insert(id.as_str().to_owned()))
        .collect()
}

/// The stored form of an id (a lower-case hyphenated UUID); anything else as it is (the store
/// will not find it).
fn canonical(id: &AttachmentId) -> AttachmentId {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| AttachmentId::from(u.hyphenated().to_string()))
        .unwrap_or_else(|_| id.clone())
}

/// Maps the store's `NotFound` about files to [`FILE_GONE`].
pub fn file_gone(error: StoreError) -> AppError {
    match error {
        StoreError::NotFound => AppError::NotFound(FILE_GONE.to_string()),
        other => AppError::from(other),
    }
}

/// Refuses to send an image to a model that cannot see it, naming the model.
pub fn check_vision<'a>(
    state: &AppState,
    model_id: &str,
    mut kinds: impl Iterator<Item = &'a AttachmentKind>,
) -> Result<(), AppError> {
    if kinds.any(|k| *k == AttachmentKind::Image) && !state.catalog.takes_images(model_id) {
        let label = state
            .catalog
            .model_info(model_id)
            .map_or_else(|| model_id.to_string(), |m| m.label);
        return Err(AppError::BadRequest(format!(
            "{label} cannot see images; choose a model marked 👁 vision, or remove the image."
        )));
    }
    Ok(())
}

/// Loads the contents of every file `history` names (one query; `user`'s files only) and
/// refuses images for a blind `model_id`: everything the provider request needs, checked
/// before anything is written.
pub async fn load_history(
    state: &AppState,
    user: UserId,
    model_id: &str,
    history: Vec<ChatMessage>,
) -> Result<Vec<InputMessage>, AppError> {
    let ids: Vec<AttachmentId> = distinct(
        &history
            .iter()
            .flat_map(|m| m.attachments.iter().cloned())
            .collect::<Vec<_>>(),
    );
    let files = state
        .store
        .attachment_contents(user, &ids)
        .await
        .map_err(file_gone)?;
    check_vision(state, model_id, files.iter().map(|f| &f.meta.kind))?;
    Ok(with_files(history, files))
}

/// `history` as provider input, each message with its files from `files` (by id).
pub fn with_files(history: Vec<ChatMessage>, files: Vec<StoredFile>) -> Vec<InputMessage> {
    let by_id: HashMap<String, InputFile> = files
        .into_iter()
        .map(|file| (file.meta.id.as_str().to_owned(), input_file(file)))
        .collect();
    history
        .into_iter()
        .map(|message| InputMessage {
            role: message.role,
            content: message.content,
            files: message
                .attachments
                .iter()
                .filter_map(|id| by_id.get(canonical(id).as_str()).cloned())
                .collect(),
        })
        .collect()
}

/// One stored file as the providers take it.
fn input_file(file: StoredFile) -> InputFile {
    let text = file.text.unwrap_or_default();
    InputFile {
        name: file.meta.name,
        media_type: file.meta.content_type,
        data: Arc::from(file.bytes),
        kind: match file.meta.kind {
            AttachmentKind::Image => InputFileKind::Image,
            AttachmentKind::Pdf => InputFileKind::Pdf { text },
            AttachmentKind::Text => InputFileKind::Text { text },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{distinct, with_files};
    use crate::attachments::{AttachmentKind, AttachmentMeta};
    use crate::events::{ChatMessage, Role};
    use crate::ids::AttachmentId;
    use crate::providers::InputFileKind;
    use crate::store::StoredFile;

    fn file(id: &str, kind: AttachmentKind, text: Option<&str>) -> StoredFile {
        StoredFile {
            meta: AttachmentMeta {
                id: AttachmentId::from(id),
                name: format!("{id}.bin"),
                kind,
                content_type: "application/octet-stream".to_string(),
                size_bytes: 3,
                width: None,
                height: None,
            },
            bytes: vec![1, 2, 3],
            text: text.map(str::to_string),
        }
    }

    fn user(content: &str, files: &[&str]) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            content: content.to_string(),
            attachments: files.iter().map(|f| AttachmentId::from(*f)).collect(),
        }
    }

    #[test]
    fn every_user_message_carries_its_own_files_in_order() {
        let history = vec![
            user("look", &["img", "doc"]),
            ChatMessage {
                role: Role::Assistant,
                content: "seen".to_string(),
                attachments: Vec::new(),
            },
            user("and this", &["code"]),
        ];
        let files = vec![
            file("code", AttachmentKind::Text, Some("fn main() {}")),
            file("img", AttachmentKind::Image, None),
            file("doc", AttachmentKind::Pdf, Some("page one")),
        ];
        let input = with_files(history, files);
        let kinds: Vec<Vec<InputFileKind>> = input
            .iter()
            .map(|m| m.files.iter().map(|f| f.kind.clone()).collect())
            .collect();
        assert_eq!(
            kinds,
            vec![
                vec![
                    InputFileKind::Image,
                    InputFileKind::Pdf {
                        text: "page one".to_string()
                    }
                ],
                vec![],
                vec![InputFileKind::Text {
                    text: "fn main() {}".to_string()
                }],
            ]
        );
        assert_eq!(input[0].files[0].name, "img.bin");
        assert_eq!(&*input[0].files[0].data, &[1, 2, 3]);
    }

    #[test]
    fn a_file_listed_twice_is_kept_once() {
        let ids: Vec<AttachmentId> = ["a", "b", "a"]
            .into_iter()
            .map(AttachmentId::from)
            .collect();
        let kept = distinct(&ids);
        let kept: Vec<&str> = kept.iter().map(|i| i.as_str()).collect();
        assert_eq!(kept, ["a", "b"]);
    }
}
