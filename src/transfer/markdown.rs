//! The Markdown export: a readable copy of what the page shows by default. The title is the
//! heading, the system prompt (if any) comes first, then the latest branch as `## You` /
//! `## Assistant (model)` sections with every text verbatim (it is Markdown already; nothing
//! is escaped or rendered), a line naming the files a message carried (names and kinds; the
//! JSON export carries the files themselves), a quoted note under answers that did not finish, and a footer
//! counting the other versions (regenerations, edits) that only the JSON export keeps.

use crate::conversation::{ConversationTree, Message, MessageStatus, Role};
use std::collections::HashMap;

/// The Markdown document of `tree`'s latest branch.
pub fn to_markdown(tree: &ConversationTree) -> String {
    let mut out = format!("# {}\n\n", one_line(&tree.conversation.title));
    if let Some(prompt) = tree
        .conversation
        .system_prompt
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        push_section(&mut out, "## System prompt", prompt);
    }
    let path = tree.latest_path();
    for message in &path {
        push_section(&mut out, &heading(message), &message.content);
        if let Some(files) = files_line(message) {
            out.push_str(&files);
            out.push_str("\n\n");
        }
        if let Some(note) = status_note(message) {
            out.push_str("> ");
            out.push_str(&note);
            out.push_str("\n\n");
        }
    }
    let others = other_versions(tree, &path);
    if others > 0 {
        let versions = if others == 1 { "version" } else { "versions" };
        out.push_str(&format!(
            "---\n\n*Not included here: {others} other {versions} of messages (regenerated \
             answers or edited messages); the JSON export keeps every branch.*\n"
        ));
    }
    out
}

/// Appends `heading`, a blank line, `text` and a blank line (adding the line end it lacks).
fn push_section(out: &mut String, heading: &str, text: &str) {
    out.push_str(heading);
    out.push_str("\n\n");
    if !text.is_empty() {
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
}

/// `*Attached: photo.png (image), notes.md (text)*` for a message with files.
fn files_line(message: &Message) -> Option<String> {
    if message.attachments.is_empty() {
        return None;
    }
    let listed: Vec<String> = message
        .attachments
        .iter()
        .map(|a| {
            format!(
                "`{}` ({})",
                one_line(&a.name).replace('`', "'"),
                a.kind.as_str()
            )
        })
        .collect();
    Some(format!("*Attached: {}*", listed.join(", ")))
}

/// `## You`, `## Assistant (model)` or `## System`.
fn heading(message: &Message) -> String {
    match (message.role, message.model.as_deref()) {
        (Role::User, _) => "## You".to_string(),
        (Role::Assistant, Some(model)) if !model.trim().is_empty() => {
            format!("## Assistant ({})", one_line(model))
        }
        (Role::Assistant, _) => "## Assistant".to_string(),
        (Role::System, _) => "## System".to_string(),
    }
}

/// What the reader should know about an answer that did not finish normally.
fn status_note(message: &Message) -> Option<String> {
    match message.status {
        MessageStatus::Complete => None,
        MessageStatus::Stopped => Some("*Stopped before the answer was complete.*".to_string()),
        MessageStatus::Error => Some(match message.error.as_deref() {
            Some(error) if !error.trim().is_empty() => {
                format!("*The answer failed:* {}", one_line(error))
            }
            _ => "*The answer failed.*".to_string(),
        }),
        MessageStatus::Interrupted => {
            Some("*Interrupted: the server stopped while writing this answer.*".to_string())
        }
        MessageStatus::Streaming => {
            Some("*Still being written when this was exported.*".to_string())
        }
    }
}

/// How many siblings the messages of `path` have: the versions a reader of the page could
/// switch to at each step of the shown branch.
fn other_versions(tree: &ConversationTree, path: &[&Message]) -> usize {
    let mut children: HashMap<Option<&str>, usize> = HashMap::new();
    for message in &tree.messages {
        *children.entry(message.parent_id.as_deref()).or_default() += 1;
    }
    path.iter()
        .map(|m| {
            children
                .get(&m.parent_id.as_deref())
                .map_or(0, |n| n.saturating_sub(1))
        })
        .sum()
}

/// `text` with line breaks turned into spaces, so it stays inside a heading or a note.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
