/**
 * Accounts and isolation, against the second app server (`local` mode, sign-up needs an
 * admin's approval, a fresh database): the first sign-up creates the admin (only with the
 * set-up token the server was given, SLUICE_ADMIN_TOKEN), a second user
 * waits for approval and then sees only their own chats, sign-out ends access (the old
 * cookie is dead), a request refused with 401 in an open chat offers a "Sign in" link, and
 * the admin's other actions (reset, disable, enable, promote, demote) and a user's password
 * change take effect; repeated failures end in a 429 the page shows.
 * The last test checks the default server: single-user mode on loopback needs no sign-in.
 *
 * The accounts tests run in order and share two browser contexts (the admin's and the
 * second user's), each a separate cookie jar.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { AccountMenu, AdminPage, SignInPage } from '../pages/auth';
import { ChatPage } from '../pages/chat-page';
import { Sidebar } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { adminToken, appUrl, authUrl, uniqueTag } from '../support/env';

const ADMIN = { name: 'Ada', password: 'admin-password-1' };
const USER = { name: 'Bob', password: 'user-password-1' };


test.describe('accounts (local mode, approval sign-up)', () => {
  test.describe.configure({ mode: 'serial' });

  let adminContext: BrowserContext;
  let userContext: BrowserContext;
  let admin: Page;
  let user: Page;
  /** The admin's conversation, which the second user must not see. */
  let adminChatId = '';
  let adminChatText = '';

  test.beforeAll(async ({ browser }) => {
    adminContext = await browser.newContext({ baseURL: authUrl() });
    userContext = await browser.newContext({ baseURL: authUrl() });
    admin = await adminContext.newPage();
    user = await userContext.newPage();
  });

  test.afterAll(async () => {
    await adminContext?.close();
    await userContext?.close();
  });

  test('the first visit goes to sign-in, and the first sign-up creates the admin', async () => {
    await admin.goto('/');
    await expect(admin).toHaveURL(/\/sign-in$/);
    const signIn = new SignInPage(admin);
    await signIn.waitForReady();
    await expect(admin.getByRole('heading', { name: 'Create the administrator account' })).toBeVisible();
    await expect(signIn.signInForm).toHaveCount(0);

    // The client refuses a short password before asking the server.
    await signIn.signUp(ADMIN.name, 'short', adminToken());
    await expect(signIn.error).toContainText('too short');

    // The server refuses a wrong set-up token with a sentence.
    await expect(signIn.signUpForm.getByTestId('sign-up-setup-token')).toBeVisible();
    await signIn.signUp(ADMIN.name, ADMIN.password, 'not-the-set-up-token');
    await expect(signIn.error).toContainText('set-up token is wrong');

    await signIn.signUp(ADMIN.name, ADMIN.password, adminToken());
    await expect(admin).toHaveURL(`${authUrl()}/`);
    const chat = new ChatPage(admin);
    await expect(chat.composer).toBeVisible();
    await chat.waitForHydration();
    const menu = new AccountMenu(admin);
    await expect(menu.name).toHaveText(ADMIN.name);
    await expect(menu.adminLink).toBeVisible();

    await chat.selectModel(MODELS.demo);
    adminChatText = `Admin secret ${uniqueTag('admin')}`;
    await chat.waitForDone(await chat.send(adminChatText));
    adminChatId = await new Sidebar(admin).currentId();
  });

  test('a second user waits for approval, then sees only their own chats', async () => {
    const signIn = new SignInPage(user);
    await user.goto('/');
    await expect(user).toHaveURL(/\/sign-in$/);
    await signIn.waitForReady();
    await expect(signIn.signInForm).toBeVisible();
    // Later sign-ups have no set-up token field.
    await signIn.signUpToggle.click();
    await expect(signIn.signUpForm).toBeVisible();
    await expect(signIn.signUpForm.getByTestId('sign-up-setup-token')).toHaveCount(0);
    await signIn.signUp(USER.name, USER.password);
    await expect(signIn.message).toContainText("waits for an administrator's approval");
    await expect(signIn.signInForm).toBeVisible();

    // Pending: no session, no chat, and signing in is refused with the reason.
    await user.goto('/');
    await expect(user).toHaveURL(/\/sign-in$/);
    await signIn.waitForReady();
    await signIn.signIn(USER.name, USER.password);
    await expect(signIn.error).toContainText("waits for an admin's approval");

    // The admin approves; demoting the last admin is refused with the server's sentence.
    const adminPage = new AdminPage(admin);
    await new AccountMenu(admin).adminLink.click();
    await expect(adminPage.root).toBeVisible();
    await expect(adminPage.rows).toHaveCount(2);
    await expect(adminPage.row(USER.name)).toHaveAttribute('data-status', 'pending');
    await adminPage.approve(USER.name);
    await adminPage.row(ADMIN.name).getByTestId('demote-user').click();
    await expect(adminPage.error).toContainText('last admin');
    await expect(adminPage.row(ADMIN.name).getByTestId('user-role')).toHaveText('admin');

    // Approved: the second user signs in and lands in an empty chat list.
    await signIn.signIn(USER.name, USER.password);
    await expect(user).toHaveURL(`${authUrl()}/`);
    const chat = new ChatPage(user);
    const sidebar = new Sidebar(user);
    await expect(chat.composer).toBeVisible();
    await chat.waitForHydration();
    const menu = new AccountMenu(user);
    await expect(menu.name).toHaveText(USER.name);
    await expect(menu.adminLink).toHaveCount(0);
    await expect(user.getByTestId('sidebar-empty')).toBeVisible();

    await chat.selectModel(MODELS.demo);
    const question = `Bob asks ${uniqueTag('bob')}`;
    await chat.waitForDone(await chat.send(question));
    const ownId = await sidebar.currentId();
    await expect(sidebar.itemById(ownId)).toBeVisible();
    await expect(sidebar.items).toHaveCount(1);
    await expect(sidebar.itemById(adminChatId)).toHaveCount(0);
    await expect(sidebar.root).not.toContainText(adminChatText);

    // The admin's conversation is a 404 for them, like an unknown id; /admin is closed.
    expect((await user.request.get(`/c/${adminChatId}`, { maxRedirects: 0 })).status()).toBe(404);
    const adminView = new AdminPage(user);
    await adminView.goto();
    await expect(adminView.forbidden).toHaveText('Only administrators can see this page.');
    await expect(adminView.rows).toHaveCount(0);
  });

  test('a 401 in an open chat offers sign-in; sign-out ends access for good', async () => {
    const chat = new ChatPage(user);
    await chat.goto();
    const cookies = await userContext.cookies();
    expect(cookies.some((c) => c.name === 'sluice_session')).toBe(true);

    // Another tab of the same browser signs out; this tab's next request is refused.
    const other = await userContext.newPage();
    await other.goto('/');
    await new ChatPage(other).waitForHydration();
    await new AccountMenu(other).signOutButton.click();
    await expect(other).toHaveURL(/\/sign-in$/);
    await other.close();

    await chat.selectModel(MODELS.demo);
    const answer = await chat.send(`After sign-out ${uniqueTag('gone')}`);
    const error = answer.getByTestId('message-error');
    await expect(error).toContainText('Sign in to continue.');
    await error.getByTestId('sign-in-link').click();
    await expect(user).toHaveURL(/\/sign-in$/);

    // Visiting the chat goes to sign-in, and the old cookie is dead in a fresh browser too.
    await user.goto('/');
    await expect(user).toHaveURL(/\/sign-in$/);
    const replay = await user.context().browser()!.newContext({ baseURL: authUrl() });
    try {
      await replay.addCookies(cookies);
      const page = await replay.request.get('/', { maxRedirects: 0 });
      expect(page.status()).toBe(303);
      expect(page.headers()['location']).toBe('/sign-in');
      const api = await replay.request.post('/api/conversations/list', { data: {} });
      expect(api.status()).toBe(401);
    } finally {
      await replay.close();
    }
  });

  test('the admin resets, disables, enables and promotes; a user changes their password', async () => {
    const adminPage = new AdminPage(admin);
    await adminPage.goto();
    const row = adminPage.row(USER.name);
    const reset = 'reset-by-admin-2';
    await row.getByTestId('reset-password-input').fill(reset);
    await row.getByTestId('reset-password-save').click();
    await expect(row.getByTestId('reset-password-input')).toHaveValue('');
    await row.getByTestId('disable-user').click();
    await expect(row).toHaveAttribute('data-status', 'disabled');

    const signIn = new SignInPage(user);
    await signIn.goto();
    await signIn.signIn(USER.name, reset);
    await expect(signIn.error).toHaveText('This account is disabled.');

    await row.getByTestId('enable-user').click();
    await expect(row).toHaveAttribute('data-status', 'active');
    await row.getByTestId('promote-user').click();
    await expect(row.getByTestId('user-role')).toHaveText('admin');

    // The old password died with the reset; the new one works, and the menu offers Admin.
    await signIn.signIn(USER.name, USER.password);
    await expect(signIn.error).toHaveText('Wrong name or password.');
    await signIn.signIn(USER.name, reset);
    await expect(user).toHaveURL(`${authUrl()}/`);
    const menu = new AccountMenu(user);
    await expect(menu.adminLink).toBeVisible();

    await menu.changePassword('not-the-password', 'changed-by-bob-3');
    await expect(menu.root.getByTestId('account-error')).toHaveText('The current password is wrong.');
    await menu.root.getByTestId('current-password').fill(reset);
    await menu.root.getByTestId('new-password').fill('changed-by-bob-3');
    await menu.root.getByTestId('change-password-save').click();
    await expect(menu.root.getByTestId('account-message')).toContainText('Password changed');

    // Sign out everywhere, then only the changed password signs in.
    await menu.signOutEverywhereButton.click();
    await expect(user).toHaveURL(/\/sign-in$/);
    await signIn.waitForReady();
    await signIn.signIn(USER.name, reset);
    await expect(signIn.error).toHaveText('Wrong name or password.');
    await signIn.signIn(USER.name, 'changed-by-bob-3');
    await expect(user).toHaveURL(`${authUrl()}/`);

    // Demoted again, the admin link is gone after the next page load.
    await row.getByTestId('demote-user').click();
    await expect(row.getByTestId('user-role')).toHaveText('user');
    await user.reload();
    await expect(new ChatPage(user).composer).toBeVisible();
    await expect(menu.name).toHaveText(USER.name);
    await expect(menu.adminLink).toHaveCount(0);
  });

  // Last in the series: the back-off counts failures per IP too, and every browser here
  // shares 127.0.0.1.
  test('repeated wrong passwords are refused with 429, shown in the page', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: authUrl() });
    try {
      const page = await context.newPage();
      const signIn = new SignInPage(page);
      await signIn.goto();
      let status = 0;
      for (let attempt = 0; attempt < 10 && status !== 429; attempt++) {
        const response = page.waitForResponse((r) => r.url().endsWith('/api/auth/sign_in'));
        await signIn.signIn('Mallory', 'not-a-password');
        status = (await response).status();
        expect([401, 429]).toContain(status);
      }
      expect(status).toBe(429);
      await expect(signIn.error).toContainText(/Too many failed sign-ins\. Wait \d+ s/);
    } finally {
      await context.close();
    }
  });
});

test('single-user mode on loopback opens straight into the chat', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(`${appUrl()}/`);
  const chat = new ChatPage(page);
  await expect(chat.composer).toBeVisible();
  await chat.waitForHydration();
  // Nobody signs in: no account menu, and /sign-in says so with a way back.
  await expect(page.getByTestId('account-menu')).toHaveCount(0);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await expect(signIn.message).toContainText('Sign-in is not needed');
  await expect(signIn.signInForm).toHaveCount(0);
  await page.getByRole('link', { name: 'Open the chat' }).click();
  await expect(page).toHaveURL(`${appUrl()}/`);
  await expect(chat.composer).toBeVisible();
});
