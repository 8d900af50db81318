//! The note beside the composer when images are attached but the chosen model cannot see them
//! (`ModelInfo.vision` false): said before sending, so the user can switch model or remove the
//! images. The server refuses such a message too; its sentence then shows under the answer.

use super::draft::AttachmentDraft;
use crate::components::chat_session::ModelChoice;
use leptos::prelude::*;

/// The sentence, when `has_images` and the model `label` lacks `vision`.
pub fn vision_warning(label: &str, vision: bool, has_images: bool) -> Option<String> {
    (has_images && !vision).then(|| {
        format!("{label} cannot see images: choose a model marked 👁 (sees images), or remove the images.")
    })
}

/// `<p role="status" data-testid="vision-note">` while it applies.
#[component]
pub fn VisionNote(draft: AttachmentDraft) -> impl IntoView {
    let choice = expect_context::<ModelChoice>();
    // The model list is only read once an image is attached (never while rendering on the
    // server, where the composer has no files).
    let warning = move || {
        if !draft.has_images() {
            return None;
        }
        let model = choice.effective_model()?;
        vision_warning(&model.label, model.vision, true)
    };
    view! {
        <p class="vision-note" role="status" data-testid="vision-note">{warning}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::vision_warning;

    #[test]
    fn only_images_for_a_blind_model_are_warned_about() {
        let said = vision_warning("Echo", false, true).unwrap_or_default();
        assert!(said.starts_with("Echo cannot see images"), "{said}");
        assert_eq!(vision_warning("Echo", true, true), None);
        assert_eq!(vision_warning("Echo", false, false), None);
    }
}
