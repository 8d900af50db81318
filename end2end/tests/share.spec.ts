/**
 * Sharing and feedback (issue 24): Share makes a link whose page (server-rendered, noindex)
 * opens in a fresh browser context and shows the snapshot; Revoke on /shared ends it (404 with
 * one sentence); 👍/👎 persist across a reload, with an optional comment; Copy under an answer
 * puts its Markdown source on the clipboard; each answer shows a relative time. axe-core finds
 * no serious violation on the shared page, the dead-link page or /shared.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { AnswerActions, ShareDialog, SharedLinks, SharedPage } from '../pages/share';
import { expectNoSeriousViolations } from '../support/axe';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('share a chat, open the link in a fresh context, revoke it', async ({ page, browser }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const question = `Shared question ${uniqueTag('share')}`;
  const answer = await chat.send(question);
  await chat.waitForDone(answer);

  const dialog = new ShareDialog(page);
  const url = await dialog.createLink('7d');
  const token = url.split('/s/')[1];
  await dialog.copy.click();
  await expect(dialog.note).toHaveText('Copied.');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await dialog.close.click();
  await expect(dialog.dialog).toHaveCount(0);

  // A later message is not part of the snapshot.
  const later = await chat.send('A later message that stays private');
  await chat.waitForDone(later);

  const visitor = await browser.newContext();
  const other = await visitor.newPage();
  const response = await other.goto(url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['x-robots-tag']).toBe('noindex, nofollow');
  const shared = new SharedPage(other);
  await expect(shared.root).toBeVisible();
  await expect(other.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow');
  await expect(shared.messages).toHaveCount(2);
  await expect(shared.messages.first()).toContainText(question);
  await expect(shared.root).not.toContainText('A later message that stays private');
  await expect(other.getByRole('textbox', { name: 'Message', exact: true })).toHaveCount(0);
  await expect(other.getByTestId('send-stop')).toHaveCount(0);
  await expectNoSeriousViolations(other, 'the shared page');

  // Revoke from the list.
  await page.goto('/shared');
  const links = new SharedLinks(page);
  await expect(links.root).toBeVisible();
  await page.locator('body[data-hydrated="true"]').waitFor();
  const row = links.row(token);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('shared-link-expiry')).not.toHaveText('Never');
  await expectNoSeriousViolations(page, 'the shared links page');
  await row.getByTestId('share-revoke').click();
  await expect(row).toHaveCount(0);

  const gone = await other.goto(url);
  expect(gone?.status()).toBe(404);
  await expect(shared.missing).toHaveText('This shared link does not exist, was revoked or has expired.');
  await expectNoSeriousViolations(other, 'a dead shared link');
  await visitor.close();
});

test.describe('answer actions', () => {
  test('thumbs persist across a reload, a comment is sent, Copy copies the Markdown', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.demo);
    const answer = await chat.send(`Rate this ${uniqueTag('thumbs')}`);
    await chat.waitForDone(answer);

    const actions = new AnswerActions(answer);
    await expect(actions.time).toHaveText('just now');
    await expect(actions.time).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expect(actions.up).toHaveAttribute('aria-pressed', 'false');
    await actions.down.click();
    await expect(actions.down).toHaveAttribute('aria-pressed', 'true');
    await actions.comment.fill('Too long-winded.');
    await actions.commentSave.click();
    await expect(actions.note).toHaveText('Thanks for the comment.');

    await page.reload();
    await chat.waitForHydration();
    const reloaded = new AnswerActions(chat.lastAssistant);
    await expect(reloaded.down).toHaveAttribute('aria-pressed', 'true');
    await expect(reloaded.up).toHaveAttribute('aria-pressed', 'false');
    await reloaded.up.click();
    await expect(reloaded.up).toHaveAttribute('aria-pressed', 'true');
    await expect(reloaded.down).toHaveAttribute('aria-pressed', 'false');
    await reloaded.up.click();
    await expect(reloaded.up).toHaveAttribute('aria-pressed', 'false');
    await expect(reloaded.note).toHaveText('Rating removed.');

    // Copy puts the answer's Markdown source on the clipboard.
    const tree = await (
      await page.request.post('/api/conversations/get', {
        data: { id: /\/c\/([0-9a-f-]{36})/.exec(page.url())?.[1] },
      })
    ).json();
    const source: string = tree.messages.find((m: { role: string }) => m.role === 'assistant').content;
    await reloaded.copy.click();
    await expect(reloaded.copy).toHaveText('Copied');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(source);
  });
});
