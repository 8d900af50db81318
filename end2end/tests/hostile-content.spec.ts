/**
 * Hostile stored content (issue 19): conversations imported through the API whose title, model
 * and error fields hold `</script><!--`, U+2028, U+2029 and U+202E, and whose answers are
 * pathological Markdown (100,000 nested `>` quotes; 1,000 link reference definitions with
 * 1,000 uses; a 200 KB document opening with `<!--`). Each one is opened at `/c/{id}` and
 * reloaded: the page renders within a generous bound, hydrates (the New chat button works
 * afterwards), logs no page or console error, opens no dialog, requests no foreign host, shows
 * the title literally, and isolates it for bidi (`unicode-bidi: isolate` or inside `<bdi>`), so
 * an override in it cannot reorder the text around it.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { Sidebar } from '../pages/sidebar';
import { appUrl, uniqueTag } from '../support/env';
import { installXssGuard } from '../support/xss-guard';

/** Correctness bound, not a benchmark: a page that takes longer than this is stuck. */
const LOAD_BOUND_MS = 30_000;

/** The hostile fragment put into every title, model and error field. */
const HOSTILE = '</script><!-- \u2028 \u2029 \u202E';

/** One imported conversation: its raw title and its single answer. */
interface Case {
  label: string;
  answer: string;
  /** The answer is stored as a failure with this reason (shown under it). */
  error?: string;
  /** Text the rendered answer must show (the Markdown was rendered, not dropped). */
  shows?: string;
  /** How many links the rendered answer must hold. */
  links?: number;
}

function referenceDefinitions(): string {
  const uses: string[] = [];
  const definitions: string[] = [];
  for (let n = 0; n < 1000; n++) {
    uses.push(`[link ${n}][r${n}]`);
    definitions.push(`[r${n}]: /nowhere/${n} "title ${n}"`);
  }
  return `${uses.join(' ')}\n\n${definitions.join('\n')}\n`;
}

function openComment(): string {
  const line = 'an unclosed comment hides </script> nothing <b>here</b>\n';
  return `<!--\n${line.repeat(Math.ceil(200_000 / line.length))}`;
}

const CASES: Case[] = [
  { label: 'fields', answer: `An answer ${HOSTILE} with the rest`, error: `The model said ${HOSTILE} and stopped` },
  { label: 'quotes', answer: `${'>'.repeat(100_000)} the bottom of the well`, shows: 'the bottom of the well' },
  { label: 'references', answer: referenceDefinitions(), shows: 'link 999', links: 1000 },
  { label: 'comment', answer: openComment() },
];

/** Imports a one-exchange conversation through the API; returns its id and stored title. */
async function importConversation(page: Page, title: string, c: Case): Promise<{ id: string; title: string }> {
  const now = Date.now();
  const model = `evil/${HOSTILE}`;
  const document = {
    format: 'sluice.conversation',
    version: 1,
    exported_at: now,
    conversation: { title, model, system_prompt: null, created_at: now, updated_at: now },
    messages: [
      { id: 'q', parent_id: null, role: 'user', content: `Question ${HOSTILE}`, status: 'complete', created_at: now, updated_at: now },
      {
        id: 'a',
        parent_id: 'q',
        role: 'assistant',
        content: c.answer,
        status: c.error ? 'error' : 'complete',
        ...(c.error ? { error: c.error } : {}),
        model,
        created_at: now + 1,
        updated_at: now + 1,
      },
    ],
  };
  const response = await page.request.post('/api/conversations/import', {
    data: { document: JSON.stringify(document) },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as { id: string; title: string };
}

/** True when `locator`'s element is bidi-isolated: by CSS or inside a `<bdi>`. */
async function isIsolated(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (el) => getComputedStyle(el).unicodeBidi === 'isolate' || el.closest('bdi') !== null,
  );
}

for (const c of CASES) {
  test(`hostile stored content hydrates safely: ${c.label}`, async ({ page }) => {
    test.setTimeout(4 * LOAD_BOUND_MS);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const guard = await installXssGuard(page, appUrl());
    const chat = new ChatPage(page);
    const sidebar = new Sidebar(page);

    const rawTitle = `Title ${HOSTILE} tail ${uniqueTag(c.label)}`;
    const imported = await importConversation(page, rawTitle, c);
    // The server collapses whitespace in titles (U+2028 and U+2029 are whitespace).
    const title = rawTitle.split(/\s+/).join(' ');
    expect(imported.title).toBe(title);

    for (const step of ['load', 'reload']) {
      const started = Date.now();
      if (step === 'load') await page.goto(`/c/${imported.id}`, { timeout: LOAD_BOUND_MS });
      else await page.reload({ timeout: LOAD_BOUND_MS });
      await chat.waitForHydrationMarker();
      expect(Date.now() - started, `${step} of ${c.label} took too long`).toBeLessThan(LOAD_BOUND_MS);

      // The title, literally, in the header and in the sidebar, both bidi-isolated.
      expect(await sidebar.title.textContent()).toBe(title);
      const link = sidebar.itemById(imported.id).getByTestId('conversation-link');
      expect((await link.textContent())?.trim()).toBe(title);
      expect(await isIsolated(sidebar.title), 'the header title is bidi-isolated').toBe(true);
      expect(await isIsolated(link), 'the sidebar title is bidi-isolated').toBe(true);

      await expect(chat.userMessages).toHaveCount(1);
      await expect(chat.lastUser).toContainText(`Question </script><!--`);
      await expect(chat.assistantMessages).toHaveCount(1);
      if (c.shows) await expect(chat.lastAssistant.locator('.markdown')).toContainText(c.shows);
      if (c.links) await expect(chat.lastAssistant.locator('.markdown a[href^="/nowhere/"]')).toHaveCount(c.links);
      if (c.error) {
        const error = chat.lastAssistant.getByTestId('message-error');
        await expect(error).toContainText('The model said </script><!--');
        expect(await isIsolated(error.locator('span').last()), 'the error text is bidi-isolated').toBe(true);
      }
    }

    // Hydrated for real: a client-side action works.
    await sidebar.newChatButton.click();
    await expect(page).toHaveURL(/\/$/);
    await expect(chat.messages).toHaveCount(0);
    await chat.composer.fill('still typing');
    await expect(chat.composer).toHaveValue('still typing');

    const problems = await guard.collect();
    expect(problems, problems.join('\n')).toEqual([]);
    expect(guard.pageErrors, guard.pageErrors.join('\n')).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
}
