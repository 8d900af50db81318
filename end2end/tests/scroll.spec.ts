/**
 * Auto-scroll: the message list follows a streaming answer to the bottom, stops following
 * when the reader scrolls up, and follows again once they scroll back to the bottom.
 */
import { expect, test } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';

/** Pixels from the bottom that still count as "at the bottom". */
const NEAR_BOTTOM_PX = 60;

test('the list follows the answer unless the reader scrolled up', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 500 });
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.slow);
  const answer = await chat.send(`Count for scrolling ${uniqueTag('scroll')}`);
  await chat.waitForStatus(answer, 'streaming');

  const distanceFromBottom = () =>
    chat.messageList.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  const overflowing = () => chat.messageList.evaluate((el) => el.scrollHeight > el.clientHeight + 200);

  // Wait until the answer is taller than the list, then check it keeps up.
  await expect.poll(overflowing, { timeout: 30_000 }).toBe(true);
  await expect.poll(distanceFromBottom).toBeLessThan(NEAR_BOTTOM_PX);

  // The reader scrolls to the top: the list must stay there while text keeps arriving.
  await chat.messageList.evaluate((el) => el.scrollTo({ top: 0 }));
  const lengthBefore = (await chat.answerText(answer)).length;
  await expect.poll(async () => (await chat.answerText(answer)).length).toBeGreaterThan(lengthBefore + 20);
  expect(await chat.messageList.evaluate((el) => el.scrollTop)).toBeLessThan(5);

  // Back to the bottom: following resumes.
  await chat.messageList.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const heightNow = await chat.messageList.evaluate((el) => el.scrollHeight);
  await expect.poll(() => chat.messageList.evaluate((el) => el.scrollHeight)).toBeGreaterThan(heightNow + 40);
  await expect.poll(distanceFromBottom).toBeLessThan(NEAR_BOTTOM_PX);

  await chat.stop();
  await chat.waitForStatus(answer, 'stopped', 5_000);
});
