/**
 * Phones and the page's frame (issue 24): on a 390 × 844 touch screen the sidebar is a drawer
 * behind a menu button (aria-expanded, focus moved in and trapped, closed by Esc, the
 * backdrop, a left swipe, choosing a chat or New chat), the conversation menu is a "⋯" menu,
 * everything is reachable, nothing scrolls sideways and the main controls are 44 px tap
 * targets, and axe-core finds no serious violation there. On a desktop: the docked sidebar, the theme switch surviving a reload, "Jump to
 * latest" and the new chat's suggestions.
 */
import { expect, test } from '@playwright/test';
import { AppShell } from '../pages/app-shell';
import { ChatPage } from '../pages/chat-page';
import { Sidebar } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { expectNoSeriousViolations } from '../support/axe';
import { uniqueTag } from '../support/env';

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the drawer opens from the menu button, traps focus and closes every way', async ({ page }) => {
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    await expect(shell.menuButton).toBeVisible();
    await expect(shell.menuButton).toHaveAttribute('aria-controls', 'sidebar-drawer');
    await expect(shell.menuButton).toHaveAttribute('aria-expanded', 'false');
    await expect(shell.newChat).toBeHidden();

    // Open: focus moves in, and Tab / Shift+Tab never leave the drawer.
    await shell.openDrawer();
    await expect(shell.newChat).toBeFocused();
    await expect(shell.drawer).toHaveAttribute('aria-modal', 'true');
    await page.keyboard.press('Shift+Tab');
    expect(await shell.focusInsideDrawer()).toBe(true);
    await page.keyboard.press('Tab');
    await expect(shell.newChat).toBeFocused();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      expect(await shell.focusInsideDrawer(), `Tab ${i + 1} stays in the drawer`).toBe(true);
    }

    // Esc closes and gives focus back to the button.
    await page.keyboard.press('Escape');
    await shell.expectDrawerClosed();

    // So does a tap on the backdrop …
    await shell.openDrawer();
    await expect(shell.backdrop).toBeVisible();
    await shell.tapBackdrop();
    await shell.expectDrawerClosed();

    // … and a swipe to the left.
    await shell.openDrawer();
    await shell.swipeDrawerLeft();
    await shell.expectDrawerClosed();
  });

  test('choosing a chat or New chat closes the drawer; search, settings and export are reachable', async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    const sidebar = new Sidebar(page);
    await chat.goto();
    await chat.selectModel(MODELS.demo);
    const question = `Phone chat ${uniqueTag('phone')}`;
    await chat.waitForDone(await chat.send(question));
    const id = await sidebar.currentId();

    // New chat from the drawer.
    await shell.openDrawer();
    await shell.newChat.click();
    await shell.expectDrawerClosed();
    await expect(page).toHaveURL(/\/$/);
    await expect(chat.assistantMessages).toHaveCount(0);

    // Search, then choose the chat found.
    await shell.openDrawer();
    await shell.search.fill(question);
    const entry = sidebar.itemById(id);
    await expect(entry).toHaveCount(1);
    await entry.getByTestId('conversation-link').click();
    await expect(shell.menuButton).toHaveAttribute('aria-expanded', 'false');
    await expect(page).toHaveURL(new RegExp(`/c/${id}$`));
    await expect(chat.userMessages.first()).toContainText(question);

    // The conversation menu is a "⋯" menu.
    await expect(shell.overflowButton).toBeVisible();
    await expect(shell.overflowButton).toHaveAttribute('aria-haspopup', 'menu');
    await expect(shell.overflowMenu).toBeHidden();
    await shell.overflowButton.click();
    await expect(shell.overflowButton).toHaveAttribute('aria-expanded', 'true');
    await expect(shell.overflowMenu).toHaveAttribute('role', 'menu');
    const entries = shell.overflowMenu.getByRole('menuitem');
    await expect(entries.first()).toBeFocused();
    await expect(shell.overflowMenu.getByRole('menuitem', { name: 'Settings' })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await expect(entries.nth(1)).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(shell.overflowMenu).toBeHidden();
    await expect(shell.overflowButton).toBeFocused();

    // Export from the menu.
    await shell.overflowButton.click();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-markdown').click();
    expect((await download).suggestedFilename()).toMatch(/\.md$/);

    // Settings from the menu.
    await shell.overflowButton.click();
    await page.getByTestId('settings-toggle').click();
    await expect(shell.overflowMenu).toBeHidden();
    await expect(page.getByTestId('settings-panel')).toBeVisible();
    await expect(page.getByTestId('system-prompt-input')).toBeInViewport();
  });

  test('nothing scrolls sideways and the main controls are 44 px tap targets', async ({ page }) => {
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    // The new chat (suggestions shown) fits as well as the answered one.
    await expect(shell.suggestions).toHaveCount(4);
    expect(await shell.scrollsSideways()).toBe(false);
    await shell.expectTapTarget(shell.suggestions.first(), 'a suggestion');
    await chat.selectModel(MODELS.markdown);
    const answer = await chat.send(`A wide answer please ${uniqueTag('wide')}`);
    await chat.waitForDone(answer);
    await expect(chat.markdown(answer).locator('table')).toHaveCount(1);
    await expect(chat.markdown(answer).locator('pre code')).toHaveCount(1);

    expect(await shell.scrollsSideways()).toBe(false);
    // The list itself does not scroll sideways either: wide code and tables scroll in their box.
    const listOverflow = await chat.messageList.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(listOverflow).toBeLessThanOrEqual(1);

    await shell.expectTapTarget(shell.menuButton, 'menu button');
    await shell.expectTapTarget(shell.overflowButton, 'overflow menu button');
    await shell.expectTapTarget(chat.sendStop, 'send button');
    await shell.expectTapTarget(chat.modelPicker, 'model picker');
    await shell.openDrawer();
    await shell.expectTapTarget(shell.newChat, 'new chat');
    await shell.expectTapTarget(shell.search, 'search');
    await shell.expectTapTarget(page.getByTestId('conversation-link').first(), 'a chat in the list');
    await shell.expectTapTarget(shell.themeOption('Dark'), 'a theme option');
    expect(await shell.scrollsSideways()).toBe(false);
  });
  test('axe finds no serious violation in the phone layout: the chat, the drawer, the ⋯ menu', async ({ page }) => {
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    await chat.selectModel(MODELS.markdown);
    await chat.waitForDone(await chat.send(`Axe on a phone ${uniqueTag('phone-axe')}`));
    await expectNoSeriousViolations(page, 'a finished answer on a phone');
    await shell.openDrawer();
    await expectNoSeriousViolations(page, 'the open drawer');
    await page.keyboard.press('Escape');
    await shell.expectDrawerClosed();
    await shell.overflowButton.click();
    await expect(shell.overflowButton).toHaveAttribute('aria-expanded', 'true');
    await expectNoSeriousViolations(page, 'the open ⋯ menu');
  });
});

