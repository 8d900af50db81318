/**
 * Sessions live in the database, so a cookie from one replica works on every other: sign in
 * through r1 (pinned, and checked by nginx's X-Sluice-Upstream), then use the chat through the
 * balancer (round-robin: page loads, history, sending, answers land on the other replicas),
 * then pinned to r2 (history) and r3 (a new answer).
 */
import { expect, test } from '@playwright/test';
import { SignInPage } from '../../pages/auth';
import { ChatPage } from '../../pages/chat-page';
import { Sidebar } from '../../pages/sidebar';
import { MODELS } from '../../support/constants';
import { uniqueTag } from '../../support/env';
import { pin, recordServed, servedBy, signUpThrough, useCluster } from '../../support/cluster';

const cluster = useCluster({ label: 'sessions' });
const ADMIN = { name: 'Ada', password: 'cluster-admin-1' };

test('sign in through one replica, then chat through the others', async ({ browser }) => {
  const c = cluster();
  // The administrator account exists (created through r1, in its own context).
  const setup = await browser.newContext();
  await signUpThrough(c, setup, 'r1', ADMIN.name, ADMIN.password);
  await setup.close();

  const context = await browser.newContext({ baseURL: c.url });
  const page = await context.newPage();
  const served = recordServed(page, c);

  // Sign in through nginx, every request pinned to r1.
  await pin(page, 'r1');
  const signIn = new SignInPage(page);
  await signIn.goto();
  const signInResponse = page.waitForResponse((r) => r.url().endsWith('/api/auth/sign_in'));
  await signIn.signIn(ADMIN.name, ADMIN.password);
  expect(servedBy(c, await signInResponse)).toBe('r1');
  await expect(page).toHaveURL(`${c.url}/`);
  expect(new Set(served.map((s) => s.replica))).toEqual(new Set(['r1']));

  // Then balanced: the session works on whichever replica a request lands on.
  await pin(page, null);
  const since = served.length;
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.markdown);
  const question = `Across replicas ${uniqueTag('sessions')}`;
  const answer = await chat.send(question);
  await chat.waitForDone(answer);
  const sidebar = new Sidebar(page);
  const id = await sidebar.currentId();
  await page.reload();
  await chat.waitForHydration();
  await expect(chat.lastUser).toContainText(question);
  await expect(chat.lastAssistant).toHaveAttribute('data-status', 'done');
  await expect(sidebar.itemById(id)).toBeVisible();
  const balanced = served.slice(since);
  expect(balanced.filter((s) => s.status === 401 || s.status === 403)).toEqual([]);
  const replicas = new Set(balanced.map((s) => s.replica));
  expect(replicas.has('r2') && replicas.has('r3'), JSON.stringify(balanced)).toBe(true);

  // Pinned to r2: the history of the conversation started elsewhere.
  await pin(page, 'r2');
  const onR2 = await page.goto(`/c/${id}`);
  expect(servedBy(c, onR2)).toBe('r2');
  await chat.waitForHydration();
  await expect(chat.lastUser).toContainText(question);
  await expect(chat.markdown(chat.lastAssistant)).not.toBeEmpty();
  await expect(sidebar.itemById(id)).toBeVisible();

  // Pinned to r3: a new answer in the same conversation.
  await pin(page, 'r3');
  await chat.selectModel(MODELS.echo);
  const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
  const echo = `Echo from r3 ${uniqueTag('echo')}`;
  const second = await chat.send(echo);
  expect(servedBy(c, await streamed)).toBe('r3');
  await chat.waitForDone(second);
  expect((await chat.answerText(second)).trim()).toBe(echo);
  await expect(chat.assistantMessages).toHaveCount(2);
  await context.close();
});
