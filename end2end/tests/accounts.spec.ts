/**
 * Accounts and isolation, against the second app server (`local` mode, sign-up needs an
 * admin's approval, a fresh database): the first sign-up creates the admin, a second user
 * waits for approval and then sees only their own chats, sign-out ends access (the old
 * cookie is dead), and a request refused with 401 in an open chat offers a "Sign in" link.
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
import { appUrl, authUrl, uniqueTag } from '../support/env';

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
    await signIn.signUp(ADMIN.name, 'short');
    await expect(signIn.error).toContainText('too short');

    await signIn.signUp(ADMIN.name, ADMIN.password);
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
