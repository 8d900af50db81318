//! The [`Provider`] trait: one implementation per upstream API, chosen by configuration.

use crate::events::{ChatMessage, ModelInfo};
use crate::providers::ProviderEvent;
use futures::Stream;
use std::pin::Pin;

/// A stream of normalized events for one answer. Dropping it must close the upstream request
/// at once: that is how Stop and a vanished browser stop the model.
pub type ProviderStream = Pin<Box<dyn Stream<Item = ProviderEvent> + Send>>;

/// What a provider needs to generate one answer.
#[derive(Clone, Debug)]
pub struct ProviderRequest {
    /// The provider's own model name (without the `provider/` prefix).
    pub model: String,
    /// The conversation so far, ending with the user's message.
    pub messages: Vec<ChatMessage>,
}

/// An upstream that turns a conversation into a stream of answer events.
pub trait Provider: Send + Sync {
    /// Short id used as the prefix of model ids (`openai`, `demo`, …).
    fn id(&self) -> &str;

    /// The models this provider offers, for the picker.
    fn models(&self) -> Vec<ModelInfo>;

    /// Starts generating. Connection errors and HTTP errors arrive as
    /// [`ProviderEvent::Error`] items so that the caller has one path for every failure.
    fn stream(&self, request: ProviderRequest) -> ProviderStream;
}
