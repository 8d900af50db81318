/**
 * Answers that outlive the connection: a reload mid-answer continues where it was, a second
 * tab shows the same live text, Stop in one tab stops the other, and a dropped connection
 * reconnects by itself and completes exactly (fake-steady sends the known text "w1 … w150").
 */
import { expect, test, type Page, type Route } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS, STEADY_TEXT } from '../support/constants';
import { uniqueTag } from '../support/env';
import { waitForDisconnect } from '../support/fake-upstream';

/** The id in the page's `/c/{id}` URL, once the conversation is stored. */
async function conversationId(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  return page.url().split('/c/')[1];
}

/** Normalised visible text of an answer (Markdown paragraphs joined by spaces). */
async function words(chat: ChatPage): Promise<string> {
  return (await chat.answerText(chat.lastAssistant)).replace(/\s+/g, ' ').trim();
}

test('a reload mid-answer shows the text so far and continues live, exactly', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.steady);
  await chat.send(`Steady please ${uniqueTag('reload')}`);
  await chat.waitForText(chat.lastAssistant, 40);
  await conversationId(page);

  await page.reload();
  await chat.waitForHydrationMarker();
  // Still being written: followed live (Stop is offered), then finished.
  await expect(chat.sendStop).toHaveAccessibleName('Stop');
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_TEXT);
  await expect(chat.lastAssistant).toHaveAttribute('data-status', 'done');
});

test('a second tab shows the same live text, and Stop there stops the first tab', async ({ page, context }) => {
  const first = new ChatPage(page);
  await first.goto();
  await first.selectModel(MODELS.slow);
  const question = `Count for two tabs ${uniqueTag('tabs')}`;
  await first.send(question);
  await first.waitForText(first.lastAssistant, 20);
  const id = await conversationId(page);

  const other = await context.newPage();
  const second = new ChatPage(other);
  await other.goto(`/c/${id}`);
  await second.waitForHydrationMarker();
  await second.waitForStatus(second.lastAssistant, 'streaming');
  // Both grow: the second tab follows the same turn.
  const seen = (await words(second)).length;
  await expect.poll(async () => (await words(second)).length, { timeout: 10_000 }).toBeGreaterThan(seen);

  await second.stop();
  await first.waitForStatus(first.lastAssistant, 'stopped', 10_000);
  await second.waitForStatus(second.lastAssistant, 'stopped', 10_000);
  await expect(first.sendStop).toHaveAccessibleName('Send');
  expect(await words(first)).toBe(await words(second));
  const record = await waitForDisconnect(MODELS.slow, { messageContains: question });
  expect(record.completed).toBe(false);
  await other.close();
});

test('a dropped connection reconnects by itself and completes exactly', async ({ page }) => {
  const chat = new ChatPage(page);
  let resumes = 0;
  // The first answer stream is cut after some events (the server's turn goes on); the first
  // reconnection attempt fails too, so the back-off is exercised.
  await page.route('**/api/chat/stream', async (route: Route) => {
    const request = route.request();
    const response = await fetch(request.url(), {
      method: 'POST',
      headers: request.headers(),
      body: request.postData() ?? undefined,
    });
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let frames = 0;
    while (frames < 25) {
      const { value, done } = await reader.read();
      if (done || !value) break;
      chunks.push(value);
      frames += new TextDecoder().decode(value).split('\n\n').length - 1;
    }
    await reader.cancel();
    await route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: Buffer.concat(chunks),
    });
  });
  await page.route('**/api/chat/resume', async (route: Route) => {
    resumes += 1;
    if (resumes === 1) await route.abort('connectionreset');
    else await route.continue();
  });

  await chat.goto();
  await chat.selectModel(MODELS.steady);
  await chat.send(`Steady over a bad line ${uniqueTag('drop')}`);
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_TEXT);
  expect(resumes).toBeGreaterThanOrEqual(2);
  await expect(chat.typingIndicator).toBeHidden();
  await expect(chat.sendStop).toHaveAccessibleName('Send');
});
