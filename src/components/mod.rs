//! UI components, one folder per part of the page tree:
//! - `chat`: the route view of `/` and `/c/{id}` (`chat::layout`: the sidebar beside the
//!   chat column `chat::page`) and the column's top bar, typing indicator and composer;
//! - `sidebar`: the conversation list, search, import, presets (and the account menu);
//! - `message`: the list of messages, one message and its parts (user bubble, reasoning,
//!   tool calls, version switcher, paced Markdown, the actions row: Copy, 👍/👎, time);
//! - `markdown`: an answer's Markdown as DOM (frozen blocks, the open tail, code, math);
//! - `account`: the sign-in page, the account menu, whole-page navigation after sign-in/out;
//! - `admin`: the `/admin` page (accounts, the per-model feedback summary);
//! - `sharing`: the shared-link page `/s/{token}`, the `/shared` list and the Share dialog;
//! - `shortcuts`: the keyboard shortcuts (one table for the key handler and the `?` overlay);
//! - `theme`: the theme switch and the theme the page is rendered with;
//! - `attachments`: files attached before sending (attach button, paste and drop, chips with
//!   upload progress and Remove), shared by the composer and the message editor;
//! - `chat_session`: client state, no view: the message tree on screen and the actions
//!   (send, stream, stop, retry, open a conversation) and the chosen model.
//!
//! A folder named after one thing keeps it in its `mod.rs` (`sidebar::Sidebar`,
//! `message::MessageView`, `markdown::MarkdownView`, `chat_session::ChatSession`), its parts
//! beside it. Imports go down the tree and into `chat_session`, never back up.
//!
//! Hydration sees what the server rendered: state a view reads is set before that view renders,
//! on both sides. The page's conversation (a blocking resource, so an unknown id answers 404) is
//! loaded into the session inside the suspense that also renders the header and the messages;
//! nothing outside it depends on the conversation. Data that differs per browser (the sidebar
//! list grouped in the reader's time zone, the account menu) is loaded with `LocalResource` and
//! never rendered on the server. Message signals are owned by the session, not by the view that
//! created them, so switching versions never disposes a live answer's state.

pub mod account;
pub mod admin;
pub mod attachments;
pub mod chat;
pub mod chat_session;
pub mod dialog_focus;
pub mod markdown;
pub mod message;
pub mod sharing;
pub mod shortcuts;
pub mod sidebar;
pub mod theme;
