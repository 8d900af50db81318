//! The body of `POST /api/chat/stream` (besides `merge_ms`), typed: either a turn in a stored
//! conversation ([`ChatRequest::Stored`] with a [`StoredChat`], the body names an `action`) or a
//! temporary chat that stores nothing ([`ChatRequest::Temporary`] with a [`TemporaryChat`], the
//! body carries the whole history as `messages`); each start function on the server takes its
//! own struct. The JSON is the one README's "The streaming endpoint" documents, with no tag
//! field: the variant follows from which of `action` and `messages` is present, and a body with
//! both or neither is refused while it is read, with one sentence ([`EITHER_ACTION_OR_MESSAGES`]).
//! Written, a request has every documented field (`null` where unused), as the page always sent.

use crate::api_args::refusal;
use crate::events::{ChatMessage, TurnAction};
use crate::ids::ConversationId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a body with both `action` and `messages`, or neither, is refused.
pub const EITHER_ACTION_OR_MESSAGES: &str =
    "Send either an `action` (stored conversation) or `messages` (temporary chat).";

/// What a streaming request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatRequest {
    /// A turn in a stored conversation: the user's message and the answer are stored.
    Stored(StoredChat),
    /// A temporary chat: the whole history travels with each request and nothing is stored.
    Temporary(TemporaryChat),
}

/// A turn in a stored conversation (the body has an `action`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredChat {
    /// The conversation; `None` starts a new one (only with a first `send`).
    pub conversation_id: Option<ConversationId>,
    /// What to do: send, regenerate or continue.
    pub action: TurnAction,
    /// The model asked for; else the conversation's, else the default.
    pub model: Option<String>,
    /// For a new conversation: its system prompt (an existing one keeps its own).
    pub system_prompt: Option<String>,
}

/// A temporary chat (the body has `messages`). A `conversation_id` or `system_prompt` sent
/// with it is accepted and ignored, as it always was: a system prompt is simply the first of
/// `messages`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporaryChat {
    /// The model asked for; else the default.
    pub model: Option<String>,
    /// The conversation so far, the user's new message last.
    pub messages: Vec<ChatMessage>,
}

impl ChatRequest {
    /// The model asked for, if any (either kind of request).
    pub fn model(&self) -> Option<&str> {
        match self {
            Self::Stored(StoredChat { model, .. })
            | Self::Temporary(TemporaryChat { model, .. }) => model.as_deref(),
        }
    }
}

/// The body as JSON has it, read: every field optional (`null` is an absence).
#[derive(Deserialize)]
struct Body {
    /// `ChatRequest::model` of either kind.
    #[serde(default)]
    model: Option<String>,
    /// Present: a temporary chat.
    #[serde(default)]
    messages: Option<Vec<ChatMessage>>,
    /// A stored turn's conversation.
    #[serde(default)]
    conversation_id: Option<ConversationId>,
    /// Present: a stored turn.
    #[serde(default)]
    action: Option<TurnAction>,
    /// A stored turn's system prompt for a new conversation.
    #[serde(default)]
    system_prompt: Option<String>,
}

/// The body as JSON has it, written: every field of [`Body`], in the order the page has
/// always written them, `null` where the request has none (borrowed, so writing copies nothing).
#[derive(Serialize)]
struct BodyOut<'a> {
    /// See [`Body::model`].
    model: Option<&'a String>,
    /// See [`Body::messages`].
    messages: Option<&'a Vec<ChatMessage>>,
    /// See [`Body::conversation_id`].
    conversation_id: Option<&'a ConversationId>,
    /// See [`Body::action`].
    action: Option<&'a TurnAction>,
    /// See [`Body::system_prompt`].
    system_prompt: Option<&'a String>,
}

