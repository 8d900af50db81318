/**
 * The happy path: load, pick a model, stream a Markdown answer, composer keys, the offline
 * demo model, and the upstream API key never reaching the browser.
 */
import { expect, test, type Response } from '@playwright/test';
import { ChatPage, distinctRuns } from '../pages/chat-page';
import { E2E_API_KEY, MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';
import { findRecords, waitForRecord } from '../support/fake-upstream';

test.describe('chat', () => {
  test('page loads with composer, Send button and model picker', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();

    await expect(chat.composer).toBeEditable();
    await expect(chat.composer).toHaveAttribute('placeholder', 'Message Sluice…');
    await expect(chat.sendStop).toHaveAccessibleName('Send');
    await expect(chat.messageList).toBeAttached();
    await expect(chat.typingIndicator).toHaveCount(0);

    // Models from the fake's /v1/models, grouped by provider, plus the built-in demo.
    await expect(chat.modelOption(MODELS.markdown)).toHaveCount(1);
    await expect(chat.modelPicker.locator(`optgroup option[value="${MODELS.markdown}"]`)).toHaveCount(1);
    await expect(chat.modelOption(MODELS.demo)).toHaveCount(1);
    await expect(chat.modelOption(MODELS.demo)).toContainText('Demo');
  });

  test('streams a Markdown answer from fake-markdown', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.markdown);
    await expect(chat.demoBadge).toBeHidden();

    const question = `Show me some markdown ${uniqueTag('md')}`;
    await chat.startTimeline();
    // Type key by key (not fill) so the composer's input handling is exercised; Enter sends.
    await chat.composer.pressSequentially(question);
    await chat.composer.press('Enter');

    const answer = chat.lastAssistant;
    await expect(chat.lastUser).toContainText(question);
    // ASSUMPTION (beyond the contract): sending clears the composer.
    await expect(chat.composer).toHaveValue('');
    await expect(chat.sendStop).toHaveAccessibleName('Stop');

    await chat.waitForDone(answer);
    await expect(chat.typingIndicator).toBeHidden();
    await expect(chat.sendStop).toHaveAccessibleName('Send');

    // The recorder saw the whole life of the answer (fake-markdown waits ~300 ms before the first token).
    const timeline = await chat.readTimeline();
    const statuses = distinctRuns(timeline.map((entry) => entry.status).filter((s) => s !== null));
    expect(statuses, JSON.stringify(timeline.slice(0, 20))).toEqual(['waiting', 'streaming', 'done']);
    expect(
      timeline.some((entry) => entry.typing && entry.textLength === 0),
      'typing indicator shown before the first token',
    ).toBe(true);
    for (const entry of timeline.filter((e) => e.typing)) {
      // Present only while the latest assistant message is waiting, so never next to answer text.
      expect(entry.status, `at ${entry.t} ms: ${JSON.stringify(entry)}`).toBe('waiting');
      expect(entry.textLength, `at ${entry.t} ms`).toBe(0);
    }
    const firstText = timeline.find((entry) => entry.textLength > 0);
    expect(firstText?.status).toBe('streaming');

    // Rendered Markdown: heading, list, GFM table, fenced code with a Copy button, emoji and CJK.
    const body = chat.markdown(answer);
    await expect(body.getByRole('heading').first()).toBeVisible();
    await expect(body.getByRole('list').first()).toBeVisible();
    await expect(body.locator('table')).toHaveCount(1);
    await expect(body.locator('table th').first()).toBeVisible();
    await expect(body.locator('pre code').first()).toBeVisible();
    const copy = answer.getByRole('button', { name: 'Copy code' }).first();
    await expect(copy).toBeVisible();
    await expect(copy).toHaveText('Copy');
    const text = await chat.answerText(answer);
    expect(text).toMatch(/\p{Extended_Pictographic}/u);
    expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
    // No raw Markdown markers left behind by the streaming renderer.
    expect(text).not.toContain('```');
    expect(text).not.toContain('|---');

    // Stats footer once done: "TTFT 312 ms · 41.2 tok/s".
    const stats = chat.stats(answer);
    await expect(stats).toBeVisible();
    await expect(stats).toHaveText(/TTFT \d+ ms/);
    await expect(stats).toHaveText(/tok\/s/);
    const ttft = Number(/TTFT (\d+) ms/.exec((await stats.textContent()) ?? '')?.[1]);
    // The fake waits ~300 ms before its first token; a TTFT below that was not measured end to end.
    expect(ttft).toBeGreaterThanOrEqual(250);
    expect(ttft).toBeLessThan(15_000);

    // The app asked the fake for the model we picked, with our message, and authenticated.
    const record = await waitForRecord({ model: MODELS.markdown, messageContains: question });
    expect(record.authorization_ok).toBe(true);
    expect(record.completed).toBe(true);
  });

  test.describe('code block', () => {
    test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

    test('Copy button puts the code on the clipboard', async ({ page }) => {
      const chat = new ChatPage(page);
      await chat.goto();
      await chat.selectModel(MODELS.markdown);
      const answer = await chat.send(`Code please ${uniqueTag('copy')}`);
      await chat.waitForDone(answer);

      const block = chat.markdown(answer).locator('pre code').first();
      const code = (await block.textContent()) ?? '';
      expect(code.trim().length).toBeGreaterThan(0);
      await answer.getByRole('button', { name: 'Copy code' }).first().click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe(code);
    });
  });

  test('Shift+Enter inserts a newline instead of sending', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.demo);

    await chat.composer.click();
    await chat.composer.pressSequentially('line one');
    await chat.composer.press('Shift+Enter');
    await chat.composer.pressSequentially('line two');
    await expect(chat.composer).toHaveValue('line one\nline two');
    // Give a wrongly wired handler time to send.
    await page.waitForTimeout(500);
    await expect(chat.userMessages).toHaveCount(0);
    await expect(chat.sendStop).toHaveAccessibleName('Send');

    // Enter then sends the multi-line message as one user message.
    await chat.composer.press('Enter');
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.lastUser).toContainText('line one');
    await expect(chat.lastUser).toContainText('line two');
    await chat.waitForDone();
  });

  test('demo model answers without the upstream and shows the demo badge', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.demo);
    await expect(chat.demoBadge).toBeVisible();

    const question = `Hello demo ${uniqueTag('demo')}`;
    const answer = await chat.send(question);
    await chat.waitForDone(answer);
    expect((await chat.answerText(answer)).trim().length).toBeGreaterThan(0);
    await expect(chat.stats(answer)).toHaveText(/TTFT \d+ ms/);
    // Nothing went upstream for it.
    expect(await findRecords({ messageContains: question })).toEqual([]);

    // Switching to an upstream model hides the badge again.
    await chat.selectModel(MODELS.markdown);
    await expect(chat.demoBadge).toBeHidden();
  });

  test('the upstream API key never reaches the browser', async ({ page, context }) => {
    const leaks: string[] = [];
    const pending: Promise<void>[] = [];
    const inspect = async (response: Response) => {
      let body: Buffer;
      try {
        body = await response.body();
      } catch {
        return; // redirects and aborted requests have no body
      }
      // latin1 keeps every byte, so the ASCII key is found in text, JS and WASM alike.
      if (body.toString('latin1').includes(E2E_API_KEY)) leaks.push(`${response.status()} ${response.url()}`);
      const headers = await response.allHeaders();
      if (JSON.stringify(headers).includes(E2E_API_KEY)) leaks.push(`headers of ${response.url()}`);
    };
    page.on('response', (response) => pending.push(inspect(response)));

    const chat = new ChatPage(page);
    await chat.goto();

    // A normal answer and an upstream auth failure (whose error text could echo the key).
    await chat.selectModel(MODELS.markdown);
    await chat.waitForDone(await chat.send(`Key check ${uniqueTag('key')}`));
    await chat.selectModel(MODELS.unauthorized);
    const failed = await chat.send(`Key check ${uniqueTag('key401')}`);
    await chat.waitForStatus(failed, 'error');

    await Promise.all(pending);
    expect(leaks).toEqual([]);
    expect(await page.content()).not.toContain(E2E_API_KEY);
    const storage = await page.evaluate(() =>
      JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }),
    );
    expect(storage).not.toContain(E2E_API_KEY);
    expect(JSON.stringify(await context.cookies())).not.toContain(E2E_API_KEY);
  });
});
