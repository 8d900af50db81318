//! The `/admin` page (`page`), one `user_row` per account, and the per-model
//! `feedback_summary`.

pub mod feedback_summary;
pub mod page;
pub mod user_row;
