/**
 * Page object for the page's frame around the chat (issue 24, "shell"): the menu button and
 * the sidebar drawer on small screens, the conversation menu's "⋯" overflow menu, the theme
 * switch, "Jump to latest" and the new chat's suggestions.
 *
 * Selectors (the UI contract): `menu-button` (☰, `aria-controls="sidebar-drawer"`,
 * `aria-expanded`), `sidebar-drawer` (`role="dialog"` while open on a small screen),
 * `drawer-backdrop`, `overflow-menu-button` (`aria-haspopup="menu"`), `conversation-actions`
 * (`role="menu"` on small screens; entries `role="menuitem"`), `theme-switch` (radios named
 * System / Light / Dark), `jump-to-latest`, `suggestions` / `suggestion`.
 *
 * Specs that run in both the `sqlite` (desktop) and `phone` projects (flows.spec.ts,
 * visual.spec.ts) reach the sidebar and the conversation menu through `layout()`,
 * `showSidebar()`, `startNewChat()`, `openConversation()` and `menuEntry()`, which open the
 * drawer or the "⋯" menu first on a phone, so one spec drives both layouts.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

/** The running project's layout (its metadata `layout`). */
export type LayoutName = 'desktop' | 'phone';

/** The smallest tap target the phone layout promises (px). */
export const TAP_TARGET_PX = 44;

export class AppShell {
  readonly page: Page;
  readonly menuButton: Locator;
  readonly drawer: Locator;
  readonly backdrop: Locator;
  readonly newChat: Locator;
  readonly search: Locator;
  readonly overflowButton: Locator;
  readonly overflowMenu: Locator;
  readonly themeSwitch: Locator;
  readonly jumpToLatest: Locator;
  readonly suggestions: Locator;

  constructor(page: Page) {
    this.page = page;
    this.menuButton = page.getByTestId('menu-button');
    this.drawer = page.getByTestId('sidebar-drawer');
    this.backdrop = page.getByTestId('drawer-backdrop');
    this.newChat = this.drawer.getByTestId('new-chat');
    this.search = this.drawer.getByTestId('search-input');
    this.overflowButton = page.getByTestId('overflow-menu-button');
    this.overflowMenu = page.getByTestId('conversation-actions');
    this.themeSwitch = page.getByTestId('theme-switch');
    this.jumpToLatest = page.getByTestId('jump-to-latest');
    this.suggestions = page.getByTestId('suggestion');
  }

  /** Opens the drawer with the menu button and waits until it is shown and focused. */
  async openDrawer(): Promise<void> {
    await this.menuButton.click();
    await expect(this.menuButton).toHaveAttribute('aria-expanded', 'true');
    await expect(this.drawer).toHaveAttribute('role', 'dialog');
    await expect(this.newChat).toBeVisible();
    await expect.poll(() => this.focusInsideDrawer()).toBe(true);
  }

  /** Waits until the drawer is closed and the menu button has the focus back. */
  async expectDrawerClosed(): Promise<void> {
    await expect(this.menuButton).toHaveAttribute('aria-expanded', 'false');
    await expect(this.newChat).toBeHidden();
    await expect(this.menuButton).toBeFocused();
  }

  /** Whether the focused element is inside the drawer. */
  async focusInsideDrawer(): Promise<boolean> {
    return this.page.evaluate(() => {
      const drawer = document.getElementById('sidebar-drawer');
      return !!drawer && !!document.activeElement && drawer.contains(document.activeElement);
    });
  }

  /** Taps the backdrop to the right of the drawer. */
  async tapBackdrop(): Promise<void> {
    const viewport = this.page.viewportSize();
    if (!viewport) throw new Error('no viewport');
    await this.page.touchscreen.tap(viewport.width - 10, viewport.height / 2);
  }

  /** A finger swipe from right to left across the drawer. */
  async swipeDrawerLeft(): Promise<void> {
    await this.page.evaluate(() => {
      const target = document.querySelector('[data-testid="sidebar"]') ?? document.body;
      const touch = (x: number, y: number) => new Touch({ identifier: 7, target, clientX: x, clientY: y });
      const start = touch(260, 400);
      target.dispatchEvent(
        new TouchEvent('touchstart', { touches: [start], changedTouches: [start], bubbles: true }),
      );
      const end = touch(90, 412);
      target.dispatchEvent(new TouchEvent('touchend', { touches: [], changedTouches: [end], bubbles: true }));
    });
  }

  /** The theme radio named `name` (System, Light or Dark). */
  themeOption(name: 'System' | 'Light' | 'Dark'): Locator {
    return this.themeSwitch.getByRole('radio', { name, exact: true });
  }

  /** `<html data-theme>`. */
  async dataTheme(): Promise<string | null> {
    return this.page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  }

  /** The page background colour as computed (`rgb(…)`). */
  async background(): Promise<string> {
    return this.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  }

  /** Whether the document scrolls sideways. */
  async scrollsSideways(): Promise<boolean> {
    return this.page.evaluate(() => {
      const root = document.scrollingElement ?? document.documentElement;
      return root.scrollWidth > window.innerWidth;
    });
  }

  /** Asserts `target` is at least 44 × 44 px on screen. */
  async expectTapTarget(target: Locator, what: string): Promise<void> {
    const box = await target.boundingBox();
    expect(box, `${what} is on screen`).not.toBeNull();
    expect(box!.height, `${what} height`).toBeGreaterThanOrEqual(TAP_TARGET_PX - 0.5);
    expect(box!.width, `${what} width`).toBeGreaterThanOrEqual(TAP_TARGET_PX - 0.5);
  }

  /** The running project's layout (its metadata `layout`; desktop when unset). */
  layout(): LayoutName {
    return test.info().project.metadata?.layout === 'phone' ? 'phone' : 'desktop';
  }

  /** Makes the sidebar usable: on a phone, opens the drawer (unless it is open). */
  async showSidebar(): Promise<void> {
    if (this.layout() !== 'phone') return;
    if ((await this.menuButton.getAttribute('aria-expanded')) !== 'true') await this.openDrawer();
  }

  /** Starts a new chat from the sidebar (the drawer closes by itself on a phone). */
  async startNewChat(): Promise<void> {
    await this.showSidebar();
    await this.newChat.click();
    await expect(this.page.locator('article[data-role]')).toHaveCount(0);
    if (this.layout() === 'phone') await this.expectDrawerClosed();
  }

  /** Opens the conversation whose sidebar link contains `title`. */
  async openConversation(title: string): Promise<void> {
    await this.showSidebar();
    await this.page.getByTestId('conversation-link').filter({ hasText: title }).first().click();
    if (this.layout() === 'phone') await this.expectDrawerClosed();
  }

  /** The conversation menu's entry `testId`, the "⋯" menu opened first on a phone. */
  async menuEntry(testId: string): Promise<Locator> {
    const entry = this.page.getByTestId(testId);
    if (this.layout() === 'phone' && !(await entry.isVisible())) {
      await this.overflowButton.click();
      await expect(this.overflowButton).toHaveAttribute('aria-expanded', 'true');
    }
    await expect(entry).toBeVisible();
    return entry;
  }
}
