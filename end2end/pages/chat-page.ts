/**
 * Page object for Sluice's single chat screen.
 *
 * Selectors come from the UI contract only: roles, aria-labels and data-testid / data-role /
 * data-status attributes. The one class used is `.markdown` (the assistant body container).
 *
 * Code blocks (src/components/markdown/code_block.rs): `[data-testid="code-block"]` with
 * `data-state="streaming"` while the fence is still open (plain text, no highlighting) and
 * `data-state="done"` once closed (token spans `span[class^="hl-"]` inside `pre code`); class
 * `wrap` while wrapped. Inside: `code-lang` (label), `code-copy` (Copy → "Copied"),
 * `code-wrap` (toggle, `aria-pressed`). Math renders as MathML `<math>` (display math has
 * `display="block"`); unconvertible TeX as `code.math-fallback` / `data-testid="math-fallback"`.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Statuses an assistant `<article>` can carry in `data-status`. */
export type MessageStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

/** One DOM snapshot taken by the in-page timeline recorder (see `startTimeline`). */
export interface TimelineEntry {
  /** ms since `startTimeline` */
  t: number;
  /** typing indicator present in the DOM */
  typing: boolean;
  /** data-status of the latest assistant article, or null when there is none */
  status: string | null;
  /** length of the latest assistant's `.markdown` text */
  textLength: number;
}

/**
 * How long to wait for the optional hydration marker before falling back to "network idle".
 * The lead may set `data-hydrated="true"` on `<body>` (or `<html>`) at the end of `hydrate()`;
 * without it the page object assumes hydration is done shortly after the network goes idle.
 */
const HYDRATION_MARKER_WAIT_MS = 5_000;

/** Streams of the fake scenarios finish within a few seconds; fake-slow never does on its own. */
export const STREAM_TIMEOUT_MS = 30_000;

export class ChatPage {
  readonly page: Page;
  /** `<textarea aria-label="Message">` */
  readonly composer: Locator;
  /** The single Send/Stop button. */
  readonly sendStop: Locator;
  /** `<select aria-label="Model">` */
  readonly modelPicker: Locator;
  /** `<div role="status" data-testid="typing-indicator">` */
  readonly typingIndicator: Locator;
  /** Shown while the demo model is selected. */
  readonly demoBadge: Locator;
  /** `<section data-testid="message-list">` */
  readonly messageList: Locator;
  /** Every message article, user and assistant. */
  readonly messages: Locator;
  readonly userMessages: Locator;
  readonly assistantMessages: Locator;
  readonly lastAssistant: Locator;
  readonly lastUser: Locator;

  constructor(page: Page) {
    this.page = page;
    this.composer = page.getByRole('textbox', { name: 'Message', exact: true });
    this.sendStop = page.getByTestId('send-stop');
    this.modelPicker = page.getByRole('combobox', { name: 'Model', exact: true });
    this.typingIndicator = page.getByTestId('typing-indicator');
    this.demoBadge = page.getByTestId('demo-badge');
    this.messageList = page.getByTestId('message-list');
    this.messages = this.messageList.locator('article[data-role]');
    this.userMessages = this.messageList.locator('article[data-role="user"]');
    this.assistantMessages = this.messageList.locator('article[data-role="assistant"]');
    this.lastAssistant = this.assistantMessages.last();
    this.lastUser = this.userMessages.last();
  }

