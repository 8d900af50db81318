/**
 * Code blocks and math in a streamed answer (fake-echo streams the question back in small
 * pieces): the open fence is plain text that grows in one element (no re-render), highlight
 * spans appear only once the fence closes, the label, Copy (clipboard) and wrap toggle work,
 * and math renders as MathML.
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });
// One retry for this file only, and only under CI: the long-paragraph check (where "bold 10"
// is re-rendered) failed once in six full-suite runs on 2026-12-07 ({"live":[47,96,154,189,
// 216,240,279,338]}: the live segment went uncut past 300 characters), never in 26 runs of the
// test alone. The cause is not found yet; a pass on retry is still reported as "flaky" by the
// list reporter, so it stays visible. Remove this once the cause is fixed.
test.describe.configure({ retries: process.env.CI ? 1 : 0 });

/** What the in-page observer saw while the answer streamed. */
interface FenceObservation {
  /** Snapshots with a streaming code block. */
  streamingSnapshots: number;
  /** Snapshots in which a streaming block contained highlight spans (must stay 0). */
  highlightedWhileStreaming: number;
  /** Distinct `<code>` elements seen in streaming blocks (1 = appended, never re-rendered). */
  streamingElements: number;
  /** Longest text seen in the streaming block. */
  longestStreamingText: number;
}

test('a streamed code block grows in place, then is highlighted; math renders as MathML', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);

  const lines = Array.from({ length: 40 }, (_, i) => `    total += ${i}  # step ${i}`).join('\n');
  const code = `def add_all():\n    total = 0\n${lines}\n    return "done"\n`;
  const question =
    `Code ${uniqueTag('code')}:\n\n\`\`\`python\n${code}\`\`\`\n\n` +
    'Inline $e^{i\\pi} + 1 = 0$ and display:\n\n\\[\n\\frac{a}{b}\n\\]\n\nPrices $5 and $10.';

  await page.evaluate(() => {
    const w = window as unknown as { __fence?: FenceObservation & { els: Set<Element> } };
    const seen = { streamingSnapshots: 0, highlightedWhileStreaming: 0, streamingElements: 0, longestStreamingText: 0, els: new Set<Element>() };
    w.__fence = seen;
    new MutationObserver(() => {
      for (const block of document.querySelectorAll('[data-testid="code-block"][data-state="streaming"]')) {
        const codeEl = block.querySelector('pre code');
        if (!codeEl) continue;
        seen.streamingSnapshots += 1;
        seen.els.add(codeEl);
        seen.streamingElements = seen.els.size;
        seen.longestStreamingText = Math.max(seen.longestStreamingText, codeEl.textContent?.length ?? 0);
        if (block.querySelector('span[class^="hl-"]')) seen.highlightedWhileStreaming += 1;
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });

  const answer = await chat.send(question);
  await chat.waitForDone(answer);

  const observed = await page.evaluate(() => {
    const w = window as unknown as { __fence: FenceObservation & { els?: Set<Element> } };
    const { els: _els, ...rest } = w.__fence;
    return rest;
  });
  expect(observed.streamingSnapshots, JSON.stringify(observed)).toBeGreaterThan(5);
  expect(observed.highlightedWhileStreaming, JSON.stringify(observed)).toBe(0);
  expect(observed.streamingElements, 'one <code> element, grown by appending').toBe(1);
  expect(observed.longestStreamingText).toBeGreaterThan(200);

  // Finished: one highlighted block with its label.
  const block = chat.codeBlocks(answer);
  await expect(block).toHaveCount(1);
  await expect(block).toHaveAttribute('data-state', 'done');
  await expect(chat.codeLang(block)).toHaveText('python');
  await expect(chat.highlightSpans(block).first()).toBeVisible();
  await expect(block.locator('span.hl-keyword', { hasText: 'def' })).toHaveCount(1);
  await expect(block.locator('span.hl-comment').first()).toHaveText('# step 0');
  await expect(block.locator('span.hl-string', { hasText: '"done"' })).toHaveCount(1);

  // Copy puts the exact code on the clipboard.
  await chat.codeCopy(block).click();
  await expect(chat.codeCopy(block)).toHaveText('Copied');
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  expect(clipboard).toBe(code);

  // Wrap toggle: default no wrap (horizontal scroll), toggled by a class.
  const pre = block.locator('pre');
  await expect(pre).toHaveCSS('white-space', 'pre');
  await chat.codeWrap(block).click();
  await expect(block).toHaveClass(/\bwrap\b/);
  await expect(chat.codeWrap(block)).toHaveAttribute('aria-pressed', 'true');
  await expect(pre).toHaveCSS('white-space', 'pre-wrap');
  await chat.codeWrap(block).click();
  await expect(block).not.toHaveClass(/\bwrap\b/);

  // Math: inline and display MathML; prices stay text.
  const formulas = chat.math(answer);
  await expect(formulas).toHaveCount(2);
  await expect(formulas.first().locator('msup')).toHaveCount(1);
  await expect(answer.locator('math[display="block"] mfrac')).toHaveCount(1);
  await expect(chat.markdown(answer)).toContainText('Prices $5 and $10.');

  // After a reload the stored answer renders the same way from the server.
  await page.reload();
  await chat.waitForHydration();
  const stored = chat.lastAssistant;
  await expect(chat.codeBlocks(stored)).toHaveAttribute('data-state', 'done');
  await expect(chat.highlightSpans(chat.codeBlocks(stored)).first()).toBeVisible();
  await expect(chat.math(stored)).toHaveCount(2);
});

test('TeX that cannot be rendered is shown as source, never as markup', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const answer = await chat.send(
    `Bad ${uniqueTag('tex')}: $\\href{javascript:alert(1)}{click}$ and\n\n` + '```unknownlang\n<b>x</b>\n```\n',
  );
  await chat.waitForDone(answer);
  await expect(answer.getByTestId('math-fallback')).toHaveText('\\href{javascript:alert(1)}{click}');
  await expect(answer.locator('a[href^="javascript"]')).toHaveCount(0);
  const block = chat.codeBlocks(answer);
  await expect(chat.codeLang(block)).toHaveText('unknownlang');
  await expect(chat.highlightSpans(block)).toHaveCount(0);
  await expect(block.locator('b')).toHaveCount(0);
});

