/**
 * Stop from a replica that does not own the answer: the answer is sent through the balancer
 * (its owner is the replica that took the POST, named by X-Sluice-Upstream), then the page's
 * requests are pinned to another replica, so the Stop click's POST /api/chat/stop reaches a
 * non-owner. The fake upstream must record the app hanging up within 300 ms of the click
 * (the bound, as on one server), and the page shows the answer stopped.
 *
 * The fake stamps its records on its own clock; `fakeClockOffset` maps it to ours.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../../pages/chat-page';
import { MODELS } from '../../support/constants';
import { uniqueTag } from '../../support/env';
import { fakeClockOffset, waitForDisconnect, waitForRecord } from '../../support/fake-upstream';
import { pin, servedBy, signUpThrough, useCluster } from '../../support/cluster';

const cluster = useCluster({ label: 'stop' });

/** The bound from the click to the upstream connection closing. */
const STOP_BUDGET_MS = 300;

test('Stop clicked on a non-owner replica closes the upstream within 300 ms', async ({ browser }) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r1', 'Stella');
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const question = `Count until stopped elsewhere ${uniqueTag('stop')}`;
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  const answer = await chat.send(question);
  const owner = servedBy(c, await streamed);
  await chat.waitForStatus(answer, 'streaming');
  await chat.waitForText(answer, 20);
  await waitForRecord({ model: MODELS.slow, messageContains: question });
  const offset = await fakeClockOffset();

  const stopper = c.others(owner)[0];
  await pin(page, stopper);
  const stopResponse = page.waitForResponse((r) => r.url().endsWith('/api/chat/stop'));
  await expect(chat.sendStop).toHaveAccessibleName('Stop');
  const clickedAt = Date.now();
  await chat.sendStop.click();
  const stopped = await stopResponse;
  expect(servedBy(c, stopped), `the Stop request (owner ${owner})`).toBe(stopper);
  expect(stopped.status(), `the Stop request on ${stopper} (owner ${owner})`).toBeLessThan(300);

  // Waits longer than the bound, so a late hang-up is reported with its delay.
  const record = await waitForDisconnect(MODELS.slow, { messageContains: question, timeoutMs: 10_000 });
  expect(record.completed).toBe(false);
  const hungUpAfter = record.client_disconnected_ms! + offset - clickedAt;
  expect(hungUpAfter, `ms from the click on ${stopper} to the owner ${owner} hanging up`).toBeLessThanOrEqual(
    STOP_BUDGET_MS,
  );

  await chat.waitForStatus(answer, 'stopped', 5_000);
  await expect(chat.sendStop).toHaveAccessibleName('Send');
  const partial = await chat.answerText(answer);
  expect(partial).toMatch(/word1\b/);
  await page.waitForTimeout(1_000);
  expect(await chat.answerText(answer)).toBe(partial);
  await context.close();
});
