/**
 * Visual regression (issue 24): the chat page in the desktop layout (project `sqlite`,
 * 1280×720) and the phone layout (project `phone`, 390×844), light and dark, compared with the
 * references committed in end2end/screenshots/ (`toHaveScreenshot`, the tolerance in
 * playwright.config.ts). README shows these same files, so its screenshots are the suite's.
 * `make screenshots` rewrites them after an intended change of the look.
 *
 * The page is made deterministic: the spec's own fresh app (the sidebar lists only its chats),
 * the `fake-tour` answer (fixed ASCII Markdown, the app's own fonts), relative times hidden
 * (support/screenshot.css, the config's `stylePath`).
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { AppShell } from '../pages/app-shell';
import { useOwnApp } from '../support/own-app';

const app = useOwnApp('visual');
test.describe.configure({ mode: 'serial' });
// Playwright injects support/screenshot.css as an inline style, which the page's CSP
// (`style-src 'self'`) refuses; this spec checks the look, csp.spec.ts checks the policy.
test.use({ bypassCSP: true });

/** The conversation the screenshots show (its path), made by the first test. */
let shown = '';

/** Opens `path` on the spec's app in `theme`, hydrated, with fonts loaded and the pointer away. */
async function open(page: Page, path: string, theme: 'light' | 'dark'): Promise<ChatPage> {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  const chat = new ChatPage(page);
  await page.goto(`${app().url}${path}`);
  await expect(chat.composer).toBeVisible();
  await chat.waitForHydration();
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.mouse.move(0, 0);
  return chat;
}

test('a few chats to show', async ({ page }) => {
  const chat = await open(page, '/', 'light');
  await chat.selectModel('openai/fake-echo');
  await chat.waitForDone(await chat.send('Draft a packing list for a canoe trip'), 30_000);
  const layout = new AppShell(page);
  await layout.startNewChat();
  await chat.selectModel('openai/fake-echo');
  await chat.waitForDone(await chat.send('Which knots should a beginner learn first?'), 30_000);
  await layout.startNewChat();
  await chat.selectModel('openai/fake-tour');
  await chat.waitForDone(await chat.send('Plan a weekend on the river'), 30_000);
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  shown = new URL(page.url()).pathname;
});

for (const theme of ['light', 'dark'] as const) {
  test(`the chat page, ${theme}`, async ({ page }) => {
    const chat = await open(page, shown, theme);
    await expect(chat.assistantMessages).toHaveCount(1);
    const layout = new AppShell(page);
    await expect(page).toHaveScreenshot(`${layout.layout()}-${theme}.png`);
  });
}

test('the phone drawer, light', async ({ page }) => {
  const layout = new AppShell(page);
  test.skip(layout.layout() !== 'phone', 'the drawer is the phone layout');
  await open(page, shown, 'light');
  await layout.showSidebar();
  await expect(page).toHaveScreenshot('phone-drawer-light.png');
});