test('a remote image waits for a click; the page policy still refuses it, so it becomes a link', async ({ page }) => {
  // Requests for the image host: `routed` are those that reached the network layer (none may),
  // `refused` those the browser stopped itself (the Content-Security-Policy).
  const routed: string[] = [];
  const attempted: string[] = [];
  const refused: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('pictures.example')) attempted.push(request.url());
  });
  page.on('requestfailed', (request) => {
    if (request.url().includes('pictures.example')) refused.push(request.failure()?.errorText ?? '');
  });
  await page.route(/^https?:\/\/pictures\.example\//, (route) => {
    routed.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const answer = await chat.send(`Image ${uniqueTag('img')}: ![a cat](https://pictures.example/cat.png?leak=1)`);
  await chat.waitForDone(answer);

  const load = answer.getByRole('button', { name: 'Load image from pictures.example' });
  await expect(load).toBeVisible();
  await expect(answer.locator('img')).toHaveCount(0);
  expect(attempted, 'nothing is fetched before the click').toEqual([]);
  await load.click();

  // `img-src 'self' data:` refuses the fetch; the reader gets a link to open it outside the page.
  const open = answer.getByRole('link', { name: 'Open image from pictures.example in a new tab' });
  await expect(open).toBeVisible();
  await expect(open).toHaveAttribute('href', 'https://pictures.example/cat.png?leak=1');
  await expect(open).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(open).toHaveAttribute('target', '_blank');
  await expect(answer.locator('img')).toHaveCount(0);
  expect(routed, 'no request reached the network').toEqual([]);
  expect(refused.length, 'every attempt was refused').toBe(attempted.length);
  expect(refused.every((reason) => /csp/i.test(reason)), `refused by the policy: ${refused.join(', ')}`).toBe(true);
});

