/**
 * Conversations that persist: history survives a reload (rendered on the server at /c/{id}),
 * the sidebar renames, deletes and searches, regenerate and edit keep earlier versions as
 * siblings behind a "2 / 2" switcher, a system prompt reaches the model, and export downloads
 * files.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ChatPage } from '../pages/chat-page';
import { Sidebar, Versions } from '../pages/sidebar';
import { MODELS } from '../support/constants';
import { uniqueTag } from '../support/env';
import { waitForRecord } from '../support/fake-upstream';

test('a conversation survives reload, rendered by the server and still usable', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const question = `Remember the tides ${uniqueTag('reload')}`;
  const answer = await chat.send(question);
  await chat.waitForDone(answer);
  const text = (await chat.answerText(answer)).trim();
  const id = await sidebar.currentId();
  await expect(sidebar.itemById(id)).toBeVisible();
  await expect(sidebar.title).toHaveText(/Remember the tides/);

  // The server renders the stored conversation into the HTML itself.
  const html = await (await page.request.get(`/c/${id}`)).text();
  expect(html).toContain(question);
  expect(html).toContain('data-status="done"');

  await page.reload();
  await chat.waitForHydration();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.lastUser).toContainText(question);
  await expect(chat.lastAssistant).toHaveAttribute('data-status', 'done');
  expect((await chat.answerText()).trim()).toBe(text);
  await expect(chat.stats()).toBeVisible();

  // A follow-up after the reload joins the same conversation.
  const followUp = await chat.send('And the moon?');
  await chat.waitForDone(followUp);
  expect(await sidebar.currentId()).toBe(id);
  await page.reload();
  await chat.waitForHydration();
  await expect(chat.userMessages).toHaveCount(2);

  // An unknown conversation is a clear 404 page, not a crash.
  const missing = await page.goto('/c/00000000-0000-4000-8000-000000000000');
  expect(missing?.status()).toBe(404);
  await expect(page.getByText('That conversation or message does not exist.')).toBeVisible();
});

test('sidebar: new chat, rename, search and delete with confirm', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const tag = uniqueTag('side');
  await chat.waitForDone(await chat.send(`Alpha topic ${tag}`));
  const first = await sidebar.currentId();

  await sidebar.newChatButton.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(chat.messages).toHaveCount(0);
  await chat.waitForDone(await chat.send(`Beta topic ${tag}`));
  const second = await sidebar.currentId();
  expect(second).not.toBe(first);

  // Newest first, under "Today".
  const ids = await sidebar.items.evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
  expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
  await expect(sidebar.root.getByRole('heading', { name: 'Today' })).toBeVisible();

  // Clicking an entry opens it.
  await sidebar.itemById(first).getByTestId('conversation-link').click();
  await expect(page).toHaveURL(new RegExp(`/c/${first}$`));
  await expect(chat.lastUser).toContainText('Alpha topic');

  await sidebar.rename(sidebar.itemById(first), `Renamed ${tag}`);
  await expect(sidebar.itemById(first)).toContainText(`Renamed ${tag}`);
  await expect(sidebar.title).toHaveText(`Renamed ${tag}`);
  await page.reload();
  await chat.waitForHydration();
  await expect(sidebar.itemById(first)).toContainText(`Renamed ${tag}`);

  // Search matches titles and message content.
  await sidebar.search.fill(`Renamed ${tag}`);
  await expect(sidebar.items).toHaveCount(1);
  await sidebar.search.fill(`Beta topic ${tag}`);
  await expect(sidebar.items).toHaveCount(1);
  await expect(sidebar.itemById(second)).toBeVisible();
  await sidebar.search.fill(`nothing-matches-${tag}`);
  await expect(sidebar.root.getByTestId('sidebar-empty')).toBeVisible();
  await sidebar.search.fill('');

  // Delete asks first; Cancel keeps it, confirming removes it and leaves the open chat.
  const entry = sidebar.itemById(first);
  await entry.hover();
  await entry.getByTestId('delete-conversation').click();
  await entry.getByRole('button', { name: 'Cancel' }).click();
  await expect(entry).toBeVisible();
  await sidebar.delete(entry);
  await expect(sidebar.itemById(first)).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
  await expect(chat.messages).toHaveCount(0);
  const gone = await page.goto(`/c/${first}`);
  expect(gone?.status()).toBe(404);
});

test('regenerate and edit keep earlier versions behind a switcher', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  const tag = uniqueTag('branch');
  const answer = await chat.send(`first ${tag}`);
  await chat.waitForDone(answer);

  // Regenerate: a second answer to the same message.
  await answer.getByTestId('regenerate').click();
  await chat.waitForDone(chat.lastAssistant);
  await expect(chat.assistantMessages).toHaveCount(1);
  const answerVersions = new Versions(chat.lastAssistant);
  await expect(answerVersions.position).toHaveText('2 / 2');
  await answerVersions.previous.click();
  await expect(answerVersions.position).toHaveText('1 / 2');
  await answerVersions.next.click();
  await expect(answerVersions.position).toHaveText('2 / 2');

  // Edit: the user message gets a sibling with its own answer.
  await chat.lastUser.getByTestId('edit-message').click();
  await chat.lastUser.getByTestId('edit-input').fill(`second ${tag}`);
  await chat.lastUser.getByTestId('edit-save').click();
  await chat.waitForDone(chat.lastAssistant);
  await expect(chat.lastUser).toContainText(`second ${tag}`);
  expect((await chat.answerText()).trim()).toBe(`second ${tag}`);
  const questionVersions = new Versions(chat.lastUser);
  await expect(questionVersions.position).toHaveText('2 / 2');
  await questionVersions.previous.click();
  await expect(chat.lastUser).toContainText(`first ${tag}`);
  expect((await chat.answerText()).trim()).toBe(`first ${tag}`);
  await expect(new Versions(chat.lastAssistant).position).toHaveText('2 / 2');

  // The tree survives a reload (the newest branch is shown).
  await page.reload();
  await chat.waitForHydration();
  await expect(new Versions(chat.lastUser).position).toHaveText('2 / 2');
  await expect(chat.lastUser).toContainText(`second ${tag}`);
});

test('a system prompt set before the first message is sent with every request', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  await page.getByTestId('settings-toggle').click();
  const prompt = `Talk like a pirate ${uniqueTag('sys')}`;
  await page.getByTestId('system-prompt-input').fill(prompt);
  await page.getByTestId('settings-save').click();
  const question = `ahoy ${uniqueTag('sys')}`;
  await chat.waitForDone(await chat.send(question));
  const record = await waitForRecord({ model: MODELS.echo, messageContains: question });
  expect(JSON.stringify(record.body)).toContain(prompt);

  await page.reload();
  await chat.waitForHydration();
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('system-prompt-input')).toHaveValue(prompt);
});

test('export downloads Markdown and JSON files of the conversation', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const question = `Export me ${uniqueTag('export')}`;
  await chat.waitForDone(await chat.send(question));
  await sidebar.currentId();

  for (const [testId, extension] of [
    ['export-markdown', '.md'],
    ['export-json', '.json'],
  ]) {
    const download = page.waitForEvent('download');
    await page.getByTestId(testId).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(new RegExp(`\\${extension}$`));
    const content = readFileSync(await file.path(), 'utf8');
    expect(content).toContain(question);
  }
});

test('a preset saves a name, system prompt and model, and starts a chat with them', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.selectModel(MODELS.echo);
  await page.getByTestId('presets-toggle').click();
  const panel = page.getByTestId('presets-panel');
  const name = `Pirate ${uniqueTag('preset')}`;
  const prompt = `Always answer like a pirate ${uniqueTag('preset')}`;
  await panel.getByTestId('preset-name-input').fill(name);
  await panel.getByTestId('preset-prompt-input').fill(prompt);
  await panel.getByTestId('preset-save').click();
  const item = panel.getByTestId('preset-item').filter({ hasText: name });
  await expect(item).toBeVisible();

  // The same name again is refused with a clear message.
  await panel.getByTestId('preset-name-input').fill(name);
  await panel.getByTestId('preset-save').click();
  await expect(panel.getByTestId('preset-error')).toContainText('already exists');

  // Start from the preset in another model: the picker and the system prompt follow it.
  await chat.selectModel(MODELS.demo);
  await item.getByTestId('preset-start').click();
  await expect(chat.modelPicker).toHaveValue(MODELS.echo);
  const question = `hello ${uniqueTag('preset')}`;
  await chat.waitForDone(await chat.send(question));
  const record = await waitForRecord({ model: MODELS.echo, messageContains: question });
  expect(JSON.stringify(record.body)).toContain(prompt);
});

test('an exported JSON file imports back as a new conversation; a bad file is refused clearly', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  const question = `Round trip ${uniqueTag('import')}`;
  await chat.waitForDone(await chat.send(question));
  const original = await sidebar.currentId();
  const answer = (await chat.answerText()).trim();

  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const exported = await (await download).path();

  const input = sidebar.root.getByTestId('import-input');
  await input.setInputFiles(exported);
  await expect(page).not.toHaveURL(new RegExp(`/c/${original}$`));
  const imported = await sidebar.currentId();
  expect(imported).not.toBe(original);
  await expect(chat.lastUser).toContainText(question);
  expect((await chat.answerText()).trim()).toBe(answer);
  await expect(sidebar.itemById(imported)).toBeVisible();

  const before = await sidebar.items.count();
  await input.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "something-else"'),
  });
  await expect(sidebar.root.getByTestId('import-error')).toContainText(/JSON/);
  await expect(sidebar.items).toHaveCount(before);
  expect(await sidebar.currentId()).toBe(imported);
});

test('an oversized message is refused clearly, stored nowhere, and handed back to the composer', async ({ page }) => {
  const chat = new ChatPage(page);
  const sidebar = new Sidebar(page);
  await chat.goto();
  await chat.selectModel(MODELS.demo);
  await expect(sidebar.root.getByTestId('conversation-item').first().or(sidebar.root.getByTestId('sidebar-empty'))).toBeVisible();
  const before = await sidebar.items.count();
  const huge = `${uniqueTag('huge')} ${'x'.repeat(70 * 1024)}`;
  const answer = await chat.send(huge);
  await chat.waitForStatus(answer, 'error');
  await expect(chat.error(answer)).toContainText('too long');
  await expect(chat.composer).toHaveValue(huge);
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await chat.waitForHydration();
  await expect(sidebar.items).toHaveCount(before);
});

test('stored conversations of every kind hydrate without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Different prompts pick different demo answers (tables, code, lists, quotes); the picker's
  // default model differs from the conversation's, which must not change what hydrates.
  for (let n = 0; n < 6; n++) {
    const response = await page.request.post('/api/chat/stream', {
      data: { model: MODELS.demo, action: { type: 'send', content: `Hydration probe ${n} ${uniqueTag('hyd')}` } },
    });
    const id = /"conversation_id":"([0-9a-f-]{36})"/.exec(await response.text())?.[1];
    expect(id, 'the stream names its conversation').toBeTruthy();
    await page.goto(`/c/${id}`);
    await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
    await expect(page.getByTestId('message-list').locator('article[data-role="assistant"][data-status="done"]')).toHaveCount(1);
    await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue(MODELS.demo);
  }
  expect(errors, errors.join('\n')).toEqual([]);
});
