//! The intake's behaviour on real and hostile files, all generated here (the `image` crate
//! encodes the pictures, `lopdf` writes the PDFs, EXIF blocks and bombs are written byte by
//! byte): what is stored, and the exact sentence of every refusal.

mod images;
mod pdfs;
mod refusals;
mod support;
mod texts;