test('a streamed list or table keeps its finished items in place; only the last one re-renders', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const count = 40;
  const items = Array.from({ length: count }, (_, i) => `${i + 1}. Item ${i + 1} with **bold** and \`code\``).join('\n');
  const rows = Array.from({ length: count }, (_, i) => `| ${i + 1} | cell *${i + 1}* |`).join('\n');
  const question = `List ${uniqueTag('list')}:\n${items}\n\n| n | value |\n|---|---|\n${rows}\n`;

  // Count how often a *finished* item and row (the 20th, in their final form) are removed from
  // the DOM while the answer streams. Kept open, they are mounted once per full render of their
  // container (when it opens, when the list is revealed from a frozen block, when it is frozen)
  // and never by the updates that stream the items after them; re-rendering the container per
  // update would remove them at every one of those (dozens of times).
  await page.evaluate(() => {
    const w = window as unknown as { __removed: { li: number; tr: number } };
    w.__removed = { li: 0, tr: 0 };
    const finished = (node: Element, selector: string, text: string) =>
      [node, ...node.querySelectorAll(selector)].filter((n) => n.matches(selector) && n.textContent?.trim() === text).length;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.removedNodes) {
          if (!(node instanceof Element)) continue;
          w.__removed.li += finished(node, 'li', 'Item 20 with bold and code');
          w.__removed.tr += finished(node, 'tr', '20cell 20');
        }
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  const answer = await chat.send(question);
  await chat.waitForDone(answer);

  const removed = await page.evaluate(() => (window as unknown as { __removed: { li: number; tr: number } }).__removed);
  for (const times of [removed.li, removed.tr]) {
    expect(times, JSON.stringify(removed)).toBeGreaterThanOrEqual(1); // the freeze
    expect(times, JSON.stringify(removed)).toBeLessThanOrEqual(5);
  }
  const markdown = chat.markdown(answer);
  await expect(markdown.locator('ol > li')).toHaveCount(count);
  await expect(markdown.locator('ol > li').nth(count - 1)).toHaveText(`Item ${count} with bold and code`);
  await expect(markdown.locator('table tbody tr')).toHaveCount(count);
  await expect(markdown.locator('table tbody tr').last().locator('em')).toHaveText(`${count}`);
});

test('a streamed long paragraph keeps its settled text in place; finished blocks are grouped', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const sentences = 40;
  const paragraph = Array.from({ length: sentences }, (_, i) => `Sentence ${i + 1} has **bold ${i + 1}** in it.`).join(' ');
  const shortParagraphs = Array.from({ length: 20 }, (_, i) => `Short paragraph ${i + 1}.`).join('\n\n');
  // The paragraph is one line, as models write them: the short paragraph before it is frozen
  // only when that line ends, and the short line after it freezes the paragraph itself while
  // it is still being revealed (the reveal runs up to 100 ms behind; the afterword keeps the
  // answer streaming past that, so the reveal shows the frozen paragraph's rest).
  const afterword = 'The answer goes on for a while after the long paragraph. '.repeat(6).trim();
  const question = `Prose ${uniqueTag('prose')}\n\n${shortParagraphs}\n\n${paragraph}\n\nThe end.\n\n${afterword}\n`;

  // Re-rendering the paragraph per update would remove the 10th sentence's `<strong>` with
  // ever more text after it (the 30 sentences that follow); kept open, it is re-rendered only
  // while it is in the live segment near the end, then stays until the paragraph is frozen
  // (neither freeze around it may render it whole again).
  const answer = await sendKeepingBold10(page, chat, question);
  const markdown = chat.markdown(answer);
  await expect(markdown.locator('strong')).toHaveCount(sentences);
  await expect(markdown.locator('strong').last()).toHaveText(`bold ${sentences}`);
  // Once done, every block is frozen: all 24 paragraphs sit in `.markdown-chunk` groups (of at
  // most 16 frozen blocks each; a block may hold several paragraphs), in order.
  const grouped = markdown.locator(':scope > .markdown-chunk > p');
  await expect(grouped).toHaveCount(24);
  await expect(markdown.locator(':scope > p')).toHaveCount(0);
  await expect(grouped.nth(1)).toHaveText('Short paragraph 1.');
  await expect(grouped.nth(21)).toContainText(`Sentence ${sentences} has bold ${sentences} in it.`);
  await expect(grouped.nth(22)).toHaveText('The end.');
  await expect(grouped.last()).toHaveText(afterword);
});

