/**
 * Owner death: the replica that owns a live answer is killed with SIGKILL (no clean-up, as a
 * crash or a lost machine). Within the issue's bound (15 s; the replicas' lease is
 * `LEASE_MS`) the page shows the answer as interrupted, with every word it had shown and
 * nothing but the fake's text; the database says so too (a fresh server-rendered page from a
 * survivor carries `data-status="interrupted"`). Then Continue (first test) or Retry
 * (second test) answers on the surviving replicas. The killed replica is started again after
 * each test, and it is not started before the interrupted answer is seen: its own crash
 * recovery must not be what closes the answer.
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../../pages/chat-page';
import { Sidebar } from '../../pages/sidebar';
import { MODELS, STEADY_LONG_TEXT, STEADY_TEXT } from '../../support/constants';
import { uniqueTag } from '../../support/env';
import {
  PIN_HEADER,
  REPLICA_NAMES,
  pin,
  servedBy,
  signUpThrough,
  useCluster,
  type Cluster,
  type ReplicaName,
} from '../../support/cluster';

const cluster = useCluster({ label: 'failover' });

/** The bound from the owner's death to the answer shown as interrupted. */
const TAKEOVER_BOUND_MS = 15_000;

/**
 * The `data-status` and normalised text of the last assistant article in server-rendered
 * HTML (before any script ran: what the database holds).
 */
function lastAssistantOf(html: string): { status: string | null; text: string } {
  const articles = [...html.matchAll(/<article data-role="assistant" data-status="([a-z]+)"[^>]*>([\s\S]*?)<\/article>/g)];
  const last = articles.at(-1);
  if (!last) return { status: null, text: '' };
  const chunks = [...last[2].matchAll(/<div class="markdown-chunk">([\s\S]*?)<\/div>/g)].map((m) => m[1]);
  const text = chunks
    .join(' ')
    .replace(/<!--[\s\S]*?-->|<!>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { status: last[1], text };
}

/** Normalised visible text of an answer (Markdown paragraphs joined by spaces). */
async function words(chat: ChatPage): Promise<string> {
  return (await chat.answerText(chat.lastAssistant)).replace(/\s+/g, ' ').trim();
}

test.afterEach(async () => {
  const c = cluster();
  for (const name of REPLICA_NAMES) if (!c.isRunning(name)) await c.startReplica(name);
});

/**
 * Starts a fake-steady-long answer through the balancer in a fresh signed-in page, kills its
 * owner once some text is shown, and checks the interrupted answer. Returns the page, the
 * conversation, the surviving replicas and the interrupted text.
 */
async function interruptedAnswer(
  c: Cluster,
  page: Page,
  label: string,
): Promise<{ chat: ChatPage; id: string; owner: ReplicaName; text: string }> {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.steadyLong);
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  await chat.send(`Steady until the owner dies ${uniqueTag(label)}`);
  const owner = servedBy(c, await streamed);
  await chat.waitForText(chat.lastAssistant, 40);
  const id = await new Sidebar(page).currentId();

  const seen = await words(chat);
  await c.kill(owner, 'SIGKILL');
  const killedAt = Date.now();
  await expect(chat.lastAssistant, `the answer after its owner ${owner} was killed`).toHaveAttribute(
    'data-status',
    'interrupted',
    { timeout: TAKEOVER_BOUND_MS },
  );
  const bound = Date.now() - killedAt;
  expect(bound).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
  expect(c.isRunning(owner), 'the killed owner stays down until the answer is closed').toBe(false);
  await expect(chat.page.getByTestId('interrupted-note')).toBeVisible();
  const text = await words(chat);
  expect(text.startsWith(seen), `every word shown before the kill is kept: ${JSON.stringify({ seen, text })}`).toBe(
    true,
  );
  expect(STEADY_LONG_TEXT.startsWith(text), `only the fake's text, in order: ${text}`).toBe(true);

  // Stored so (by a survivor, within the same bound): a survivor's server-rendered page shows
  // the answer interrupted, with its text.
  const survivor = c.others(owner)[0];
  const stored = async () => {
    const response = await page.request.get(`/c/${id}`, { headers: { [PIN_HEADER]: survivor } });
    expect(servedBy(c, response)).toBe(survivor);
    return lastAssistantOf(await response.text());
  };
  await expect
    .poll(async () => (await stored()).status, {
      timeout: Math.max(1_000, killedAt + TAKEOVER_BOUND_MS - Date.now()),
      message: `the stored answer, as ${survivor} renders it, ${TAKEOVER_BOUND_MS} ms after ${owner} was killed`,
    })
    .toBe('interrupted');
  expect((await stored()).text).toBe(text);
  return { chat, id, owner, text };
}

test('kill -9 the owner mid-answer: interrupted with its text within 15 s, then Continue on a survivor', async ({
  browser,
}) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r1', 'Kim');
  const page = await context.newPage();
  const { chat, owner, text } = await interruptedAnswer(c, page, 'continue');

  await chat.selectModel(MODELS.steady);
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  await chat.page.getByTestId('interrupted-note').getByRole('button', { name: 'Continue' }).click();
  const survivor = servedBy(c, await streamed);
  expect(survivor).not.toBe(owner);
  await chat.waitForDone(chat.lastAssistant);
  const continued = await words(chat);
  expect(continued.startsWith(text), continued).toBe(true);
  expect(continued.length).toBeGreaterThan(text.length);
  await context.close();
});

test('kill -9 the owner mid-answer: interrupted with its text within 15 s, then Retry on a survivor', async ({
  browser,
}) => {
  const c = cluster();
  const context = await browser.newContext({ baseURL: c.url });
  await signUpThrough(c, context, 'r2', 'Lou');
  const page = await context.newPage();
  const { chat, owner } = await interruptedAnswer(c, page, 'retry');

  await chat.selectModel(MODELS.steady);
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  await chat.page.getByTestId('interrupted-retry').click();
  const survivor = servedBy(c, await streamed);
  expect(survivor).not.toBe(owner);
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_TEXT);
  // The page stays on the survivors: pinned to the other one, the retried answer is there.
  const other = c.others(owner).find((name) => name !== survivor)!;
  await pin(page, other);
  await page.reload();
  await chat.waitForHydration();
  await expect(chat.lastAssistant).toHaveAttribute('data-status', 'done');
  expect(await words(chat)).toBe(STEADY_TEXT);
  await context.close();
});
