/**
 * Accessibility (issue 24): axe-core's WCAG 2.0/2.1 A and AA rules (`wcag2a`, `wcag2aa`,
 * `wcag21aa`) on every page, each in the light and the dark colour scheme, with no violation
 * of impact serious or critical (the failure message lists each one: rule, help, elements):
 * a new chat; a conversation with a finished Markdown answer (code block, table), live and
 * reloaded; the settings panel; the presets panel; the shortcuts overlay; and, on an accounts
 * app of this spec's own (support/own-app.ts, so accounts.spec.ts still makes
 * the shared one's first admin), the first-run sign-up page, the sign-in page, the chat with
 * the account menu and the admin page. Also: Tab reaches only real controls, each with a
 * visible focus ring, and Edit hands focus to the editor it opens.
 */
import { expect, test, type Page } from '@playwright/test';
import { AdminPage, SignInPage } from '../pages/auth';
import { ChatPage } from '../pages/chat-page';
import { Shortcuts } from '../pages/shortcuts';
import { Sidebar } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';
import { expectNoSeriousViolations } from '../support/axe';
import { usePrivateAccountsApp } from '../support/own-app';

test.describe('axe on the chat pages (single-user app)', () => {
  test('a new chat', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await expectNoSeriousViolations(page, '/ (new chat)');
  });

  test('a conversation with a finished Markdown answer, live and reloaded', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.markdown);
    const answer = await chat.send(`Markdown for axe ${uniqueTag('a11y')}`);
    await chat.waitForDone(answer);
    await expect(chat.codeBlocks(answer)).not.toHaveCount(0);
    await expect(chat.markdown(answer).locator('table')).toHaveCount(1);
    // A task list (its checkboxes are form fields: they need names).
    await chat.selectModel(MODELS.echo);
    const tasks = await chat.send('- [x] Pack the tent\n- [ ] Buy the map');
    await chat.waitForDone(tasks);
    await expect(chat.markdown(tasks).locator('input[type="checkbox"]')).toHaveCount(2);
    await expectNoSeriousViolations(page, '/c/{id} after the answer');

    const id = await new Sidebar(page).currentId();
    await page.goto(`/c/${id}`);
    await chat.waitForHydration();
    await expect(chat.markdown(chat.assistantMessages.first()).locator('table')).toHaveCount(1);
    await expect(chat.markdown(chat.lastAssistant).locator('input[type="checkbox"]')).toHaveCount(2);
    await expectNoSeriousViolations(page, '/c/{id} reloaded');
  });

  test('the settings and presets panels', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await page.getByTestId('settings-toggle').click();
    await expect(page.getByTestId('settings-panel')).toBeVisible();
    await expectNoSeriousViolations(page, 'settings panel');
    await page.getByTestId('settings-toggle').click();

    await page.getByTestId('presets-toggle').click();
    await expect(page.getByTestId('presets-panel')).toBeVisible();
    await expectNoSeriousViolations(page, 'presets panel');
  });

  test('the shortcuts overlay', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    const shortcuts = new Shortcuts(page);
    await shortcuts.button.click();
    await expect(shortcuts.overlay).toBeVisible();
    await expectNoSeriousViolations(page, 'shortcuts overlay');
  });

  test('Tab reaches only real controls, each with a visible focus ring', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(MODELS.markdown);
    await chat.waitForDone(await chat.send(`Focus walk ${uniqueTag('tab')}`));
    await new Shortcuts(page).blur();

    // Tab until focus comes back to an element it already visited (each is marked).
    const seen: string[] = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return null;
        if (element.dataset.tabWalk) return 'again' as const;
        element.dataset.tabWalk = 'seen';
        // A visually hidden file input shows its focus on its label.
        const label = element.matches('input[type="file"]') ? element.closest('label') : null;
        const style = getComputedStyle(label ?? element);
        const tag = element.tagName.toLowerCase();
        return {
          name: `${tag}${element.dataset.testid ? `[${element.dataset.testid}]` : ''}`,
          real: ['a', 'button', 'input', 'select', 'textarea', 'summary'].includes(tag),
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      });
      if (stop === 'again') break;
      if (!stop) continue;
      seen.push(stop.name);
      expect(stop.real, `${stop.name} takes focus but is not a control`).toBe(true);
      expect(stop.ring, `${stop.name} has no visible focus ring`).toBe(true);
    }
    // The walk passed the sidebar, the top bar, the answer's controls and the composer.
    for (const name of ['button[new-chat]', 'input[search-input]', 'button[code-copy]', 'button[regenerate]', 'textarea']) {
      expect(seen, `Tab never reached ${name}: ${seen.join(', ')}`).toContain(name);
    }
  });
});

test('Edit, pressed from the keyboard, moves focus into the editor', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  await chat.waitForDone(await chat.send(`Edit me ${uniqueTag('edit')}`));
  const edit = chat.lastUser.getByTestId('edit-message');
  await edit.focus();
  await page.keyboard.press('Enter');
  const editor = chat.lastUser.getByTestId('edit-input');
  await expect(editor).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(editor).toHaveCount(0);
});

test.describe('axe on the accounts pages (a private accounts app)', () => {
  test.describe.configure({ mode: 'serial' });
  const app = usePrivateAccountsApp('a11y');
  const ADMIN = { name: 'Axel', password: 'axe-admin-password-1' };

  test('the first-run sign-up, the chat with the account menu, and the admin page', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: app().url });
    const page = await context.newPage();
    try {
      const signIn = new SignInPage(page);
      await signIn.goto();
      await expect(page.getByRole('heading', { name: 'Create the administrator account' })).toBeVisible();
      await expectNoSeriousViolations(page, '/sign-in (first run)');

      await signIn.signUp(ADMIN.name, ADMIN.password, app().adminToken);
      await expect(page).toHaveURL(`${app().url}/`);
      const chat = new ChatPage(page);
      await chat.waitForHydration();
      await expect(page.getByTestId('account-menu')).toBeVisible();
      await expectNoSeriousViolations(page, '/ (signed in, account menu)');

      const admin = new AdminPage(page);
      await admin.goto();
      await expect(admin.rows).toHaveCount(1);
      await expectNoSeriousViolations(page, '/admin');
    } finally {
      await context.close();
    }
  });

  test('the sign-in page', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: app().url });
    const page = await context.newPage();
    try {
      const signIn = new SignInPage(page);
      await signIn.goto();
      await expect(signIn.signInForm).toBeVisible();
      await expectNoSeriousViolations(page, '/sign-in');
      // A refusal shows an alert; it must pass too.
      await signIn.signIn(ADMIN.name, 'not-the-password');
      await expect(signIn.error).toBeVisible();
      await expectNoSeriousViolations(page, '/sign-in (refused)');
    } finally {
      await context.close();
    }
  });
});
