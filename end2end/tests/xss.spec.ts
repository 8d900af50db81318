/**
 * XSS: every payload from shared/fixtures/xss-payloads.txt is echoed back by fake-echo in
 * random splits (so the streaming tail renderer sees every half-typed state), one at a time
 * and then all together. Throughout: no dialog, no request off the app's host, no dangerous
 * element or attribute inside `.markdown` (live or settled), and `window.__xss` stays unset.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { appUrl } from '../support/env';
import { installXssGuard } from '../support/xss-guard';

/** The payload list lives in the shared folder beside the repository (env var overrides). */
const PAYLOADS_FILE =
  process.env.SLUICE_XSS_PAYLOADS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'xss-payloads.txt');

/** One payload per line; a literal `\n` in a line stands for a newline. */
function loadPayloads(): string[] {
  if (!existsSync(PAYLOADS_FILE)) return [];
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

const payloads = loadPayloads();

test('XSS payloads streamed back by the model stay inert', async ({ page }) => {
  test.skip(payloads.length === 0, `no XSS payloads: ${PAYLOADS_FILE} is missing or empty`);
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

  await test.step('all payloads in one message', async () => {
    await chat.newChat(); // only if the UI has a "New chat" button; otherwise keep going
    const answer = await chat.send(payloads.join('\n\n'));
    await chat.waitForDone(answer, 60_000);
    expect((await chat.answerText(answer)).length).toBeGreaterThan(100);
    await expectClean('combined message');
  });

  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});
