/**
 * Attachments (issue 25), in the browser: paste an image, drop a PDF (with a text layer) and a
 * `.rs` file onto the composer, remove one chip and add it again, send on the demo model
 * (vision-capable; its answer acknowledges the files), reload (thumbnails and chips stay), open
 * the thumbnail full size (Esc closes, focus returns), share it (the link names the files,
 * serves none), export the conversation as JSON and import it back (the files come along),
 * then edit it keeping two of the three files. A refused file (an SVG, HTML renamed `.png`)
 * shows the server's sentence on its chip and is not sent. Without the server: pasted text
 * stays text, a stray drop does not leave the page, the composer shows a drop target, an
 * upload in flight holds Send back with a progress bar, images for a model that cannot see
 * them get a note, the picker and a paste add chips.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Route } from '@playwright/test';
import { Attachments, imageLoaded, makePdf, makePng, type FileSpec } from '../pages/attachments';
import { ChatPage } from '../pages/chat-page';
import { ShareDialog } from '../pages/share';
import { Sidebar } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

const png = (name: string): FileSpec => ({ name, type: 'image/png', bytes: makePng(64, 48) });
const pdf = (name: string): FileSpec => ({
  name,
  type: 'application/pdf',
  bytes: makePdf('Quarterly notes: the river sluice opens at dawn.'),
});
const rust = (name: string): FileSpec => ({
  name,
  type: 'text/x-rust',
  bytes: Buffer.from('fn main() {\n    println!("hello from the sluice");\n}\n'),
});

test('paste, drop, remove, send, reload, open full size, share, export and import', async ({ page, browser }) => {
  const chat = new ChatPage(page);
  const files = new Attachments(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  await expect(chat.modelOption(MODELS.demo)).toContainText('(sees images)');

  expect(await files.paste([png('screenshot.png')])).toBe(true);
  const dropped = await files.drop([pdf('notes.pdf'), rust('main.rs')]);
  expect(dropped.drop).toBe(true);
  for (const name of ['screenshot.png', 'notes.pdf', 'main.rs']) await files.expectState(name, 'ready');
  await expect(files.chip('screenshot.png').getByTestId('attachment-thumbnail')).toBeVisible();
  await expect(files.chip('notes.pdf')).toContainText('notes.pdf');

  await files.remove('main.rs').click();
  await expect(files.chips).toHaveCount(2);
  await files.drop([rust('main.rs')]);
  await files.expectState('main.rs', 'ready');
  await expect(files.chips).toHaveCount(3);
  await expect(files.visionNote).toBeEmpty();

  const question = `What is in these files? ${uniqueTag('attach')}`;
  const answer = await chat.send(question);
  await expect(files.chips).toHaveCount(0);
  const sent = chat.lastUser;
  await expect(files.thumbnail(sent, 'screenshot.png')).toBeVisible();
  await expect(files.fileChip(sent, 'notes.pdf')).toHaveAttribute('download', 'notes.pdf');
  await expect(files.fileChip(sent, 'main.rs')).toHaveAttribute('href', /^\/api\/attachments\//);
  await chat.waitForDone(answer);
  // The demo model acknowledges what it was given, in the order attached, with each kind.
  await expect(chat.markdown(answer)).toContainText(
    /I received 3 files: screenshot\.png \(image, [^)]+\), notes\.pdf \(PDF, [^)]+\), main\.rs \(text, [^)]+\)/,
  );

  await page.reload();
  await chat.waitForHydration();
  const reloaded = chat.lastUser;
  await expect(reloaded).toContainText(question);
  const thumb = files.thumbnail(reloaded, 'screenshot.png');
  await expect(thumb).toBeVisible();
  await expect.poll(() => imageLoaded(thumb.locator('img'))).toBe(true);
  await expect(files.fileChip(reloaded, 'notes.pdf')).toBeVisible();
  await expect(files.fileChip(reloaded, 'main.rs')).toBeVisible();

  await thumb.click();
  await expect(files.lightbox).toBeVisible();
  await expect(files.lightboxImage).toHaveAttribute('alt', 'screenshot.png');
  await expect.poll(() => imageLoaded(files.lightboxImage)).toBe(true);
  await expect(files.lightboxClose).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(files.lightbox).toHaveCount(0);
  await expect(thumb).toBeFocused();

  // A shared link names the files (chips) but never serves them.
  const link = await new ShareDialog(page).createLink('7d');
  await new ShareDialog(page).close.click();
  const visitor = await browser.newContext();
  const shared = await visitor.newPage();
  await shared.goto(link);
  const names = shared.getByTestId('shared-attachments');
  await expect(names).toContainText('screenshot.png');
  await expect(names).toContainText('notes.pdf');
  await expect(names).toContainText('main.rs');
  await expect(shared.locator('img[src^="/api/attachments/"]')).toHaveCount(0);
  await visitor.close();

  const original = await sidebar.currentId();
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const exported = await (await download).path();
  expect(readFileSync(exported, 'utf8')).toContain('notes.pdf');
  await sidebar.root.getByTestId('import-input').setInputFiles(exported);
  await expect(page).not.toHaveURL(new RegExp(`/c/${original}$`));
  const imported = chat.lastUser;
  await expect(imported).toContainText(question);
  const importedThumb = files.thumbnail(imported, 'screenshot.png');
  await expect(importedThumb).toBeVisible();
  await expect.poll(() => imageLoaded(importedThumb.locator('img'))).toBe(true);
  await expect(files.fileChip(imported, 'notes.pdf')).toBeVisible();
  await expect(files.fileChip(imported, 'main.rs')).toBeVisible();

  // Edit shows the files as chips to keep or remove: main.rs goes, the others stay.
  await imported.getByTestId('edit-message').click();
  const editorChips = imported.getByTestId('attachment-chip');
  await expect(editorChips).toHaveCount(3);
  await imported.getByRole('button', { name: 'Remove main.rs', exact: true }).click();
  await expect(editorChips).toHaveCount(2);
  const request = page.waitForRequest((r) => r.url().includes('/api/chat/stream') && r.method() === 'POST');
  await imported.getByTestId('edit-save').click();
  const body = JSON.parse((await request).postData() ?? '{}');
  expect(body.action.attachments).toHaveLength(2);
  const edited = chat.lastUser;
  await expect(files.thumbnail(edited, 'screenshot.png')).toBeVisible();
  await expect(files.fileChip(edited, 'notes.pdf')).toBeVisible();
  await expect(edited.getByTestId('message-file')).toHaveCount(1);
  await chat.waitForDone();
});

test('a refused file shows the server sentence on its chip and is not sent', async ({ page }) => {
  const chat = new ChatPage(page);
  const files = new Attachments(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
  await files.drop([
    { name: 'drawing.svg', type: 'image/svg+xml', bytes: Buffer.from(svg) },
    { name: 'photo.png', type: 'image/png', bytes: Buffer.from('<html><body>not a picture</body></html>') },
    rust('kept.rs'),
  ]);
  await files.expectState('kept.rs', 'ready');
  for (const name of ['drawing.svg', 'photo.png']) {
    await files.expectState(name, 'refused');
    await expect(files.chip(name).getByRole('alert')).not.toBeEmpty();
    await expect(files.chip(name).getByRole('alert')).not.toContainText('HTTP');
  }

  const request = page.waitForRequest((r) => r.url().includes('/api/chat/stream') && r.method() === 'POST');
  const answer = await chat.send(`Only the code, please ${uniqueTag('refused')}`);
  const body = JSON.parse((await request).postData() ?? '{}');
  expect(body.action.attachments).toHaveLength(1);
  await chat.waitForDone(answer);
  await expect(files.fileChip(chat.lastUser, 'kept.rs')).toBeVisible();
  await expect(chat.lastUser.getByTestId('message-file')).toHaveCount(1);
  await expect(chat.lastUser.getByTestId('message-thumbnail')).toHaveCount(0);
});

test('pasted text stays text, a stray drop stays on the page, uploads hold Send back, picker and paste add chips', async ({ page }) => {
  const chat = new ChatPage(page);
  const files = new Attachments(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);

  // Plain text on the clipboard is not a file: the page leaves the paste to the browser.
  const textPaste = await files.textbox.evaluate((target) => {
    const transfer = new DataTransfer();
    transfer.setData('text/plain', 'just words');
    const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(textPaste).toBe(false);
  await expect(files.chips).toHaveCount(0);

  // A file dropped outside the composer is refused, not opened in the tab.
  const url = page.url();
  const stray = await files.drop([rust('stray.rs')], chat.messageList);
  expect(stray.drop).toBe(true);
  expect(stray.highlighted).toBe(false);
  await expect(files.chips).toHaveCount(0);
  expect(page.url()).toBe(url);

  // Held upload: the chip shows progress and Send waits; the answer makes it ready.
  const held: Promise<Route> = new Promise((resolve) => {
    void page.route('**/api/attachments?**', (route) => resolve(route));
  });
  const onto = await files.drop([png('held.png')]);
  expect(onto.highlighted).toBe(true);
  await files.expectState('held.png', 'uploading');
  await expect(files.chip('held.png').getByTestId('attachment-progress')).toBeVisible();
  await expect(chat.sendStop).toBeDisabled();
  await expect(page.getByTestId('composer')).not.toHaveClass(/drop-target/);
  const route = await held;
  expect(route.request().url()).toContain('name=held.png');
  await route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      id: '00000000-0000-4000-8000-000000000000',
      name: 'held.png',
      kind: 'image',
      content_type: 'image/png',
      size_bytes: 1234,
      width: 640,
      height: 480,
    }),
  });
  await files.expectState('held.png', 'ready');
  await expect(chat.sendStop).toBeEnabled();
  const thumbnail = files.chip('held.png').getByTestId('attachment-thumbnail');
  await expect(thumbnail).toHaveAttribute('width', '96');
  await expect(thumbnail).toHaveAttribute('height', '72');

  // The echo model does not see images: the composer says so before sending.
  await expect(files.visionNote).toContainText('cannot see images');
  await files.remove('held.png').click();
  await expect(files.chips).toHaveCount(0);
  await expect(files.visionNote).toBeEmpty();

  // The paperclip opens the file picker; the chosen file becomes a chip.
  await page.unroute('**/api/attachments?**');
  const chooser = page.waitForEvent('filechooser');
  await files.attachButton.click();
  const picker = await chooser;
  expect(picker.isMultiple()).toBe(true);
  await picker.setFiles({ name: 'picked.rs', mimeType: 'text/x-rust', buffer: rust('picked.rs').bytes });
  await expect(files.chip('picked.rs')).toBeVisible();
  await expect(files.chip('picked.rs')).toContainText('picked.rs');

  // An image on the clipboard becomes a chip too; the paste does not reach the text.
  await files.textbox.fill('kept words');
  expect(await files.paste([png('pasted.png')])).toBe(true);
  await expect(files.chip('pasted.png')).toBeVisible();
  await expect(files.textbox).toHaveValue('kept words');
});
