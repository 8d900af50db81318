/**
 * Rate limits in the page: a refused answer (HTTP 429) shows the server's sentence, including
 * how long to wait, on the answer, and gives the question back to the composer.
 *
 * The 429 is produced in the browser with `page.route`, so the test needs no low limit on the
 * shared e2e server. The body is what the server sends for a rate limit from a server function:
 * the `ApiError` JSON `{"kind": "too_many_requests", "message": …, "retry_after": 17}` (see
 * src/api_error.rs), with `Retry-After` in whole seconds.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

/** The sentence of `Limits::check_message` for an exceeded messages-per-minute limit. */
const REFUSAL = 'You are sending messages too quickly. Wait 17 s and try again.';

test('a 429 from the chat endpoint shows how long to wait on the answer', async ({ page }) => {
  let refused = 0;
  await page.route('**/api/chat/stream', async (route) => {
    refused += 1;
    await route.fulfill({
      status: 429,
      headers: {
        'Retry-After': '17',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ kind: 'too_many_requests', message: REFUSAL, retry_after: 17 }),
    });
  });

  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);

  const question = `Too fast ${uniqueTag('429')}`;
  const answer = await chat.send(question);
  await chat.waitForStatus(answer, 'error', 10_000);
  expect(refused).toBe(1);

  const error = chat.error(answer);
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText(REFUSAL);
  // The wire encoding never shows.
  await expect(error).not.toContainText('too_many_requests');
  // Nothing was stored, so the question comes back to the composer to send again later.
  await expect(chat.composer).toHaveValue(question);
  await expect(chat.sendStop).toHaveAccessibleName('Send');
  await expect(chat.typingIndicator).toBeHidden();
});
