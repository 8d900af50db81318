/**
 * Page objects for the account pages: /sign-in (sign-in and sign-up forms), the sidebar's
 * account menu and /admin (the users table).
 *
 * Selectors are the UI contract: data-testid attributes and roles.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The /sign-in page. */
export class SignInPage {
  readonly page: Page;
  readonly signInForm: Locator;
  readonly signUpForm: Locator;
  readonly signUpToggle: Locator;
  /** Notes: first run, approval pending, "not needed" in off mode. */
  readonly message: Locator;
  /** The `role="alert"` refusal. */
  readonly error: Locator;

  constructor(page: Page) {
    this.page = page;
    this.signInForm = page.getByTestId('sign-in-form');
    this.signUpForm = page.getByTestId('sign-up-form');
    this.signUpToggle = page.getByTestId('sign-up-toggle');
    this.message = page.getByTestId('auth-message');
    this.error = page.getByRole('alert').and(page.getByTestId('auth-error'));
  }

  /** Opens /sign-in and waits until a form or note is rendered (they render in the browser). */
  async goto(): Promise<void> {
    await this.page.goto('/sign-in');
    await this.waitForReady();
  }

  async waitForReady(): Promise<void> {
    await expect(this.signInForm.or(this.signUpForm).or(this.message).first()).toBeVisible();
  }

  async signIn(name: string, password: string): Promise<void> {
    await this.signInForm.getByTestId('sign-in-name').fill(name);
    await this.signInForm.getByTestId('sign-in-password').fill(password);
    await this.signInForm.getByTestId('sign-in-submit').click();
  }

  /**
   * Fills the sign-up form (opening it with the toggle first unless it is already shown);
   * `setupToken` goes in the set-up token field the first administrator's form has.
   */
  async signUp(name: string, password: string, setupToken?: string): Promise<void> {
    if (!(await this.signUpForm.isVisible())) await this.signUpToggle.click();
    await this.signUpForm.getByTestId('sign-up-name').fill(name);
    await this.signUpForm.getByTestId('sign-up-password').fill(password);
    if (setupToken !== undefined) {
      await this.signUpForm.getByTestId('sign-up-setup-token').fill(setupToken);
    }
    await this.signUpForm.getByTestId('sign-up-submit').click();
  }
}

/** The account menu at the bottom of the sidebar. */
export class AccountMenu {
  readonly root: Locator;
  readonly name: Locator;
  readonly adminLink: Locator;
  readonly signOutButton: Locator;
  readonly signOutEverywhereButton: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('account-menu');
    this.name = this.root.getByTestId('account-name');
    this.adminLink = this.root.getByTestId('admin-link');
    this.signOutButton = this.root.getByTestId('sign-out');
    this.signOutEverywhereButton = this.root.getByTestId('sign-out-everywhere');
  }

  async changePassword(current: string, next: string): Promise<void> {
    await this.root.getByTestId('change-password-toggle').click();
    await this.root.getByTestId('current-password').fill(current);
    await this.root.getByTestId('new-password').fill(next);
    await this.root.getByTestId('change-password-save').click();
  }
}

/** The /admin page. */
export class AdminPage {
  readonly page: Page;
  readonly root: Locator;
  readonly rows: Locator;
  readonly error: Locator;
  readonly forbidden: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('admin-page');
    this.rows = this.root.getByTestId('user-row');
    this.error = this.root.getByTestId('admin-error');
    this.forbidden = this.root.getByTestId('admin-forbidden');
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin');
    await expect(this.root).toBeVisible();
  }

  /** The table row of account `name`. */
  row(name: string): Locator {
    return this.root.locator(`[data-testid="user-row"][data-name="${name}"]`);
  }

  async approve(name: string): Promise<void> {
    await this.row(name).getByTestId('approve-user').click();
    await expect(this.row(name)).toHaveAttribute('data-status', 'active');
  }
}
