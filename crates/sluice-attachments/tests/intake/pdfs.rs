//! PDFs: the text layer extracted (and capped), no text layer refused, damaged ones refused.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use sluice_attachments::{prepare, Limits, Refusal};
use sluice_wire::attachments::AttachmentKind;

/// A PDF with one page per entry of `pages`: each page shows its lines in Helvetica, or, when
/// it has none, only a filled rectangle (a "scanned" page without text).
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let operations = if lines.is_empty() {
            vec![
                Operation::new("re", vec![72.into(), 72.into(), 400.into(), 600.into()]),
                Operation::new("f", vec![]),
            ]
        } else {
            let mut ops = vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 11.into()]),
                Operation::new("TL", vec![14.into()]),
                Operation::new("Td", vec![72.into(), 760.into()]),
            ];
            for line in lines {
                ops.push(Operation::new(
                    "Tj",
                    vec![Object::string_literal(line.as_str())],
                ));
                ops.push(Operation::new("T*", vec![]));
            }
            ops.push(Operation::new("ET", vec![]));
            ops
        };
        let content = Content { operations }.encode().unwrap();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn pdf_text_layer_is_extracted_and_the_file_kept() {
    let input = pdf(&[
        vec!["Quarterly report".into(), "Revenue grew".into()],
        vec!["Second page says hello".into()],
    ]);
    let prepared = prepare("report.pdf", &input, &Limits::default()).expect("accepted");
    assert_eq!(prepared.kind, AttachmentKind::Pdf);
    assert_eq!(prepared.content_type, "application/pdf");
    assert_eq!(prepared.bytes, input);
    assert_eq!(prepared.pages, Some(2));
    let text = prepared.text.expect("text");
    assert!(text.contains("Quarterly report"), "{text:?}");
    assert!(text.contains("Revenue grew"), "{text:?}");
    assert!(text.contains("Second page says hello"), "{text:?}");
    assert!(text.find("Quarterly").unwrap() < text.find("Second page").unwrap());
}

#[test]
fn pdf_without_a_text_layer_is_refused() {
    let input = pdf(&[vec![], vec![]]);
    let refusal = prepare("scan.pdf", &input, &Limits::default()).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::PdfWithoutText {
            name: "scan.pdf".into()
        }
    );
    assert_eq!(
        refusal.to_string(),
        "scan.pdf has no text layer (it looks like scanned pages only): run it through text recognition (OCR) first, or attach the pages as images."
    );
}

#[test]
fn long_pdf_text_is_cut_at_the_limit_and_says_so() {
    let page: Vec<String> = (0..40)
        .map(|i| format!("Line {i} of a long page"))
        .collect();
    let input = pdf(&vec![page; 20]);
    let limits = Limits {
        max_text_bytes: 2048,
        ..Limits::default()
    };
    let prepared = prepare("long.pdf", &input, &limits).expect("accepted");
    let text = prepared.text.expect("text");
    let (kept, notice) = text.split_once("\n\n[Sluice kept").expect("cut notice");
    assert_eq!(kept.len(), 2048);
    assert!(
        notice.starts_with(" only the first 2 KiB of this PDF's text, up to page "),
        "{notice}"
    );
    assert!(notice.ends_with(" of 20.]"), "{notice}");
    assert_eq!(prepared.pages, Some(20));
}

#[test]
fn damaged_pdf_gets_a_sentence() {
    let refusal = prepare(
        "broken.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Cat",
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "broken.pdf could not be read as a PDF: the file is truncated or damaged."
    );
}

#[test]
fn password_protected_pdf_gets_a_sentence() {
    // The standard security handler (RC4, revision 3) with a user password: /U is not what the
    // empty password yields, so the document cannot be opened without the password.
    let mut doc = Document::load_mem(&pdf(&[vec!["Secret".into()]])).unwrap();
    let encrypt_id = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 2, "R" => 3, "Length" => 128, "P" => -3904,
        "O" => Object::string_literal(vec![0x11u8; 32]),
        "U" => Object::string_literal(vec![0x22u8; 32]),
    });
    doc.trailer.set("Encrypt", encrypt_id);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(vec![0x33u8; 16]),
            Object::string_literal(vec![0x33u8; 16]),
        ],
    );
    let mut input = Vec::new();
    doc.save_to(&mut input).unwrap();
    let refusal = prepare("locked.pdf", &input, &Limits::default()).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "locked.pdf is password-protected: remove the password and attach it again."
    );
}