impl Serialize for ChatRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body = match self {
            Self::Stored(StoredChat {
                conversation_id,
                action,
                model,
                system_prompt,
            }) => BodyOut {
                model: model.as_ref(),
                messages: None,
                conversation_id: conversation_id.as_ref(),
                action: Some(action),
                system_prompt: system_prompt.as_ref(),
            },
            Self::Temporary(TemporaryChat { model, messages }) => BodyOut {
                model: model.as_ref(),
                messages: Some(messages),
                conversation_id: None,
                action: None,
                system_prompt: None,
            },
        };
        body.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ChatRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read through a JSON value so a bad field is named by its path even here, where the
        // server function's arguments flatten this request (serde loses the path there).
        let fields = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let body: Body = serde_path_to_error::deserialize(serde_json::Value::Object(fields))
            .map_err(|error| {
                serde::de::Error::custom(refusal(&error.path().to_string(), error.inner()))
            })?;
        match (body.action, body.messages) {
            (Some(action), None) => Ok(Self::Stored(StoredChat {
                conversation_id: body.conversation_id,
                action,
                model: body.model,
                system_prompt: body.system_prompt,
            })),
            (None, Some(messages)) => Ok(Self::Temporary(TemporaryChat {
                model: body.model,
                messages,
            })),
            _ => Err(serde::de::Error::custom(EITHER_ACTION_OR_MESSAGES)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Role;

    /// Reads `json` as the server does.
    fn read(json: &str) -> Result<ChatRequest, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_body_with_an_action_is_a_stored_turn() {
        let request = read(
            r#"{"conversation_id": "1d2e", "action": {"type": "regenerate", "user_message_id": "77a1"},
                "model": "demo/sluice-demo", "system_prompt": "Be brief."}"#,
        );
        assert_eq!(
            request,
            Ok(ChatRequest::Stored(StoredChat {
                conversation_id: Some("1d2e".into()),
                action: TurnAction::Regenerate {
                    user_message_id: "77a1".into()
                },
                model: Some("demo/sluice-demo".into()),
                system_prompt: Some("Be brief.".into()),
            }))
        );
        // Explicit nulls are absences, as the page writes them.
        let request = read(
            r#"{"model": null, "messages": null, "conversation_id": null,
                "action": {"type": "send", "content": "Hi"}, "system_prompt": null}"#,
        );
        assert_eq!(
            request,
            Ok(ChatRequest::Stored(StoredChat {
                conversation_id: None,
                action: TurnAction::Send {
                    parent_id: None,
                    content: "Hi".into(),
                    attachments: Vec::new(),
                },
                model: None,
                system_prompt: None,
            }))
        );
    }

    #[test]
    fn a_body_with_messages_is_a_temporary_chat() {
        let request = read(
            r#"{"model": "demo/sluice-demo", "messages": [{"role": "user", "content": "Hello"}],
                "system_prompt": "ignored", "conversation_id": "ignored too"}"#,
        );
        assert_eq!(
            request,
            Ok(ChatRequest::Temporary(TemporaryChat {
                model: Some("demo/sluice-demo".into()),
                messages: vec![ChatMessage {
                    role: Role::User,
                    content: "Hello".into(),
                    attachments: Vec::new(),
                }],
            }))
        );
        // An empty history is still a temporary chat (refused later, with its own sentence).
        assert_eq!(
            read(r#"{"messages": []}"#),
            Ok(ChatRequest::Temporary(TemporaryChat {
                model: None,
                messages: Vec::new()
            }))
        );
    }

    #[test]
    fn both_or_neither_is_refused_with_one_sentence() {
        for json in [
            r#"{"action": {"type": "send", "content": "Hi"}, "messages": [{"role": "user", "content": "Hi"}]}"#,
            r#"{}"#,
            r#"{"model": "demo/sluice-demo"}"#,
            r#"{"action": null, "messages": null}"#,
        ] {
            let error = read(json).expect_err(json);
            assert!(
                error.starts_with(EITHER_ACTION_OR_MESSAGES),
                "{json}: {error}"
            );
        }
    }

    #[test]
    fn a_bad_field_is_named_by_its_path_even_when_flattened() {
        /// The server function's arguments: this request flattened beside another field.
        #[derive(Deserialize)]
        struct Args {
            #[serde(flatten)]
            _request: ChatRequest,
            #[serde(default)]
            _merge_ms: Option<u32>,
        }
        let error = serde_json::from_str::<Args>(r#"{"action": 5, "merge_ms": 40}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with("The field `action` must be an object with a `type`, not a number."),
            "{error}"
        );
        let error =
            serde_json::from_str::<Args>(r#"{"messages": [{"role": "robot", "content": "Hi"}]}"#)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
        assert!(
            error.starts_with("The field `messages[0].role` cannot be `robot`"),
            "{error}"
        );
    }

    #[test]
    fn wrong_types_are_refused() {
        for json in [
            r#"{"action": "send"}"#,
            r#"{"action": {"type": "shout", "content": "Hi"}}"#,
            r#"{"action": {"type": "send"}}"#,
            r#"{"messages": "Hi"}"#,
            r#"{"messages": [{"role": "robot", "content": "Hi"}]}"#,
            r#"{"messages": [], "model": 5}"#,
            r#"{"action": {"type": "continue", "answer_id": "c3f9"}, "conversation_id": 7}"#,
            r#""action""#,
        ] {
            let error = read(json).expect_err(json);
            assert!(
                !error.contains(EITHER_ACTION_OR_MESSAGES),
                "{json}: {error}"
            );
        }
    }

    #[test]
    fn written_requests_have_every_field_in_the_page_order() {
        let stored = ChatRequest::Stored(StoredChat {
            conversation_id: Some("1d2e".into()),
            action: TurnAction::Continue {
                answer_id: "c3f9".into(),
            },
            model: None,
            system_prompt: None,
        });
        let json = serde_json::to_string(&stored).expect("serialises");
        assert_eq!(
            json,
            "{\"model\":null,\"messages\":null,\"conversation_id\":\"1d2e\",\
             \"action\":{\"type\":\"continue\",\"answer_id\":\"c3f9\"},\"system_prompt\":null}"
        );
        assert_eq!(read(&json), Ok(stored));
        let temporary = ChatRequest::Temporary(TemporaryChat {
            model: Some("m".into()),
            messages: vec![ChatMessage {
                role: Role::User,
                content: "Hi".into(),
                attachments: Vec::new(),
            }],
        });
        let json = serde_json::to_string(&temporary).expect("serialises");
        assert_eq!(
            json,
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\
             \"conversation_id\":null,\"action\":null,\"system_prompt\":null}"
        );
        assert_eq!(read(&json), Ok(temporary));
    }
}
