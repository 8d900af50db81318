/**
 * A live answer followed from any replica: sent through the balancer (its owner is the
 * replica that took the POST), then the page is reloaded five times mid-answer, each load
 * pinned to another replica than the load before (nginx's X-Sluice-Upstream confirms where
 * the page and its resume request went), then a second tab opens on yet another replica.
 * Both tabs end with exactly the text the fake upstream sent ("w1 … w500" of
 * fake-steady-long), every word once.
 *
 * And the grace period counts readers on every replica: with its only reader on another
 * replica, the owner keeps the answer going past the grace period (5 s here) to its end.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../../pages/chat-page';
import { Sidebar } from '../../pages/sidebar';
import { MODELS, STEADY_LONG_TEXT } from '../../support/constants';
import { uniqueTag } from '../../support/env';
import { findRecords, waitForRecord } from '../../support/fake-upstream';
import { REPLICA_NAMES, pin, servedBy, signUpThrough, useCluster, type ReplicaName } from '../../support/cluster';

const cluster = useCluster({ label: 'resume' });

/** Normalised visible text of an answer (Markdown paragraphs joined by spaces). */
async function words(chat: ChatPage): Promise<string> {
  return (await chat.answerText(chat.lastAssistant)).replace(/\s+/g, ' ').trim();
}

/** The replica after `name` in r1 → r2 → r3 → r1. */
function next(name: ReplicaName): ReplicaName {
  return REPLICA_NAMES[(REPLICA_NAMES.indexOf(name) + 1) % REPLICA_NAMES.length];
}

test('reloads on other replicas mid-answer, then a second tab: both show the exact text', async ({ browser }) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r1', 'Rita');
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.steadyLong);
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  await chat.send(`Steady across replicas ${uniqueTag('reloads')}`);
  const owner = servedBy(c, await streamed);
  await chat.waitForText(chat.lastAssistant, 20);
  const id = await new Sidebar(page).currentId();

  let last = owner;
  for (let reload = 1; reload <= 5; reload++) {
    const target = next(last);
    await pin(page, target);
    const resumed = page.waitForResponse((r) => r.url().endsWith('/api/chat/resume'));
    const before = (await words(chat)).length;
    const load = await page.reload();
    expect(servedBy(c, load), `reload ${reload}: the page`).toBe(target);
    expect(servedBy(c, await resumed), `reload ${reload}: the resume request`).toBe(target);
    await chat.waitForHydrationMarker();
    // Still live on this replica: followed (Stop offered) and growing.
    const where = `reload ${reload} on ${target} (owner ${owner})`;
    await expect(chat.lastAssistant, where).toHaveAttribute('data-status', 'streaming');
    await expect(chat.sendStop, where).toHaveAccessibleName('Stop');
    await expect
      .poll(async () => (await words(chat)).length, { timeout: 10_000, message: `reload ${reload} grows` })
      .toBeGreaterThan(before);
    expect(STEADY_LONG_TEXT.startsWith(await words(chat)), `reload ${reload}: a prefix of the answer`).toBe(true);
    last = target;
  }

  const other = await context.newPage();
  const second = new ChatPage(other);
  const tabReplica = next(last);
  await pin(other, tabReplica);
  const opened = await other.goto(`/c/${id}`);
  expect(servedBy(c, opened)).toBe(tabReplica);
  await second.waitForHydrationMarker();
  await second.waitForDone(second.lastAssistant);
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_LONG_TEXT);
  expect(await words(second)).toBe(STEADY_LONG_TEXT);
  await context.close();
});

/** `SLUICE_TURN_GRACE_SECS` of the replicas (support/cluster.ts), in ms. */
const GRACE_MS = 5_000;

test('a reader on another replica keeps the answer alive past the grace period', async ({ browser }) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r2', 'Gus');
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.steadyLong);
  const question = `Followed elsewhere ${uniqueTag('presence')}`;
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  await chat.send(question);
  const owner = servedBy(c, await streamed);
  await chat.waitForText(chat.lastAssistant, 20);
  await waitForRecord({ model: MODELS.steadyLong, messageContains: question });

  // The page (the answer's only reader) moves to another replica and stays there.
  const reader = next(owner);
  await pin(page, reader);
  const resumed = page.waitForResponse((r) => r.url().endsWith('/api/chat/resume'));
  expect(servedBy(c, await page.reload())).toBe(reader);
  expect(servedBy(c, await resumed)).toBe(reader);
  await chat.waitForHydrationMarker();
  await expect(chat.lastAssistant, `followed on ${reader} (owner ${owner})`).toHaveAttribute('data-status', 'streaming');
  await page.waitForTimeout(GRACE_MS + 2_000);
  const [record] = await findRecords({ model: MODELS.steadyLong, messageContains: question });
  expect(record.client_disconnected_ms, `the owner ${owner} hung up with its reader on ${reader}`).toBeNull();
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_LONG_TEXT);
  await context.close();
});
