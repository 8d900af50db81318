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
  // Sample the answer's text length at every animation frame.
  await page.evaluate(() => {
    const w = window as unknown as { __lengths: number[]; __sampling: boolean };
    w.__lengths = [];
    w.__sampling = true;
    const sample = () => {
      const answers = document.querySelectorAll('article[data-role="assistant"] .markdown');
      const last = answers[answers.length - 1];
      w.__lengths.push(last?.textContent?.length ?? 0);
      if (w.__sampling) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  const answer = await chat.send('Burst me');
  await chat.waitForDone(answer, 30_000);
  const lengths = await page.evaluate(() => {
    const w = window as unknown as { __lengths: number[]; __sampling: boolean };
    w.__sampling = false;
    return w.__lengths;
  });
  const finalLength = (await chat.answerText(answer)).length;
  expect(finalLength).toBeGreaterThan(1000);
  // Frames on which the visible text grew, and by how much.
  const steps: number[] = [];
  for (let i = 1; i < lengths.length; i++) {
    if (lengths[i] > lengths[i - 1]) steps.push(lengths[i] - lengths[i - 1]);
  }
  // 20 bursts shown in one jump each would be ~20 growing frames; paced, each burst takes
  // about three updates (100 ms at ~30 updates a second).
  expect(steps.length, `growth per frame: ${steps.join(',')}`).toBeGreaterThan(40);
  // Typical frames show a small share of a burst. A few larger steps are allowed: rendered
  // length is not proportional to source bytes (a finished code block adds its header), and a
  // busy machine drops frames, after which the time-based reveal catches up.
  const averageBurst = finalLength / 20;
  const inner = steps.slice(1, -1).sort((a, b) => a - b);
  const median = inner[Math.floor(inner.length / 2)];
  const jumps = inner.filter((step) => step > averageBurst * 0.7).length;
  expect(median, `growth per frame: ${steps.join(',')}`).toBeLessThan(averageBurst * 0.45);
  expect(jumps, `growth per frame: ${steps.join(',')}`).toBeLessThanOrEqual(3);
});