test('a streamed long block quote keeps its finished paragraphs in place', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const points = 30;
  const quote = Array.from({ length: points }, (_, i) => `> Point ${i + 1} has **bold ${i + 1}** in it.\n>`).join('\n');
  const question = `Quote ${uniqueTag('quote')}\n\n${quote}\n> The end.\n`;

  // Re-rendering the quote per update would remove the 10th paragraph's `<strong>` at every
  // update after it; kept open, the quote's finished paragraphs are mounted once.
  const answer = await sendKeepingBold10(page, chat, question);
  const quoted = chat.markdown(answer).locator('blockquote');
  await expect(quoted).toHaveCount(1);
  await expect(quoted.locator(':scope > p')).toHaveCount(points + 1);
  await expect(quoted.locator('strong').last()).toHaveText(`bold ${points}`);
});

/**
 * Most characters of rendered text that may follow the `<strong>` "bold 10" when an update
 * removes it while it is still in the open paragraph (or quote paragraph) being written. Kept
 * open, a paragraph re-renders only its live segment, cut off once it reaches 128 bytes of
 * Markdown (retried every 48 bytes while a cut is refused), so the strong is re-rendered only
 * while little text follows it; re-rendering the whole block per update would remove it with
 * up to ~900 characters after it.
 */
const LIVE_SEGMENT_TEXT_BOUND = 300;

/**
 * Sends `question` and waits until its answer is done, checking that the `<strong>` reading
 * "bold 10" is re-rendered only while it is near the end of the text (in the live segment; see
 * [`LIVE_SEGMENT_TEXT_BOUND`]) and is moved into a frozen
 * `.markdown-chunk` once, at the end.
 * How *often* it is re-rendered while live depends on how the text is split into updates (the
 * reveal follows the page's frame timing), so the check is on where, not how often. Returns the
 * answer.
 */
async function sendKeepingBold10(page: Page, chat: ChatPage, question: string) {
  const removals = await trackRemovals(page, 'bold 10');
  const answer = await chat.send(question);
  await chat.waitForDone(answer);
  const { live, frozen } = await removals();
  const seen = JSON.stringify({ live, frozen });
  expect(frozen, `"bold 10" moved into a frozen chunk once: ${seen}`).toBe(1);
  for (const following of live) {
    expect(following, `"bold 10" was on the page before it was removed: ${seen}`).not.toBeNull();
  }
  // Freezes must not render the open block whole again: the block before it is cut off the
  // tail's front (`TailUpdate::FrontCut`), and the block itself, frozen while partly revealed,
  // goes on growing as the same text. Re-rendering the block per update would remove the
  // strong far from the end at dozens of updates.
  const far = live.filter((following) => (following ?? Infinity) > LIVE_SEGMENT_TEXT_BOUND);
  expect(far, `re-renders of "bold 10" with more than ${LIVE_SEGMENT_TEXT_BOUND} characters after it: ${seen}`).toEqual([]);
  return answer;
}

/**
 * Starts watching the assistant `<strong>` whose text is `text`. Each time one leaves the page
 * (itself or inside a removed subtree) the watcher notes either that its replacement sits in a
 * frozen `.markdown-chunk` (`frozen`), or how many characters of rendered text followed it in
 * the answer *before* the update that removed it (`live`). Returns a function reading both.
 */
