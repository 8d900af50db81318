/**
 * One streamed answer per provider family through the real app, each replaying a recorded
 * stream from ../shared/fixtures through the fake upstream: Anthropic, OpenAI Responses,
 * Gemini, Ollama and OpenAI Chat — with thinking, tool calls, a token-limit finish and an
 * in-stream error. Expectations come from the fixtures' sidecars, not from this file.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ChatPage } from '../pages/chat-page';
import { uniqueTag } from '../support/env';
import { waitForRecord } from '../support/fake-upstream';
import { sharedPath } from '../support/shared-fixtures';

/** The recorded streams; `null` when absent outside CI (under CI=true an absent folder fails). */
const FIXTURES = sharedPath('fixtures/provider-streams');

/** The sidecar JSON of a fixture. */
function sidecar(stem: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES ?? '', `${stem}.json`), 'utf8'));
}

/** The first few words of a text, Markdown punctuation removed (for a rendered-text check). */
function firstWords(text: string, count = 6): string[] {
  return text
    .replace(/[*_#`>|[\]()-]/g, ' ')
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, count);
}

/** Tool names a sidecar expects, whatever its provider calls the field. */
function toolNames(meta: Record<string, unknown>): string[] {
  const lists = ['expected_tool_uses', 'expected_function_calls', 'expected_tool_calls']
    .map((key) => meta[key])
    .filter(Array.isArray) as Array<Array<Record<string, any>>>;
  return lists.flat().map((call) => call.name ?? call.function?.name).filter(Boolean);
}

type Case = { provider: string; stem: string; expect: 'answer' | 'length' | 'error' };

const CASES: Case[] = [
  { provider: 'anthropic', stem: 'anthropic-messages__thinking-signature__pydantic-ai', expect: 'answer' },
  { provider: 'anthropic', stem: 'anthropic-messages__tool-use-input-json-ping__anthropic-sdk-python', expect: 'answer' },
  { provider: 'anthropic', stem: 'anthropic-messages__max-tokens-incomplete-json__anthropic-sdk-python', expect: 'length' },
  { provider: 'responses', stem: 'openai-responses__reasoning-summary-deltas__pydantic-ai', expect: 'answer' },
  { provider: 'responses', stem: 'openai-responses__function-call-args__pydantic-ai', expect: 'answer' },
  { provider: 'responses', stem: 'openai-responses__error-rate-limit__prism', expect: 'error' },
  { provider: 'gemini', stem: 'gemini-sse__thought-summary__firebase-test-data', expect: 'answer' },
  { provider: 'gemini', stem: 'gemini-sse__function-call-thought-signature__pydantic-ai', expect: 'answer' },
  { provider: 'ollama', stem: 'ollama-chat__thinking-field__prism', expect: 'answer' },
  { provider: 'ollama', stem: 'ollama-chat__tool-calls__prism', expect: 'answer' },
  { provider: 'openai', stem: 'openai-chat__parallel-tool-calls__openai-python', expect: 'answer' },
];

for (const c of CASES) {
  test(`${c.provider}: ${c.stem}`, async ({ page }) => {
    test.skip(FIXTURES === null, 'shared fixtures absent (../shared/fixtures/provider-streams)');
    const meta = sidecar(c.stem);
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.selectModel(`${c.provider}/fake-fixture-${c.stem}`);
    const answer = await chat.send(`Replay ${uniqueTag(c.stem.slice(0, 20))}`);

    if (c.expect === 'error') {
      await chat.waitForStatus(answer, 'error');
      const alert = chat.error(answer);
      await expect(alert).toBeVisible();
      const message = (await alert.innerText()).trim();
      expect(message).not.toMatch(/[{}]/);
      expect(message.length).toBeGreaterThan(10);
      return;
    }
    await chat.waitForDone(answer);

    const text = String(meta.expected_text ?? '');
    if (text) {
      const rendered = await answer.locator('.markdown').innerText();
      for (const word of firstWords(text)) expect(rendered).toContain(word);
    }
    const thinking = String(meta.expected_thinking ?? meta.expected_reasoning ?? '');
    if (thinking) {
      const section = answer.getByTestId('thinking');
      await expect(section).toBeVisible();
      const shown = await section.locator('.thinking-text').textContent();
      expect(shown?.slice(0, 40)).toBe(thinking.slice(0, 40));
    }
    const names = toolNames(meta);
    await expect(answer.getByTestId('tool-call')).toHaveCount(names.length);
    for (const name of names) {
      await expect(answer.getByTestId('tool-call').filter({ hasText: name }).first()).toBeVisible();
    }
    if (c.expect === 'length') {
      const note = answer.getByTestId('length-note');
      await expect(note).toContainText('stopped: token limit');
      const before = (await chat.answerText(answer)).trim();
      await note.getByRole('button', { name: 'Continue' }).click();
      // The model is sent the partial answer and asked to go on; the new text is appended.
      const model = `${c.provider}/fake-fixture-${c.stem}`;
      await waitForRecord({ model, messageContains: 'Continue your previous answer' });
      await chat.waitForDone(answer);
      const after = (await chat.answerText(answer)).trim();
      expect(after.length).toBeGreaterThan(before.length);
      expect(after.startsWith(before.slice(0, 40))).toBe(true);
      await expect(chat.assistantMessages).toHaveCount(1);
    }
    await expect(chat.stats(answer)).toContainText(/in \/ \d+ out|tokens/);
  });
}
