/**
 * Limits hold across replicas: N replicas admit what one would. The replicas allow 3 answers
 * per user per minute and 1 answer streaming at once per user; each test's user sends through
 * every replica in turn (requests pinned, X-Sluice-Upstream checked), and the refusals are the
 * pages' 429 sentences (see ../limits.spec.ts for how one server's 429 is shown).
 */
import { expect, test, type Page, type Response } from '@playwright/test';
import { ChatPage } from '../../pages/chat-page';
import { MODELS } from '../../support/constants';
import { uniqueTag } from '../../support/env';
import { pin, servedBy, signUpThrough, useCluster, type ReplicaName } from '../../support/cluster';

const MESSAGES_PER_MINUTE = 3;

const cluster = useCluster({
  label: 'limits',
  env: {
    SLUICE_MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
    SLUICE_CONCURRENT_STREAMS: '1',
  },
});

/** The answer request the page makes next. */
function nextStream(page: Page): Promise<Response> {
  return page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
}

/** Presses Enter in the composer (holding `text`) with the page pinned to `replica`. */
async function sendOn(chat: ChatPage, replica: ReplicaName, text: string): Promise<Response> {
  await pin(chat.page, replica);
  await chat.composer.fill(text);
  const response = nextStream(chat.page);
  await chat.composer.press('Enter');
  return response;
}

test('the per-minute message limit counts answers on every replica', async ({ browser }) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r1', 'Mia');
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);

  const replicas: ReplicaName[] = ['r1', 'r2', 'r3'];
  for (const replica of replicas) {
    const question = `Echo on ${replica} ${uniqueTag('minute')}`;
    const response = await sendOn(chat, replica, question);
    expect(servedBy(c, response)).toBe(replica);
    expect(response.status(), `answer ${replicas.indexOf(replica) + 1} of ${MESSAGES_PER_MINUTE}`).toBe(200);
    await chat.waitForDone(chat.lastAssistant);
  }

  // The budget is spent: no replica admits a fourth answer this minute.
  for (const replica of replicas) {
    const question = `One too many on ${replica} ${uniqueTag('minute-over')}`;
    const response = await sendOn(chat, replica, question);
    expect(servedBy(c, response)).toBe(replica);
    expect(response.status(), `a fourth answer on ${replica}`).toBe(429);
    await chat.waitForStatus(chat.lastAssistant, 'error', 10_000);
    await expect(chat.error(chat.lastAssistant)).toContainText('You are sending messages too quickly.');
    await expect(chat.composer).toHaveValue(question);
  }
  await context.close();
});

test('the concurrent-stream limit counts answers streaming on every replica', async ({ browser }) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r1', 'Ned');
  const first = new ChatPage(await context.newPage());
  await pin(first.page, 'r1');
  await first.goto();
  await first.selectModel(MODELS.slow);
  const slow = await sendOn(first, 'r1', `Count on r1 ${uniqueTag('slot')}`);
  expect(servedBy(c, slow)).toBe('r1');
  await first.waitForStatus(first.lastAssistant, 'streaming');

  // While it streams on r1, neither r2 nor r3 starts a second answer for the same user.
  const second = new ChatPage(await context.newPage());
  await pin(second.page, 'r2');
  await second.goto();
  await second.selectModel(MODELS.echo);
  const question = `Second answer ${uniqueTag('slot-2')}`;
  for (const replica of ['r2', 'r3'] as const) {
    const response = await sendOn(second, replica, question);
    expect(servedBy(c, response)).toBe(replica);
    expect(response.status(), `a second live answer on ${replica} while one streams on r1`).toBe(429);
    await second.waitForStatus(second.lastAssistant, 'error', 10_000);
    await expect(second.error(second.lastAssistant)).toContainText('You already have 1 answer streaming.');
  }

  // Once the first is stopped, the slot is free on every replica.
  await first.stop();
  await first.waitForStatus(first.lastAssistant, 'stopped', 10_000);
  await expect
    .poll(
      async () => {
        const response = await sendOn(second, 'r3', question);
        return response.status();
      },
      { timeout: 10_000, intervals: [500, 1_000] },
    )
    .toBe(200);
  await second.waitForDone(second.lastAssistant);
  expect((await second.answerText(second.lastAssistant)).trim()).toBe(question);
  await context.close();
});
