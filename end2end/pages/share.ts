/**
 * Page objects for sharing and feedback (issue 24): the Share dialog of the conversation menu,
 * the shared page `/s/{token}`, the `/shared` list, and the actions row under an answer
 * (Copy, 👍/👎 with the comment box, the relative time).
 *
 * Selectors are the UI contract (src/components/sharing/*, src/components/message/*):
 * `share-open`, `share-dialog`, `share-include-system-prompt`, `share-expiry`, `share-create`,
 * `share-link`, `share-copy`, `share-note`; `shared-page`, `shared-title`, `shared-messages`,
 * `share-missing`; `shared-links-link`, `shared-links-page`, `shared-link-row` (with
 * `data-token`), `shared-link-open`, `share-revoke`, `shared-links-empty`; `answer-actions`,
 * `copy-message`, `feedback-up`, `feedback-down` (`aria-pressed`), `feedback-comment`,
 * `feedback-comment-save`, `feedback-note`, `message-time` (a `<time datetime>`).
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class ShareDialog {
  readonly page: Page;
  readonly openButton: Locator;
  readonly dialog: Locator;
  readonly includeSystemPrompt: Locator;
  readonly expiry: Locator;
  readonly create: Locator;
  readonly link: Locator;
  readonly copy: Locator;
  readonly note: Locator;
  readonly close: Locator;

  constructor(page: Page) {
    this.page = page;
    this.openButton = page.getByTestId('share-open');
    this.dialog = page.getByTestId('share-dialog');
    this.includeSystemPrompt = this.dialog.getByTestId('share-include-system-prompt');
    this.expiry = this.dialog.getByTestId('share-expiry');
    this.create = this.dialog.getByTestId('share-create');
    this.link = this.dialog.getByTestId('share-link');
    this.copy = this.dialog.getByTestId('share-copy');
    this.note = this.dialog.getByTestId('share-note');
    this.close = this.dialog.getByRole('button', { name: 'Close' });
  }

  /** Opens the dialog, creates a link with `expiry` (`never`, `1d`, `7d`, `30d`), returns its URL. */
  async createLink(expiry = 'never'): Promise<string> {
    await this.openButton.click();
    await expect(this.dialog).toBeVisible();
    await this.expiry.selectOption(expiry);
    await this.create.click();
    await expect(this.link).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
    return this.link.inputValue();
  }
}

export class SharedPage {
  readonly page: Page;
  readonly root: Locator;
  readonly title: Locator;
  readonly messages: Locator;
  readonly missing: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('shared-page');
    this.title = page.getByTestId('shared-title');
    this.messages = page.getByTestId('shared-messages').locator('article.message');
    this.missing = page.getByTestId('share-missing');
  }
}

export class SharedLinks {
  readonly page: Page;
  readonly root: Locator;
  readonly rows: Locator;
  readonly empty: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('shared-links-page');
    this.rows = page.getByTestId('shared-link-row');
    this.empty = page.getByTestId('shared-links-empty');
  }

  /** The row of the link with `token`. */
  row(token: string): Locator {
    return this.page.locator(`[data-testid="shared-link-row"][data-token="${token}"]`);
  }
}

/** The actions row under one answer. */
export class AnswerActions {
  readonly root: Locator;
  readonly copy: Locator;
  readonly up: Locator;
  readonly down: Locator;
  readonly comment: Locator;
  readonly commentSave: Locator;
  readonly note: Locator;
  readonly time: Locator;

  constructor(answer: Locator) {
    this.root = answer.getByTestId('answer-actions');
    this.copy = this.root.getByTestId('copy-message');
    this.up = this.root.getByTestId('feedback-up');
    this.down = this.root.getByTestId('feedback-down');
    this.comment = this.root.getByTestId('feedback-comment');
    this.commentSave = this.root.getByTestId('feedback-comment-save');
    this.note = this.root.getByTestId('feedback-note');
    this.time = this.root.getByTestId('message-time');
  }
}
