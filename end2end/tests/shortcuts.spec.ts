/**
 * Keyboard shortcuts (issue 24, src/components/shortcuts): each one from the keyboard, and the
 * `?` overlay (a labelled modal dialog listing them with this platform's keys; focus moves in,
 * stays in, and returns on Esc). Single keys never fire while typing in a field. Answers come
 * from the fake upstream: `fake-echo` (quick, its answer is the question) and `fake-slow`
 * (slow enough to stop).
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { KEYS, NEW_CHAT_LABEL, Shortcuts } from '../pages/shortcuts';
import { Sidebar, Versions } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('? opens the shortcuts list: a modal dialog that keeps and returns focus', async ({ page }) => {
  const chat = new ChatPage(page);
  const shortcuts = new Shortcuts(page);
  await chat.goto();

  // From the button: every shortcut listed, with this platform's keys; focus on Close.
  await shortcuts.button.click();
  await expect(shortcuts.overlay).toBeVisible();
  await expect(shortcuts.overlay).toHaveAttribute('aria-modal', 'true');
  await expect(shortcuts.rows).toHaveCount(10);
  await expect(shortcuts.row('new-chat')).toContainText('New chat');
  await expect(shortcuts.row('new-chat').locator('kbd')).toHaveText(NEW_CHAT_LABEL);
  await expect(shortcuts.row('stop').locator('kbd')).toHaveText('Esc');
  await expect(shortcuts.close).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(shortcuts.close).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(shortcuts.close).toBeFocused();
  // Modal: other shortcuts do nothing while it is open.
  const url = page.url();
  await shortcuts.press(KEYS.newChat);
  await expect(page).toHaveURL(url);
  // Esc closes it and focus returns to the button.
  await page.keyboard.press('Escape');
  await expect(shortcuts.overlay).toHaveCount(0);
  await expect(shortcuts.button).toBeFocused();

  // `?` typed into the message box is text, not a shortcut.
  await chat.composer.click();
  await page.keyboard.press('?');
  await expect(chat.composer).toHaveValue('?');
  await expect(shortcuts.overlay).toHaveCount(0);
  // Ctrl+/ (⌘/) opens it from a field; Close closes it and focus goes back to the field.
  await shortcuts.press(KEYS.showShortcutsAnywhere);
  await expect(shortcuts.overlay).toBeVisible();
  await shortcuts.close.click();
  await expect(shortcuts.overlay).toHaveCount(0);
  await expect(chat.composer).toBeFocused();

  // Outside a field `?` opens it, and `?` again closes it.
  await chat.composer.fill('');
  await shortcuts.blur();
  await shortcuts.press(KEYS.showShortcuts);
  await expect(shortcuts.overlay).toBeVisible();
  await shortcuts.press(KEYS.showShortcuts);
  await expect(shortcuts.overlay).toHaveCount(0);
});

test('new chat, focus the message box, search chats, toggle the sidebar', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  const shortcuts = new Shortcuts(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  await chat.waitForDone(await chat.send(`Hello shortcuts ${uniqueTag('new')}`));
  await sidebar.currentId();

  // New chat: an empty chat at `/`, the cursor in the message box.
  await shortcuts.press(KEYS.newChat);
  await expect(page).toHaveURL(/\/$/);
  await expect(chat.assistantMessages).toHaveCount(0);
  await expect(chat.composer).toBeFocused();

  // Search chats, from the message box.
  await shortcuts.press(KEYS.searchChats);
  await expect(sidebar.search).toBeFocused();
  // `/` typed into the search box stays there.
  await page.keyboard.press('/');
  await expect(sidebar.search).toHaveValue('/');
  await sidebar.search.fill('');

  // `/` from a button moves to the message box.
  await sidebar.newChatButton.focus();
  await shortcuts.press(KEYS.focusComposer);
  await expect(chat.composer).toBeFocused();

  // The sidebar hides and comes back; focus inside it moves to the ☰ button that shows it again.
  await sidebar.search.focus();
  await shortcuts.press(KEYS.toggleSidebar);
  await expect(sidebar.root).toBeHidden();
  await expect(page.getByTestId('menu-button')).toBeFocused();
  await shortcuts.press(KEYS.toggleSidebar);
  await expect(sidebar.root).toBeVisible();
  // Search chats opens a hidden sidebar.
  await shortcuts.press(KEYS.toggleSidebar);
  await expect(sidebar.root).toBeHidden();
  await shortcuts.press(KEYS.searchChats);
  await expect(sidebar.root).toBeVisible();
  await expect(sidebar.search).toBeFocused();
});

test('Esc in the message box stops the answer being written (fake-slow)', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const answer = await chat.send(`Count slowly ${uniqueTag('esc')}`);
  await chat.waitForStatus(answer, 'streaming');
  await chat.waitForText(answer, 10);
  await expect(chat.composer).toBeFocused();
  await page.keyboard.press(KEYS.stop);
  await chat.waitForStatus(answer, 'stopped', 5_000);
  await expect(chat.sendStop).toHaveAccessibleName('Send');
});

test('copy the last answer and regenerate it', async ({ page }) => {
  const chat = new ChatPage(page);
  const shortcuts = new Shortcuts(page);
  await chat.goto();

  // Nothing to copy in a new chat: it says so.
  await shortcuts.press(KEYS.copyLastAnswer);
  await expect(shortcuts.status).toHaveText('No answer to copy yet.');

  await chat.selectModel(MODELS.echo);
  const question = `Echo me back ${uniqueTag('copy')}`;
  const answer = await chat.send(question);
  await chat.waitForDone(answer);
  await expect(chat.markdown(answer)).toHaveText(question);

  await shortcuts.press(KEYS.copyLastAnswer);
  await expect(shortcuts.status).toHaveText('Copied the last answer.');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(question);

  // Regenerate: a second version of the answer, shown as "2 / 2".
  await shortcuts.press(KEYS.regenerate);
  const versions = new Versions(chat.lastAssistant);
  await expect(versions.position).toHaveText('2 / 2');
  await chat.waitForDone(chat.lastAssistant);
  await expect(chat.markdown(chat.lastAssistant)).toHaveText(question);
});

test('previous and next chat follow the sidebar order', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  const shortcuts = new Shortcuts(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const tag = uniqueTag('order');
  for (const n of [1, 2, 3]) {
    await shortcuts.press(KEYS.newChat);
    await expect(page).toHaveURL(/\/$/);
    await chat.waitForDone(await chat.send(`Chat ${n} ${tag}`));
  }
  const current = await sidebar.currentId();
  await expect(sidebar.itemById(current)).toBeVisible();
  const ids = await sidebar.items.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));
  const at = ids.indexOf(current);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(ids.length).toBeGreaterThan(at + 1);

  // Alt+↓ opens the one below (from the message box, where focus is after sending).
  await shortcuts.press(KEYS.nextChat);
  await expect(page).toHaveURL(new RegExp(`/c/${ids[at + 1]}$`));
  await expect(sidebar.itemById(ids[at + 1])).toHaveClass(/current/);
  await expect(chat.assistantMessages).toHaveCount(1);
  // Alt+↑ comes back.
  await shortcuts.press(KEYS.previousChat);
  await expect(page).toHaveURL(new RegExp(`/c/${current}$`));
  await expect(sidebar.itemById(current)).toHaveClass(/current/);

  // From a new chat, Alt+↓ opens the top of the list.
  await shortcuts.press(KEYS.newChat);
  await expect(page).toHaveURL(/\/$/);
  await shortcuts.press(KEYS.nextChat);
  await expect(page).toHaveURL(new RegExp(`/c/${ids[0]}$`));
});