test.describe('on a desktop', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the sidebar stays docked and the theme choice overrides the system and survives a reload', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    await expect(page.getByTestId('sidebar')).toBeVisible();
    await expect(shell.menuButton).toBeHidden();
    expect(await shell.dataTheme()).toBe('system');
    await expect(shell.themeOption('System')).toBeChecked();
    expect(await shell.background()).toBe('rgb(15, 17, 21)');

    await shell.themeOption('Light').check();
    expect(await shell.dataTheme()).toBe('light');
    expect(await shell.background()).toBe('rgb(255, 255, 255)');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sluice_theme');
    expect(cookie?.value).toBe('light');
    expect(cookie?.httpOnly).toBe(false);
    expect(cookie?.sameSite).toBe('Lax');

    // The server renders the choice: right from the first byte, before any script runs.
    const response = await page.reload();
    expect(await response?.text()).toContain('<html lang="en" data-theme="light">');
    await chat.waitForHydration();
    expect(await shell.background()).toBe('rgb(255, 255, 255)');
    await expect(shell.themeOption('Light')).toBeChecked();

    await shell.themeOption('Dark').check();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await shell.background()).toBe('rgb(15, 17, 21)');
    await page.reload();
    await chat.waitForHydration();
    await expect(shell.themeOption('Dark')).toBeChecked();
    expect(await shell.dataTheme()).toBe('dark');

    await shell.themeOption('System').check();
    expect(await shell.background()).toBe('rgb(255, 255, 255)');
  });

  test('suggestions fill the composer without sending', async ({ page }) => {
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    await expect(shell.suggestions).toHaveCount(4);
    const first = shell.suggestions.first();
    const text = (await first.locator('.suggestion-text').textContent()) ?? '';
    await first.click();
    await expect(chat.composer).toBeFocused();
    await expect(chat.composer).toHaveValue(new RegExp(`^${text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await expect(chat.messages).toHaveCount(0);
    await chat.selectModel(MODELS.demo);
    await chat.composer.press('Enter');
    await expect(chat.userMessages).toHaveCount(1);
    await expect(shell.suggestions).toHaveCount(0);
  });

  test('Jump to latest appears after scrolling up during an answer and resumes following', async ({ page }) => {
    await page.setViewportSize({ width: 900, height: 500 });
    const chat = new ChatPage(page);
    const shell = new AppShell(page);
    await chat.goto();
    await chat.selectModel(MODELS.slow);
    const answer = await chat.send(`Count for jumping ${uniqueTag('jump')}`);
    await chat.waitForStatus(answer, 'streaming');
    const distanceFromBottom = () =>
      chat.messageList.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    await expect
      .poll(() => chat.messageList.evaluate((el) => el.scrollHeight > el.clientHeight + 200), { timeout: 30_000 })
      .toBe(true);
    await expect(shell.jumpToLatest).toBeHidden();

    await chat.messageList.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(shell.jumpToLatest).toBeVisible();
    await shell.jumpToLatest.click();
    await expect(shell.jumpToLatest).toBeHidden();
    await expect.poll(distanceFromBottom).toBeLessThan(60);
    // Following again: the list keeps up with new text.
    const height = await chat.messageList.evaluate((el) => el.scrollHeight);
    await expect.poll(() => chat.messageList.evaluate((el) => el.scrollHeight)).toBeGreaterThan(height + 40);
    await expect.poll(distanceFromBottom).toBeLessThan(60);

    await chat.stop();
    await chat.waitForStatus(answer, 'stopped', 5_000);
  });
});
