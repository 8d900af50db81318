//! The stored-turn actions on an existing answer, as the tests start them: Regenerate (a new
//! answer to the same user message) and Continue (more text on the same answer). Each returns
//! the response still streaming, so a test can read its status, its events or its refusal.

use super::TestApp;
use serde_json::json;

impl TestApp {
    /// Starts a Regenerate of the answer to `user_message_id` in `conversation`.
    pub async fn regenerate(&self, conversation: &str, user_message_id: &str) -> reqwest::Response {
        self.stored_turn(
            Some(conversation),
            json!({"type": "regenerate", "user_message_id": user_message_id}),
        )
        .await
    }

    /// Starts a Continue of the answer `answer_id` in `conversation`.
    pub async fn continue_answer(&self, conversation: &str, answer_id: &str) -> reqwest::Response {
        self.stored_turn(
            Some(conversation),
            json!({"type": "continue", "answer_id": answer_id}),
        )
        .await
    }
}
