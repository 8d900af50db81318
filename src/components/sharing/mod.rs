//! Shared links: the read-only page a link shows (`shared_page`, route `/s/{token}`), the
//! owner's list of links with Revoke (`links_page`, route `/shared`), and the "Share" dialog
//! of the conversation menu (`share_dialog`). The snapshot itself is made on the server
//! (`api::create_share`), so none of this decides what a link may show.

pub mod links_page;
pub mod share_dialog;
pub mod shared_page;
