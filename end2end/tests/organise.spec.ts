/**
 * Organising chats (issue 24): pin to the top and back, archive (gone from the list, found by
 * search marked "Archived", restored from the Archived view), folders (create, move a chat in
 * by its menu and by dragging, fold and unfold across a reload, rename, delete keeping the
 * chats) and select mode (tick several, delete them at once). The local app is shared by the
 * specs, so every title and folder name carries a unique tag and only those are counted.
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { Sidebar } from '../pages/sidebar';
import { uniqueTag } from '../support/env';

/** Imports a one-question chat titled `title` (quicker than streaming an answer); its id. */
async function importChat(page: Page, title: string): Promise<string> {
  const now = Date.now();
  const document = {
    format: 'sluice.conversation',
    version: 1,
    conversation: { title, created_at: now, updated_at: now },
    messages: [{ id: 'q', parent_id: null, role: 'user', content: `About ${title}`, created_at: now }],
  };
  const response = await page.request.post('/api/conversations/import', {
    data: { document: JSON.stringify(document) },
  });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** Opens the app (after the chats were made, so the list holds them). */
async function open(page: Page): Promise<Sidebar> {
  await new ChatPage(page).goto();
  return new Sidebar(page);
}

test('pin moves a chat to the pinned section and unpin puts it back', async ({ page }) => {
  const tag = uniqueTag('pin');
  const older = await importChat(page, `Older ${tag}`);
  await importChat(page, `Newer ${tag}`);
  const sidebar = await open(page);
  const entry = sidebar.itemById(older);
  await expect(entry).toBeVisible();
  await expect(sidebar.pinned.locator(`[data-id="${older}"]`)).toHaveCount(0);

  await sidebar.togglePin(entry);
  await expect(sidebar.pinned.locator(`[data-id="${older}"]`)).toBeVisible();
  await expect(sidebar.itemById(older)).toHaveAttribute('data-pinned', 'true');
  await page.reload();
  await new ChatPage(page).waitForHydration();
  await expect(sidebar.pinned.locator(`[data-id="${older}"]`)).toBeVisible();
  await sidebar.openMenu(sidebar.itemById(older));
  await expect(sidebar.itemById(older).getByTestId('menu-pin')).toHaveText('Unpin');
  await sidebar.itemById(older).getByTestId('menu-pin').click();
  await expect(sidebar.itemById(older)).toHaveAttribute('data-pinned', 'false');
  await expect(sidebar.pinned.locator(`[data-id="${older}"]`)).toHaveCount(0);
});

test('archive hides a chat, search finds it marked, and restore brings it back', async ({ page }) => {
  const tag = uniqueTag('arch');
  const id = await importChat(page, `Archive me ${tag}`);
  const sidebar = await open(page);
  await sidebar.toggleArchive(sidebar.itemById(id));
  await expect(sidebar.itemById(id)).toHaveCount(0);

  await sidebar.search.fill(tag);
  await expect(sidebar.itemById(id)).toBeVisible();
  await expect(sidebar.itemById(id).getByTestId('archived-badge')).toHaveText('Archived');
  await sidebar.search.fill('');

  await sidebar.archivedToggle.click();
  await expect(sidebar.archivedToggle).toHaveText('Back to chats');
  await expect(sidebar.itemById(id)).toBeVisible();
  await sidebar.openMenu(sidebar.itemById(id));
  await expect(sidebar.itemById(id).getByTestId('menu-archive')).toHaveText('Restore');
  await sidebar.itemById(id).getByTestId('menu-archive').click();
  await expect(sidebar.itemById(id)).toHaveCount(0);
  await sidebar.archivedToggle.click();
  await expect(sidebar.itemById(id)).toBeVisible();
  await expect(sidebar.itemById(id).getByTestId('archived-badge')).toHaveCount(0);
});

test('folders: create, move by menu and by drag, fold across a reload, rename, delete keeps the chats', async ({ page }) => {
  const tag = uniqueTag('fold');
  const first = await importChat(page, `Filed by menu ${tag}`);
  const second = await importChat(page, `Filed by drag ${tag}`);
  const sidebar = await open(page);
  const name = `Work ${tag}`;
  await sidebar.createFolder(name);
  await expect(sidebar.folder(name).getByTestId('folder-toggle')).toHaveAttribute('aria-expanded', 'true');

  await sidebar.moveTo(sidebar.itemById(first), name);
  await expect(sidebar.folder(name).locator(`[data-id="${first}"]`)).toBeVisible();

  await sidebar.itemById(second).dragTo(sidebar.folder(name));
  await expect(sidebar.folder(name).locator(`[data-id="${second}"]`)).toBeVisible();

  // The fold is stored on the server before the reload.
  const stored = page.waitForResponse((r) => r.url().endsWith('/api/folders/collapse') && r.ok());
  await sidebar.folderToggle(name).click();
  await stored;
  await expect(sidebar.folderToggle(name)).toHaveAttribute('aria-expanded', 'false');
  await expect(sidebar.itemById(first)).toBeHidden();
  await page.reload();
  await new ChatPage(page).waitForHydration();
  await expect(sidebar.folderToggle(name)).toHaveAttribute('aria-expanded', 'false');
  await expect(sidebar.itemById(first)).toBeHidden();
  await sidebar.folderToggle(name).click();
  await expect(sidebar.itemById(first)).toBeVisible();

  const renamed = `Projects ${tag}`;
  await sidebar.renameFolder(name, renamed);
  await expect(sidebar.folder(renamed).locator(`[data-id="${first}"]`)).toBeVisible();
  await expect(sidebar.folder(name)).toHaveCount(0);

  await sidebar.deleteFolder(renamed);
  await expect(sidebar.folder(renamed)).toHaveCount(0);
  await expect(sidebar.itemById(first)).toBeVisible();
  await expect(sidebar.itemById(second)).toBeVisible();
});

test('select mode deletes several chats at once after confirming', async ({ page }) => {
  const tag = uniqueTag('bulk');
  const doomed = [await importChat(page, `Bulk one ${tag}`), await importChat(page, `Bulk two ${tag}`)];
  const kept = await importChat(page, `Bulk kept ${tag}`);
  const sidebar = await open(page);
  await sidebar.selectMode.click();
  await expect(sidebar.bulkBar).toBeVisible();
  for (const id of doomed) await sidebar.tick(sidebar.itemById(id));
  await expect(sidebar.bulkBar.getByTestId('bulk-count')).toHaveText('2 chats selected');
  await sidebar.bulkBar.getByTestId('bulk-delete').click();
  await expect(sidebar.bulkBar.getByRole('alertdialog')).toContainText('Delete 2 chats?');
  await sidebar.bulkBar.getByTestId('bulk-confirm-delete').click();
  for (const id of doomed) await expect(sidebar.itemById(id)).toHaveCount(0);
  await expect(sidebar.itemById(kept)).toBeVisible();
  await expect(sidebar.bulkBar).toHaveCount(0);
});
