//! The model picker: models grouped by provider, those that take images marked "👁 (sees
//! images)", and a clear badge when the offline demo model is selected.

use crate::components::chat_session::ModelChoice;
use crate::events::ModelInfo;
use leptos::prelude::*;

/// `<select aria-label="Model">` plus the demo badge.
#[component]
pub fn ModelPicker() -> impl IntoView {
    let choice = expect_context::<ModelChoice>();
    view! {
        <Transition fallback=|| view! { <span class="model-loading">"Loading models…"</span> }>
            {move || {
                choice
                    .list
                    .get()
                    .map(|result| match result {
                        Ok(list) => picker(choice, list.models).into_any(),
                        Err(_) => {
                            view! { <span class="model-error" role="alert">"Could not load models."</span> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// The select element and badge for a loaded list.
fn picker(choice: ModelChoice, models: Vec<ModelInfo>) -> impl IntoView {
    let mut groups: Vec<(String, Vec<ModelInfo>)> = Vec::new();
    for model in models.iter().cloned() {
        match groups
            .iter_mut()
            .find(|(provider, _)| *provider == model.provider)
        {
            Some((_, list)) => list.push(model),
            None => groups.push((model.provider.clone(), vec![model])),
        }
    }
    let is_demo = move || {
        let current = choice.effective();
        models
            .iter()
            .any(|m| m.is_demo && Some(&m.id) == current.as_ref())
    };
    view! {
        <label class="model-picker">
            <select
                aria-label="Model"
                on:change=move |ev| choice.selected.set(event_target_value(&ev))
            >
                {groups
                    .into_iter()
                    .map(|(provider, models)| {
                        view! {
                            <optgroup label=provider>
                                {models
                                    .into_iter()
                                    .map(|m| {
                                        let id = m.id.clone();
                                        // The attribute renders on the server; the property
                                        // moves the selection after the user picked by hand.
                                        let id = StoredValue::new(id);
                                        let is_selected = move || {
                                            id.with_value(|id| choice.effective().as_ref() == Some(id))
                                        };
                                        view! {
                                            <option
                                                value=m.id.clone()
                                                selected=is_selected
                                                prop:selected=is_selected
                                            >
                                                {option_label(&m)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </optgroup>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <Show when=is_demo>
            <span class="demo-badge" data-testid="demo-badge" title="Canned answers, no real model">
                "Demo model — offline, canned answers"
            </span>
        </Show>
    }
}

/// An option's text: the model's label, marked when it sees images (an `<option>` holds text
/// only, so the mark is words, not an icon with a text alternative).
pub fn option_label(model: &ModelInfo) -> String {
    if model.vision {
        format!("{} 👁 (sees images)", model.label)
    } else {
        model.label.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::option_label;
    use crate::events::ModelInfo;

    #[test]
    fn vision_models_are_marked_in_words() {
        let mut model = ModelInfo {
            id: "demo/demo".to_string(),
            label: "Demo".to_string(),
            provider: "demo".to_string(),
            is_demo: true,
            vision: true,
        };
        assert_eq!(option_label(&model), "Demo 👁 (sees images)");
        model.vision = false;
        assert_eq!(option_label(&model), "Demo");
    }
}
