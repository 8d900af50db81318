/**
 * Streaming smoothness: `fake-bursty` sends its answer in 20 bursts of 25 tokens, 250 ms
 * apart. The page must not jump a whole burst at a time: each burst is revealed over several
 * updates (the pacer spreads it over up to 100 ms, updating about 30 times a second), and the
 * finished answer shows all of its text.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';

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
  // Frames on which the visible text grew: by how much, and how long after the frame before.
  const steps: number[] = [];
  const gaps: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [[before, shorter], [now, length]] = [samples[i - 1], samples[i]];
    if (length > shorter) {
      steps.push(length - shorter);
      gaps.push(Math.round(now - before));
    }
  }
  const growth = `growth per frame: ${steps.join(',')}; ms since the frame before: ${gaps.join(',')}`;
  // 20 bursts shown in one jump each would be ~20 growing frames; paced, each burst takes
  // about three updates (100 ms at ~30 updates a second).
  expect(steps.length, growth).toBeGreaterThan(40);
  // Typical frames show a small share of a burst. A few larger steps are allowed: rendered
  // length is not proportional to source bytes (a finished code block adds its header). A
  // step after dropped frames (over 50 ms since the frame before, on a busy machine) is the
  // time-based reveal catching up, not a jump.
  const averageBurst = finalLength / 20;
  const inner = steps.slice(1, -1);
  const innerGaps = gaps.slice(1, -1);
  const median = [...inner].sort((a, b) => a - b)[Math.floor(inner.length / 2)];
  const jumps = inner.filter((step, i) => step > averageBurst * 0.7 && innerGaps[i] <= 50).length;
  expect(median, growth).toBeLessThan(averageBurst * 0.45);
  expect(jumps, growth).toBeLessThanOrEqual(3);
});