async function trackRemovals(page: Page, text: string): Promise<() => Promise<{ live: (number | null)[]; frozen: number }>> {
  await page.evaluate((text) => {
    type Watch = { live: (number | null)[]; frozen: number };
    const w = window as unknown as { __removals: Watch };
    w.__removals = { live: [], frozen: 0 };
    const current = () => [...document.querySelectorAll('.markdown strong')].filter((n) => n.textContent === text).pop();
    const following = (strong: Element | undefined) => {
      const root = strong?.closest('.markdown');
      if (!strong || !root) return null;
      const range = document.createRange();
      range.setStartAfter(strong);
      range.setEnd(root, root.childNodes.length);
      return range.toString().length;
    };
    let before = following(current());
    new MutationObserver((records) => {
      const removed = records
        .flatMap((record) => [...record.removedNodes])
        .filter((node): node is Element => node instanceof Element)
        .flatMap((node) => [node, ...node.querySelectorAll('strong')])
        .filter((node) => node.matches('strong') && node.textContent === text).length;
      const now = current();
      for (let i = 0; i < removed; i++) {
        if (now?.closest('.markdown-chunk')) w.__removals.frozen += 1;
        else w.__removals.live.push(before); // null: it was not on the page before
      }
      before = following(now);
    }).observe(document.body, { subtree: true, childList: true });
  }, text);
  return () => page.evaluate(() => (window as unknown as { __removals: { live: (number | null)[]; frozen: number } }).__removals);
}

test('when the block being written changes kind, its new children never enter the old element', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  // Long paragraphs (kept open: their settled sentences are appended), each followed by a block
  // that ends it: a list interrupting it, a table after a blank line, a quote; and after each
  // of those a paragraph again. Each change of kind is a full render of the tail that replaces
  // the open container's element.
  const prose = (n: number) => Array.from({ length: 30 }, (_, i) => `Sentence ${i + 1} of part ${n} has **bold ${i + 1}** in it.`).join(' ');
  const question = [
    `Kinds ${uniqueTag('kinds')}`,
    '',
    prose(1),
    ...Array.from({ length: 10 }, (_, i) => `- item ${i + 1} of **the** list`),
    '',
    prose(2),
    '',
    '| a | b |',
    '|---|---|',
    '| 1 | 2 |',
    '| 3 | 4 |',
    '',
    prose(3),
    '',
    '> quoted line one',
    '> quoted line two',
    '',
    prose(4),
    '',
  ].join('\n');

  // Every child the answer's Markdown gets must fit the element it is added to: a list
  // receives items only, a table body rows only, a paragraph inline content only. A view that
  // fed a new container's children to the old element (list items into the `<p>` being
  // replaced, say) shows up here even though it is never painted.
  await page.evaluate(() => {
    const w = window as unknown as { __misplaced: string[] };
    w.__misplaced = [];
    const blocks = new Set(['P', 'LI', 'UL', 'OL', 'TABLE', 'THEAD', 'TBODY', 'TR', 'BLOCKQUOTE', 'PRE', 'DIV', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR']);
    const fits = (parent: string, child: string) => {
      if (parent === 'UL' || parent === 'OL') return child === 'LI';
      if (parent === 'TBODY') return child === 'TR';
      if (parent === 'P') return !blocks.has(child);
      if (parent === 'BLOCKQUOTE') return child !== 'LI' && child !== 'TR';
      return true;
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const parent = record.target;
        if (!(parent instanceof Element) || !parent.closest('.markdown')) continue;
        for (const node of record.addedNodes) {
          if (node instanceof Element && !fits(parent.tagName, node.tagName)) {
            w.__misplaced.push(`${node.tagName} in ${parent.tagName}`);
          }
        }
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  const answer = await chat.send(question);
  await chat.waitForDone(answer);

  const misplaced = await page.evaluate(() => (window as unknown as { __misplaced: string[] }).__misplaced);
  expect(misplaced, 'children added to an element of another kind').toEqual([]);
  const markdown = chat.markdown(answer);
  await expect(markdown.locator('ul > li')).toHaveCount(10);
  await expect(markdown.locator('ul > li').last()).toHaveText('item 10 of the list');
  await expect(markdown.locator('table tbody tr')).toHaveCount(2);
  await expect(markdown.locator('blockquote')).toHaveText(/quoted line one\s+quoted line two/);
  await expect(markdown.locator('p').last()).toHaveText(prose(4).replaceAll('**', ''));
  await expect(markdown.locator('strong')).toHaveCount(4 * 30 + 10);
});
