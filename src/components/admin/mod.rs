//! The `/admin` page (`page`), one `user_row` per account.

pub mod page;
pub mod user_row;