  /** Opens the app and waits until the WASM has hydrated the page. */
  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.composer).toBeVisible();
    await this.waitForHydration();
  }

  /**
   * Typing into a server-rendered but not yet hydrated page does nothing, so wait for the
   * WASM: the explicit marker when the app sets one, otherwise network idle (the .wasm has
   * been fetched and instantiated) plus a short grace period.
   */
  async waitForHydration(): Promise<void> {
    await this.page.waitForLoadState('networkidle');
    const marked = await this.page
      .waitForFunction(
        () =>
          document.body?.dataset.hydrated === 'true' ||
          document.documentElement.dataset.hydrated === 'true',
        null,
        { timeout: HYDRATION_MARKER_WAIT_MS },
      )
      .then(
        () => true,
        () => false,
      );
    if (!marked) await this.page.waitForTimeout(300);
  }

  /**
   * Waits for the app's own hydration marker only. Use it on pages that stream from the start
   * (an answer being followed keeps a request open, so the network never goes idle).
   */
  async waitForHydrationMarker(): Promise<void> {
    await this.page.waitForFunction(() => document.body?.dataset.hydrated === 'true');
  }

  /** The `<option>` for a model id (value = model id). */
  modelOption(modelId: string): Locator {
    return this.modelPicker.locator(`option[value="${modelId}"]`);
  }

  /** Selects a model by id, e.g. `openai/fake-markdown`, once the picker lists it. */
  async selectModel(modelId: string): Promise<void> {
    await expect(this.modelOption(modelId)).toHaveCount(1);
    await this.modelPicker.selectOption(modelId);
    await expect(this.modelPicker).toHaveValue(modelId);
  }

  /**
   * Sends `text` with the Enter key and returns the new assistant article (it appears at once,
   * with status "waiting").
   */
  async send(text: string): Promise<Locator> {
    const before = await this.assistantMessages.count();
    await this.composer.fill(text);
    await this.composer.press('Enter');
    await expect(this.assistantMessages).toHaveCount(before + 1);
    return this.assistantMessages.nth(before);
  }

  /** Clicks the button while it reads "Stop". */
  async stop(): Promise<void> {
    await expect(this.sendStop).toHaveAccessibleName('Stop');
    await this.sendStop.click();
  }

  /** Starts a new conversation if the UI offers a "New chat" button; returns whether it did. */
  async newChat(): Promise<boolean> {
    const button = this.page.getByRole('button', { name: /new chat/i });
    if ((await button.count()) === 0) return false;
    await button.first().click();
    await expect(this.assistantMessages).toHaveCount(0);
    return true;
  }

  /** The rendered Markdown body of an assistant article. */
  markdown(message: Locator = this.lastAssistant): Locator {
    return message.locator('.markdown');
  }

  /** Code blocks of an assistant answer (finished and streaming). */
  codeBlocks(message: Locator = this.lastAssistant): Locator {
    return this.markdown(message).getByTestId('code-block');
  }

  /** The language label of a code block. */
  codeLang(block: Locator): Locator {
    return block.getByTestId('code-lang');
  }

  /** The Copy button of a code block (reads "Copy", then "Copied"). */
  codeCopy(block: Locator): Locator {
    return block.getByTestId('code-copy');
  }

  /** The wrap toggle of a code block. */
  codeWrap(block: Locator): Locator {
    return block.getByTestId('code-wrap');
  }

  /** Highlight token spans inside a code block. */
  highlightSpans(block: Locator): Locator {
    return block.locator('pre code span[class^="hl-"]');
  }

  /** MathML formulas of an assistant answer. */
  math(message: Locator = this.lastAssistant): Locator {
    return this.markdown(message).locator('math');
  }

  /** `<footer data-testid="message-stats">` of an assistant article. */
  stats(message: Locator = this.lastAssistant): Locator {
    return message.getByTestId('message-stats');
  }

  /** `<div role="alert" data-testid="message-error">` of an assistant article. */
  error(message: Locator = this.lastAssistant): Locator {
    return message.getByTestId('message-error');
  }

  /** The Retry button inside the error box. */
  retryButton(message: Locator = this.lastAssistant): Locator {
    return this.error(message).getByRole('button', { name: 'Retry' });
  }

  /** Waits for `data-status` of an assistant article. */
  async waitForStatus(
    message: Locator,
    status: MessageStatus,
    timeout = STREAM_TIMEOUT_MS,
  ): Promise<void> {
    await expect(message).toHaveAttribute('data-status', status, { timeout });
  }

  /** Waits until the answer has finished normally. */
  async waitForDone(message: Locator = this.lastAssistant, timeout = STREAM_TIMEOUT_MS): Promise<void> {
    await this.waitForStatus(message, 'done', timeout);
  }

  /** Current text of an assistant's Markdown body. */
  async answerText(message: Locator = this.lastAssistant): Promise<string> {
    return (await this.markdown(message).textContent()) ?? '';
  }

  /** Waits until the answer shows at least `minLength` characters of text. */
  async waitForText(message: Locator, minLength = 1, timeout = STREAM_TIMEOUT_MS): Promise<void> {
    await expect
      .poll(async () => (await this.answerText(message)).trim().length, { timeout })
      .toBeGreaterThanOrEqual(minLength);
  }

  /**
   * Installs a MutationObserver that snapshots (typing indicator, latest assistant status,
   * text length) after every DOM change. Catches short states (a 300 ms "waiting") that
   * polling assertions could miss. Call before `send`, read with `readTimeline`.
   */
  async startTimeline(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as {
        __sluiceTimeline?: unknown[];
        __sluiceTimelineObserver?: MutationObserver;
      };
      w.__sluiceTimelineObserver?.disconnect();
      const entries: unknown[] = [];
      const start = performance.now();
      const snapshot = () => {
        const list = document.querySelector('[data-testid="message-list"]');
        const assistants = list ? list.querySelectorAll('article[data-role="assistant"]') : [];
        const last = assistants.length ? assistants[assistants.length - 1] : null;
        const body = last?.querySelector('.markdown');
        entries.push({
          t: Math.round(performance.now() - start),
          typing: document.querySelector('[data-testid="typing-indicator"]') !== null,
          status: last?.getAttribute('data-status') ?? null,
          textLength: (body?.textContent ?? '').trim().length,
        });
      };
      const observer = new MutationObserver(snapshot);
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['data-status'],
      });
      w.__sluiceTimeline = entries;
      w.__sluiceTimelineObserver = observer;
      snapshot();
    });
  }

  /** Stops the recorder and returns its snapshots. */
  async readTimeline(): Promise<TimelineEntry[]> {
    return this.page.evaluate(() => {
      const w = window as unknown as {
        __sluiceTimeline?: unknown[];
        __sluiceTimelineObserver?: MutationObserver;
      };
      w.__sluiceTimelineObserver?.disconnect();
      return (w.__sluiceTimeline ?? []) as TimelineEntry[];
    });
  }
}

/** Collapses consecutive duplicates: ['waiting','waiting','done'] -> ['waiting','done']. */
export function distinctRuns<T>(values: T[]): T[] {
  return values.filter((value, i) => i === 0 || values[i - 1] !== value);
}
