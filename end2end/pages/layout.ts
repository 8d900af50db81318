/**
 * Page object for what differs between the desktop and the phone layout (issue 24): on a
 * phone the sidebar is a drawer behind the "☰" menu button and the conversation menu's
 * entries (Settings, Export, Share) fold behind a "⋯" button. Specs that run in both the
 * `sqlite` (desktop) and `phone` projects reach the sidebar and the menu through this, so one
 * spec drives both layouts.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

export type LayoutName = 'desktop' | 'phone';

export class Layout {
  readonly page: Page;
  /** "☰": opens the sidebar drawer (phone only). */
  readonly menuButton: Locator;
  /** The sidebar, a drawer on a phone. */
  readonly drawer: Locator;
  /** "⋯": opens the conversation menu's entries (phone only). */
  readonly overflowButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.menuButton = page.getByTestId('menu-button');
    this.drawer = page.getByTestId('sidebar-drawer');
    this.overflowButton = page.getByTestId('overflow-menu-button');
  }

  /** The running project's layout (its metadata `layout`; desktop when unset). */
  name(): LayoutName {
    return test.info().project.metadata?.layout === 'phone' ? 'phone' : 'desktop';
  }

  isPhone(): boolean {
    return this.name() === 'phone';
  }

  /** Makes the sidebar usable: on a phone, opens the drawer (once). */
  async openSidebar(): Promise<void> {
    if (!this.isPhone()) return;
    if ((await this.menuButton.getAttribute('aria-expanded')) !== 'true') await this.menuButton.click();
    await expect(this.menuButton).toHaveAttribute('aria-expanded', 'true');
    await expect(this.page.getByTestId('new-chat')).toBeVisible();
  }

  /** Starts a new chat from the sidebar (the drawer closes by itself on a phone). */
  async newChat(): Promise<void> {
    await this.openSidebar();
    await this.page.getByTestId('new-chat').click();
    await expect(this.page.locator('article[data-role]')).toHaveCount(0);
    if (this.isPhone()) await expect(this.menuButton).toHaveAttribute('aria-expanded', 'false');
  }

  /** Opens the conversation whose sidebar link contains `title`. */
  async openConversation(title: string): Promise<void> {
    await this.openSidebar();
    await this.page.getByTestId('conversation-link').filter({ hasText: title }).first().click();
    if (this.isPhone()) await expect(this.menuButton).toHaveAttribute('aria-expanded', 'false');
  }

  /** The conversation menu's entry `testId`, its "⋯" menu opened first on a phone. */
  async menuEntry(testId: string): Promise<Locator> {
    const entry = this.page.getByTestId(testId);
    if (this.isPhone() && !(await entry.isVisible())) {
      await this.overflowButton.click();
      await expect(this.overflowButton).toHaveAttribute('aria-expanded', 'true');
    }
    await expect(entry).toBeVisible();
    return entry;
  }

  /** Whether the page scrolls sideways (it must not, but inside code blocks and tables). */
  async scrollsSideways(): Promise<boolean> {
    return this.page.evaluate(() => {
      const root = document.scrollingElement ?? document.documentElement;
      return root.scrollWidth > window.innerWidth;
    });
  }
}
