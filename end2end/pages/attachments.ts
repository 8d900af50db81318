/**
 * Page object for attachments (issue 25): the composer's attach button, paste and drop, the
 * chips, files under sent messages and the full-size lightbox.
 *
 * Selectors are the UI contract (src/components/attachments/*, src/components/message/
 * attachments.rs and lightbox.rs): the composer `form[data-testid="composer"]` (class
 * `drop-target` while a file is dragged over it); `attach-files` (the paperclip, aria-label
 * "Attach files") and its hidden `attach-input`; `attachment-tray` holding one
 * `attachment-chip` per file, with `data-name` (the file name) and `data-state`
 * (`uploading` | `ready` | `refused`), inside it `attachment-progress` (a `<progress>`),
 * `attachment-thumbnail` (an image once stored), `attachment-error` (role=alert, the server's
 * sentence) and `attachment-remove` (aria-label "Remove <name>"); `vision-note` (the model
 * cannot see images). Under a sent user message: `message-attachments` with
 * `message-thumbnail` (a button named "Open <name> full size" around `<img alt=name>`) and
 * `message-file` (a download link); the dialog `lightbox` with `lightbox-image` and
 * `lightbox-close`.
 *
 * Files are made in the test (`FileSpec`: name, type, bytes) and handed to the page, which
 * builds `File`s and a `DataTransfer` and dispatches `paste` or `dragenter`/`dragover`/`drop`,
 * as a real paste or drop from the desktop would.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { deflateSync } from 'node:zlib';

/** A file to attach, made by the test. */
export interface FileSpec {
  name: string;
  type: string;
  bytes: Buffer;
}

/** What the page receives (Buffers do not cross into the page). */
interface PageFile {
  name: string;
  type: string;
  base64: string;
}

function toPage(files: FileSpec[]): PageFile[] {
  return files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') }));
}

export class Attachments {
  readonly page: Page;
  /** The composer form (the drop target). */
  readonly composer: Locator;
  /** The message box, where a paste lands. */
  readonly textbox: Locator;
  readonly attachButton: Locator;
  readonly fileInput: Locator;
  /** Every chip in the composer. */
  readonly chips: Locator;
  readonly visionNote: Locator;
  readonly lightbox: Locator;
  readonly lightboxImage: Locator;
  readonly lightboxClose: Locator;

  constructor(page: Page) {
    this.page = page;
    this.composer = page.getByTestId('composer');
    this.textbox = page.getByRole('textbox', { name: 'Message', exact: true });
    this.attachButton = page.getByRole('button', { name: 'Attach files', exact: true });
    this.fileInput = page.getByTestId('attach-input');
    this.chips = this.composer.getByTestId('attachment-chip');
    this.visionNote = page.getByTestId('vision-note');
    this.lightbox = page.getByTestId('lightbox');
    this.lightboxImage = this.lightbox.getByTestId('lightbox-image');
    this.lightboxClose = this.lightbox.getByTestId('lightbox-close');
  }

  /** The composer chip of the file `name`. */
  chip(name: string): Locator {
    return this.chips.and(this.page.locator(`[data-name="${name}"]`));
  }

  /** Waits until the chip of `name` is in `state`. */
  async expectState(name: string, state: 'uploading' | 'ready' | 'refused'): Promise<void> {
    await expect(this.chip(name)).toHaveAttribute('data-state', state);
  }

  /** The Remove button of the chip of `name`. */
  remove(name: string): Locator {
    return this.chip(name).getByRole('button', { name: `Remove ${name}`, exact: true });
  }

  /** Pastes `files` into the message box, as a screenshot tool's copy would. */
  async paste(files: FileSpec[]): Promise<boolean> {
    return this.textbox.evaluate((target, files: PageFile[]) => {
      const transfer = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true });
      target.dispatchEvent(event);
      return event.defaultPrevented;
    }, toPage(files));
  }

  /**
   * Drags `files` onto `target` (default: the composer) and drops them: dragenter, dragover,
   * drop. Returns whether each was default-prevented (taken by the page) and whether the
   * composer showed itself as a drop target after dragover.
   */
  async drop(
    files: FileSpec[],
    target: Locator = this.composer,
  ): Promise<{ enter: boolean; over: boolean; drop: boolean; highlighted: boolean }> {
    return target.evaluate(async (element, files: PageFile[]) => {
      const transfer = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const fire = (type: string) => {
        const event = new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true });
        element.dispatchEvent(event);
        return event.defaultPrevented;
      };
      const enter = fire('dragenter');
      const over = fire('dragover');
      // The page redraws after the event, on the next frame.
      await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      const highlighted = !!document.querySelector('[data-testid="composer"].drop-target');
      const drop = fire('drop');
      return { enter, over, drop, highlighted };
    }, toPage(files));
  }

  /** The files block under a sent user message. */
  sent(message: Locator): Locator {
    return message.getByTestId('message-attachments');
  }

  /** The thumbnail button of the image `name` under `message`. */
  thumbnail(message: Locator, name: string): Locator {
    return message.getByRole('button', { name: `Open ${name} full size`, exact: true });
  }

  /** The download chip of the file `name` under `message`. */
  fileChip(message: Locator, name: string): Locator {
    return message.getByTestId('message-file').filter({ hasText: name });
  }
}

/** True once `image` has loaded real pixels (its URL answered with an image). */
export async function imageLoaded(image: Locator): Promise<boolean> {
  return image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
}

/** CRC-32 (PNG chunks), table-free: small inputs only. */
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid `width × height` RGB PNG, a two-colour diagonal (decodes in any image library). */
export function makePng(width = 64, height = 48): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) {
      const above = x * height > y * width;
      row.set(above ? [37, 99, 235] : [245, 196, 81], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid one-page PDF whose text layer reads `text` (Helvetica, a correct xref table). */
export function makePdf(text: string): Buffer {
  const escaped = text.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = `BT /F1 18 Tf 72 720 Td (${escaped}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
