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
