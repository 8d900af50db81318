/**
 * Page object for the conversation sidebar, the conversation menu (title, settings, export)
 * and the per-message actions (edit, regenerate, version switcher).
 *
 * Selectors are the UI contract: data-testid attributes, roles and aria-labels.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class Sidebar {
  readonly page: Page;
  readonly root: Locator;
  readonly newChatButton: Locator;
  readonly search: Locator;
  readonly items: Locator;
  readonly title: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('sidebar');
    this.newChatButton = this.root.getByTestId('new-chat');
    this.search = this.root.getByTestId('search-input');
    this.items = this.root.getByTestId('conversation-item');
    this.title = page.getByTestId('conversation-title');
  }

  /** The sidebar entry whose link text contains `title`. */
  item(title: string): Locator {
    return this.items.filter({ has: this.page.getByTestId('conversation-link').filter({ hasText: title }) });
  }

  /** The entry of conversation `id`. */
  itemById(id: string): Locator {
    return this.root.locator(`[data-testid="conversation-item"][data-id="${id}"]`);
  }

  /** The conversation id in the current URL (`/c/{id}`), waiting for it to appear. */
  async currentId(): Promise<string> {
    await expect(this.page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
    const match = /\/c\/([0-9a-f-]{36})$/.exec(this.page.url());
    if (!match) throw new Error(`no conversation id in ${this.page.url()}`);
    return match[1];
  }

  async rename(entry: Locator, title: string): Promise<void> {
    await entry.hover();
    await entry.getByTestId('rename-conversation').click();
    const input = entry.getByTestId('rename-input');
    await input.fill(title);
    await input.press('Enter');
  }

  async delete(entry: Locator): Promise<void> {
    await entry.hover();
    await entry.getByTestId('delete-conversation').click();
    await entry.getByTestId('confirm-delete').click();
  }

  // ── Organising (pin, archive, folders, bulk select) ──

  /** The "Pinned" section at the top of the list. */
  get pinned(): Locator {
    return this.root.getByTestId('pinned-section');
  }

  /** The folder named `name` (its section: header and chats). */
  folder(name: string): Locator {
    return this.root.locator(`[data-testid="folder"][data-name="${name}"]`);
  }

  /** Opens the "⋯" menu of `entry`. */
  async openMenu(entry: Locator): Promise<void> {
    await entry.hover();
    await entry.getByTestId('item-menu').click();
  }

  /** Pin or Unpin (whichever the menu offers) `entry`. */
  async togglePin(entry: Locator): Promise<void> {
    await this.openMenu(entry);
    await entry.getByTestId('menu-pin').click();
  }

  /** Archive or Restore (whichever the menu offers) `entry`. */
  async toggleArchive(entry: Locator): Promise<void> {
    await this.openMenu(entry);
    await entry.getByTestId('menu-archive').click();
  }

  /** Moves `entry` with its menu's "Move to…" into the folder `name` (`null`: no folder). */
  async moveTo(entry: Locator, name: string | null): Promise<void> {
    await this.openMenu(entry);
    await entry.getByTestId('menu-move').click();
    const target =
      name === null
        ? entry.getByTestId('move-target-none')
        : entry.locator(`[data-testid="move-target"][data-name="${name}"]`);
    await target.click();
  }

  /** Creates a folder with the "New folder" button. */
  async createFolder(name: string): Promise<void> {
    await this.root.getByTestId('new-folder').click();
    const input = this.root.getByTestId('new-folder-input');
    await input.fill(name);
    await input.press('Enter');
    await expect(this.folder(name)).toBeVisible();
  }

  /** Folds or unfolds the folder `name` (its header button). */
  folderToggle(name: string): Locator {
    return this.folder(name).getByTestId('folder-toggle');
  }

  /** Renames the folder `name` through its "⋯" menu. */
  async renameFolder(name: string, to: string): Promise<void> {
    const folder = this.folder(name);
    await folder.getByTestId('folder-menu').click();
    await folder.getByTestId('folder-rename').click();
    const input = folder.getByTestId('folder-rename-input');
    await input.fill(to);
    await input.press('Enter');
  }

  /** Deletes the folder `name` through its "⋯" menu, confirming. */
  async deleteFolder(name: string): Promise<void> {
    const folder = this.folder(name);
    await folder.getByTestId('folder-menu').click();
    await folder.getByTestId('folder-delete').click();
    await expect(folder.getByRole('alertdialog')).toContainText('Its chats are kept');
    await folder.getByTestId('folder-confirm-delete').click();
  }

  /** The "Archived" / "Back to chats" switch. */
  get archivedToggle(): Locator {
    return this.root.getByTestId('archived-toggle');
  }

  /** The "Select" / "Done" switch of select mode. */
  get selectMode(): Locator {
    return this.root.getByTestId('select-mode');
  }

  /** The bulk bar of select mode. */
  get bulkBar(): Locator {
    return this.root.getByTestId('bulk-bar');
  }

  /** Ticks `entry`'s checkbox in select mode. */
  async tick(entry: Locator): Promise<void> {
    await entry.getByTestId('select-conversation').check();
  }
}

/** The "‹ 2 / 3 ›" switcher of a message article. */
export class Versions {
  readonly position: Locator;
  readonly previous: Locator;
  readonly next: Locator;

  constructor(message: Locator) {
    this.position = message.getByTestId('sibling-position');
    this.previous = message.getByTestId('sibling-previous');
    this.next = message.getByTestId('sibling-next');
  }
}
