//! The attachment icons, inline SVG (no icon font, no image request): a paperclip for the
//! attach button, a picture for an image whose thumbnail is not there yet, a page for other
//! files. Decorative: the controls beside them carry the words.

use leptos::prelude::*;

/// The paperclip.
pub fn paperclip() -> impl IntoView {
    view! {
        <svg class="attach-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path
                d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
                stroke-linecap="round"
                stroke-linejoin="round"
            />
        </svg>
    }
}

/// A picture (image not uploaded yet).
pub fn picture() -> impl IntoView {
    view! {
        <svg class="file-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <rect x="3" y="4" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="9" cy="10" r="2" fill="currentColor" />
            <path d="M4 18l5-5 4 4 3-3 4 4" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
        </svg>
    }
}

/// A page (PDF, text, code).
pub fn page() -> impl IntoView {
    view! {
        <svg class="file-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d="M6 2h8l5 5v15H6z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
            <path d="M14 2v5h5M9 13h7M9 17h7" fill="none" stroke="currentColor" stroke-width="2" />
        </svg>
    }
}
