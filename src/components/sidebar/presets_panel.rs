//! The presets panel: the user's saved presets (name + system prompt + model), each with
//! "Start chat" (handed to the page through `on_start`) and Delete, and a "Save as preset"
//! form prefilled from the current chat's system prompt and model. Server errors (a taken
//! name, a model no longer on offer) are shown in an alert. Not mounted here: the page that
//! hosts it decides where it goes and what starting a chat means.

use crate::api::{delete_preset, list_presets, save_preset};
use crate::ids::PresetId;
use crate::preset::{normalize_preset_name, Preset, MAX_PRESET_NAME_CHARS};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The list of presets, the save form and the error alert.
#[component]
pub fn PresetsPanel(
    /// Called with the chosen preset when its "Start chat" button is pressed.
    on_start: Callback<Preset>,
    /// The chat's model, saved with a new preset (`None`: the preset keeps no model).
    #[prop(into)]
    current_model: Signal<Option<String>>,
    /// The chat's system prompt, prefilled into the form until the user edits it there.
    #[prop(into)]
    current_system_prompt: Signal<String>,
) -> impl IntoView {
    // Bumped after every change so that the list loads again.
    let version = RwSignal::new(0_u32);
    let presets = Resource::new(move || version.get(), |_| list_presets());
    let name = RwSignal::new(String::new());
    let prompt = RwSignal::new(current_system_prompt.get_untracked());
    // Once the user types in the prompt box, the chat's prompt no longer overwrites it.
    let prompt_edited = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    Effect::new(move |_| {
        let current = current_system_prompt.get();
        if !prompt_edited.get_untracked() {
            prompt.set(current);
        }
    });

    let delete = move |id: PresetId| {
        error.set(None);
        spawn_local(async move {
            // The panel may have been closed meanwhile: `try_` leaves disposed signals alone.
            match delete_preset(id).await {
                Ok(()) => {
                    version.try_update(|v| *v = v.wrapping_add(1));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let checked_name = match normalize_preset_name(&name.get_untracked()) {
            Ok(checked) => checked,
            Err(reason) => {
                error.set(Some(reason));
                return;
            }
        };
        error.set(None);
        saving.set(true);
        let system_prompt = prompt.get_untracked();
        let model = current_model.get_untracked();
        spawn_local(async move {
            match save_preset(None, checked_name, system_prompt, model).await {
                Ok(_) => {
                    name.try_set(String::new());
                    prompt_edited.try_set(false);
                    if let Some(current) = current_system_prompt.try_get_untracked() {
                        prompt.try_set(current);
                    }
                    version.try_update(|v| *v = v.wrapping_add(1));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            saving.try_set(false);
        });
    };

    view! {
        <section class="presets-panel" data-testid="presets-panel" aria-label="Presets">
            <h2 class="presets-title">"Presets"</h2>
            <Transition fallback=|| view! { <p class="presets-note">"Loading presets…"</p> }>
                {move || {
                    presets
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="presets-note">"No presets yet."</p> }.into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="preset-list">
                                        {list
                                            .into_iter()
                                            .map(|preset| preset_item(preset, on_start, delete))
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(_) => {
                                view! {
                                    <p class="preset-error" role="alert">
                                        "Could not load presets."
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <form class="preset-form" on:submit=save>
                <h3 class="presets-subtitle">"Save as preset"</h3>
                <label class="preset-field">
                    <span>"Name"</span>
                    <input
                        type="text"
                        data-testid="preset-name-input"
                        required
                        maxlength=MAX_PRESET_NAME_CHARS
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <label class="preset-field">
                    <span>"System prompt"</span>
                    <textarea
                        data-testid="preset-prompt-input"
                        rows="4"
                        prop:value=move || prompt.get()
                        on:input=move |ev| {
                            prompt_edited.set(true);
                            prompt.set(event_target_value(&ev));
                        }
                    ></textarea>
                </label>
                <p class="presets-note">
                    "Model: "
                    {move || current_model.get().unwrap_or_else(|| "none (keeps the picker's choice)".to_string())}
                </p>
                <Show when=move || error.get().is_some()>
                    <p class="preset-error" role="alert" data-testid="preset-error">
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
                <button
                    type="submit"
                    class="preset-save"
                    data-testid="preset-save"
                    disabled=move || saving.get()
                >
                    {move || if saving.get() { "Saving…" } else { "Save preset" }}
                </button>
            </form>
        </section>
    }
}

/// One row: the name, model and start of the prompt, with its two buttons.
fn preset_item(
    preset: Preset,
    on_start: Callback<Preset>,
    delete: impl Fn(PresetId) + Copy + 'static,
) -> impl IntoView {
    let name_id = format!("preset-name-{}", preset.id);
    let id = preset.id.clone();
    let model = preset
        .model
        .clone()
        .unwrap_or_else(|| "any model".to_string());
    let prompt = preset
        .system_prompt
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let name = preset.name.clone();
    view! {
        <li class="preset-item" data-testid="preset-item">
            <div class="preset-text">
                <span class="preset-name" id=name_id.clone()>{name}</span>
                <span class="preset-model">{model}</span>
                <span class="preset-prompt" title=preset.system_prompt.clone()>{prompt}</span>
            </div>
            <button
                type="button"
                class="preset-start"
                data-testid="preset-start"
                aria-describedby=name_id.clone()
                on:click=move |_| on_start.run(preset.clone())
            >
                "Start chat"
            </button>
            <button
                type="button"
                class="preset-delete"
                data-testid="preset-delete"
                aria-describedby=name_id
                on:click=move |_| delete(id.clone())
            >
                "Delete"
            </button>
        </li>
    }
}
