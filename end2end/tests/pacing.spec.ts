/**
 * Streaming smoothness: `fake-bursty` sends its answer in 20 bursts of 25 tokens, 250 ms
 * apart. The page must not jump a whole burst at a time: each burst is revealed over several
 * updates (the pacer spreads it over up to 100 ms, updating about 30 times a second), and the
 * finished answer shows all of its text.
 *
 * The test finds the bursts on the page itself: the frames on which the answer grew come in
 * runs (one per burst, ~100 ms long) separated by ~150 ms of stillness. Bursts differ in size
 * (a line of code is longer than a word of prose, and a closed code block adds its header), so
 * each run is judged against its own total, not against an average burst.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';

/** A frame on which the answer's visible text grew. */
interface Growth {
  /** When (ms, the frame's timestamp). */
  at: number;
  /** By how many characters. */
  step: number;
  /** Ms since the frame before it (over ~50 ms means frames were dropped). */
  sinceFrameBefore: number;
}

/** Stillness longer than this (ms) between two growing frames separates two bursts. */
const BURST_SEPARATION_MS = 90;

test('bursts from the provider are shown at a steady pace', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel('openai/fake-bursty');
  // Sample the answer's text length (and the time) at every animation frame.
  await page.evaluate(() => {
    const w = window as unknown as { __samples: [number, number][]; __sampling: boolean };
    w.__samples = [];
    w.__sampling = true;
    const sample = (time: number) => {
      const answers = document.querySelectorAll('article[data-role="assistant"] .markdown');
      const last = answers[answers.length - 1];
      w.__samples.push([time, last?.textContent?.length ?? 0]);
      if (w.__sampling) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  const answer = await chat.send('Burst me');
  await chat.waitForDone(answer, 30_000);
  const samples = await page.evaluate(() => {
    const w = window as unknown as { __samples: [number, number][]; __sampling: boolean };
    w.__sampling = false;
    return w.__samples;
  });
  const finalLength = (await chat.answerText(answer)).length;
  expect(finalLength).toBeGreaterThan(1000);

  const growth: Growth[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [[before, shorter], [now, length]] = [samples[i - 1], samples[i]];
    if (length > shorter) {
      growth.push({ at: now, step: length - shorter, sinceFrameBefore: now - before });
    }
  }
  const bursts: Growth[][] = [];
  for (const frame of growth) {
    const run = bursts[bursts.length - 1];
    const last = run?.[run.length - 1];
    if (last && frame.at - last.at <= BURST_SEPARATION_MS) run.push(frame);
    else bursts.push([frame]);
  }
  const shown = bursts
    .map((run) => `[${run.map((f) => `${f.step}@${Math.round(f.at)}`).join(' ')}]`)
    .join(' ');
  // The first burst shows at once (time to first token matters most) and the end of the
  // answer flushes what is left, so both ends are left out.
  const inner = bursts.slice(1, -1);
  // 20 bursts, so about 18 inner runs; a late burst from a busy server may merge two.
  expect(inner.length, shown).toBeGreaterThanOrEqual(12);
  // A burst shown in a single frame is a jump, unless frames were dropped just before it
  // (the time-based reveal catching up on a busy machine). A page that jumps shows nearly
  // every burst in one frame; a busy 2-core machine makes one in ten of them look so (a burst
  // delivered late right behind the one before; 2 of 18 seen once in CI on 2026-12-07).
  const jumps = inner.filter((run) => run.length === 1 && run[0].sinceFrameBefore <= 50);
  expect(jumps.length, shown).toBeLessThanOrEqual(Math.max(1, Math.ceil(inner.length / 10)));
  // Typically a burst takes three updates or more (100 ms at ~30 updates a second), and no
  // one of them shows most of it. The share bound is loose because rendered length is not
  // linear in source bytes; a burst shown as one big step with crumbs around it fails it.
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  expect(median(inner.map((run) => run.length)), shown).toBeGreaterThanOrEqual(3);
  const largestShare = (run: Growth[]) =>
    Math.max(...run.map((f) => f.step)) / run.reduce((sum, f) => sum + f.step, 0);
  expect(median(inner.map(largestShare)), shown).toBeLessThan(0.7);
});
