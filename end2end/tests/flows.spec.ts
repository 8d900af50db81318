/**
 * The main flows on both layouts (issue 24): this file runs in the `sqlite` project (desktop,
 * 1280×720) and again in the `phone` project (390×844, touch), reaching the sidebar and the
 * conversation menu through the AppShell page object (a drawer and a "⋯" menu on a phone).
 * Send, Stop, a reload mid-answer, switching chats, the settings and export, and no sideways
 * scrolling of the page on a phone.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { AppShell } from '../pages/app-shell';
import { MODELS, STEADY_TEXT } from '../support/constants';
import { uniqueTag } from '../support/env';

/** The answer's words, whitespace collapsed. */
async function words(chat: ChatPage): Promise<string> {
  return (await chat.answerText(chat.lastAssistant)).replace(/\s+/g, ' ').trim();
}

test('send: a Markdown answer streams in and fits the screen', async ({ page }) => {
  const chat = new ChatPage(page);
  const layout = new AppShell(page);
  await chat.goto();
  await chat.selectModel(MODELS.markdown);
  const answer = await chat.send(`Show me Markdown ${uniqueTag('flow-send')}`);
  await chat.waitForDone(answer);
  await expect(chat.markdown(answer).locator('table')).toHaveCount(1);
  await expect(chat.codeBlocks(answer)).toHaveCount(1);
  // Wide tables and code scroll in their own box; the page never scrolls sideways.
  expect(await layout.scrollsSideways()).toBe(false);
});

test('stop: the button stops a long answer and keeps what came', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const answer = await chat.send(`Count slowly ${uniqueTag('flow-stop')}`);
  await chat.waitForText(answer, 20);
  await chat.stop();
  await chat.waitForStatus(answer, 'stopped', 5_000);
  const kept = await chat.answerText(answer);
  expect(kept.length).toBeGreaterThan(0);
  await page.waitForTimeout(1_000);
  expect(await chat.answerText(answer)).toBe(kept);
  await expect(chat.sendStop).not.toHaveAccessibleName('Stop');
});

test('a reload mid-answer continues the answer exactly', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.steady);
  await chat.send(`Steady please ${uniqueTag('flow-reload')}`);
  await chat.waitForText(chat.lastAssistant, 40);
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  await page.reload();
  await chat.waitForHydrationMarker();
  await chat.waitForDone(chat.lastAssistant);
  expect(await words(chat)).toBe(STEADY_TEXT);
});

test('switching chats from the sidebar shows each conversation', async ({ page }) => {
  const chat = new ChatPage(page);
  const layout = new AppShell(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const first = `First chat ${uniqueTag('flow-switch')}`;
  await chat.waitForDone(await chat.send(first));
  await layout.startNewChat();
  await chat.selectModel(MODELS.echo);
  const second = `Second chat ${uniqueTag('flow-switch')}`;
  await chat.waitForDone(await chat.send(second));

  await layout.openConversation(first);
  await expect(chat.lastUser).toContainText(first);
  await expect(chat.userMessages).toHaveCount(1);
  await layout.openConversation(second);
  await expect(chat.lastUser).toContainText(second);
  await expect(chat.userMessages).toHaveCount(1);
});

test('settings and export are reachable from the conversation menu', async ({ page }) => {
  const chat = new ChatPage(page);
  const layout = new AppShell(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const question = `Settings and export ${uniqueTag('flow-menu')}`;
  await chat.waitForDone(await chat.send(question));
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);

  await (await layout.menuEntry('settings-toggle')).click();
  const prompt = `Answer briefly ${uniqueTag('flow-menu')}`;
  await page.getByTestId('system-prompt-input').fill(prompt);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-panel')).toContainText('Saved.');
  await page.reload();
  await chat.waitForHydration();
  await (await layout.menuEntry('settings-toggle')).click();
  await expect(page.getByTestId('system-prompt-input')).toHaveValue(prompt);

  const entry = await layout.menuEntry('export-markdown');
  const download = page.waitForEvent('download');
  await entry.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.md$/);
  expect(readFileSync(await file.path(), 'utf8')).toContain(question);
});
