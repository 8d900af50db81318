/**
 * Stop: by the button and by Esc, mid-stream (fake-slow) and before the first token
 * (fake-stall). The partial answer stays, stops growing, and the app really hangs up on the
 * upstream (the fake records client_disconnected_ms).
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';
import { waitForDisconnect, waitForRecord } from '../support/fake-upstream';

type StopMethod = 'button' | 'Esc';

/** How long a stopped answer must stay unchanged (fake-slow sends ~20 words in this time). */
const FROZEN_CHECK_MS = 1_000;

async function pressStop(chat: ChatPage, page: Page, method: StopMethod): Promise<void> {
  if (method === 'button') {
    await chat.stop();
  } else {
    await expect(chat.sendStop).toHaveAccessibleName('Stop');
    await page.keyboard.press('Escape');
  }
}

for (const method of ['button', 'Esc'] as const) {
  test(`Stop by ${method} mid-stream keeps the partial answer (fake-slow)`, async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.slow);

    const question = `Count slowly ${uniqueTag(`slow-${method}`)}`;
    const answer = await chat.send(question);
    await chat.waitForStatus(answer, 'streaming');
    await chat.waitForText(answer, 20);

    await pressStop(chat, page, method);
    await chat.waitForStatus(answer, 'stopped', 5_000);
    await expect(answer.getByText('Stopped', { exact: true })).toBeVisible();
    await expect(chat.sendStop).toHaveAccessibleName('Send');
    await expect(chat.typingIndicator).toBeHidden();

    // The partial text stays and no longer grows.
    const partial = await chat.answerText(answer);
    expect(partial).toMatch(/word1\b/);
    await page.waitForTimeout(FROZEN_CHECK_MS);
    expect(await chat.answerText(answer)).toBe(partial);
    await expect(answer).toHaveAttribute('data-status', 'stopped');

    // The app closed the upstream connection, well before the 100 s the full answer would take.
    const record = await waitForDisconnect(MODELS.slow, { messageContains: question });
    expect(record.completed).toBe(false);
  });

  test(`Stop by ${method} before the first token (fake-stall)`, async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.stall);

    const question = `Think hard ${uniqueTag(`stall-${method}`)}`;
    const answer = await chat.send(question);
    await expect(answer).toHaveAttribute('data-status', 'waiting');
    await expect(chat.typingIndicator).toBeVisible();
    await expect(chat.typingIndicator).toHaveAttribute('role', 'status');
    await expect(chat.typingIndicator).toHaveText('Assistant is typing…');
    // Make sure the request really is in flight upstream before stopping it.
    await waitForRecord({ model: MODELS.stall, messageContains: question });
    await expect(chat.typingIndicator).toBeVisible();

    await pressStop(chat, page, method);
    await chat.waitForStatus(answer, 'stopped', 5_000);
    await expect(chat.typingIndicator).toBeHidden();
    await expect(answer.getByText('Stopped', { exact: true })).toBeVisible();
    await expect(chat.sendStop).toHaveAccessibleName('Send');
    expect((await chat.answerText(answer)).trim()).toBe('');

    const record = await waitForDisconnect(MODELS.stall, { messageContains: question });
    expect(record.completed).toBe(false);
  });
}

test('a new message can be sent after stopping', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const first = await chat.send(`Count ${uniqueTag('again')}`);
  await chat.waitForText(first, 5);
  await chat.stop();
  await chat.waitForStatus(first, 'stopped', 5_000);

  await chat.selectModel(MODELS.markdown);
  const second = await chat.send(`And now markdown ${uniqueTag('again-md')}`);
  await chat.waitForDone(second);
  await expect(first).toHaveAttribute('data-status', 'stopped');
  await expect(chat.assistantMessages).toHaveCount(2);
});

test('closing the tab mid-answer leaves the answer running for the grace period, then the app hangs up', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const question = `Count until the tab closes ${uniqueTag('tab-close')}`;
  const answer = await chat.send(question);
  await chat.waitForStatus(answer, 'streaming');
  await chat.waitForText(answer, 10);
  await waitForRecord({ model: MODELS.slow, messageContains: question });
  await page.close();
  await context.close();
  const closedAt = Date.now();
  // The app's grace period is 5 s here (SLUICE_TURN_GRACE_SECS in playwright.config.ts): a
  // reload within it would pick the answer up again; after it the upstream is dropped.
  const gone = await waitForDisconnect(MODELS.slow, { messageContains: question, timeoutMs: 10_000 });
  expect(Date.now() - closedAt).toBeGreaterThanOrEqual(4_500);
  expect(gone.client_disconnected_ms).not.toBeNull();
  expect(gone.completed).toBe(false);
});
