/**
 * Page object for the keyboard shortcuts (src/components/shortcuts): the sidebar's "Keyboard
 * shortcuts" button (`shortcuts-button`), the `?` overlay (`role="dialog"` named "Keyboard
 * shortcuts", `data-testid="shortcuts-overlay"`, one `shortcut-row` per shortcut with
 * `data-action`, Close = `shortcuts-close`) and the status line (`shortcut-status`,
 * `role="status"`: "Copied the last answer.").
 *
 * Keys are pressed with Playwright's `ControlOrMeta`, which is ⌘ on macOS like the app's own
 * platform detection.
 */
import { type Locator, type Page } from '@playwright/test';

/** The chords of the app's table, as Playwright key names. */
export const KEYS = {
  newChat: 'ControlOrMeta+Shift+O',
  focusComposer: '/',
  searchChats: 'ControlOrMeta+Shift+F',
  stop: 'Escape',
  copyLastAnswer: 'ControlOrMeta+Shift+C',
  regenerate: 'ControlOrMeta+Shift+E',
  toggleSidebar: 'ControlOrMeta+Shift+S',
  previousChat: 'Alt+ArrowUp',
  nextChat: 'Alt+ArrowDown',
  showShortcuts: '?',
  showShortcutsAnywhere: 'ControlOrMeta+/',
} as const;

/** How the overlay writes the new-chat keys on this machine's platform. */
export const NEW_CHAT_LABEL = process.platform === 'darwin' ? '⇧⌘O' : 'Ctrl+Shift+O';

export class Shortcuts {
  readonly page: Page;
  readonly button: Locator;
  readonly overlay: Locator;
  readonly rows: Locator;
  readonly close: Locator;
  readonly status: Locator;

  constructor(page: Page) {
    this.page = page;
    this.button = page.getByTestId('shortcuts-button');
    this.overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    this.rows = this.overlay.getByTestId('shortcut-row');
    this.close = this.overlay.getByTestId('shortcuts-close');
    this.status = page.getByTestId('shortcut-status');
  }

  /** The overlay's row for an action (`new-chat`, `copy-last-answer`, …). */
  row(action: string): Locator {
    return this.overlay.locator(`[data-testid="shortcut-row"][data-action="${action}"]`);
  }

  /** Takes focus out of any field (single-key shortcuts only work outside them). */
  async blur(): Promise<void> {
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }
}
