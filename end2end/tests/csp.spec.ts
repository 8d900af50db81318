/**
 * Content-Security-Policy: the chat page and a conversation page load, hydrate, stream and
 * re-render under the app's strict policy without a single violation report or console error,
 * each page load gets its own nonce, and the policy is really enforced (a script injected
 * without the nonce does not run).
 */
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from '../pages/chat-page';
import { MODELS } from '../support/constants';

/** Records `securitypolicyviolation` events from the first script on. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? ['watcher missing']);
}

/** The nonce of the policy in a response's headers. */
function nonceOf(policy: string | undefined): string {
  expect(policy, 'a Content-Security-Policy header').toBeTruthy();
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("img-src 'self' data:");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([A-Za-z0-9_+/=-]+)'/.exec(policy ?? '')?.[1];
  expect(nonce, 'a nonce source').toBeTruthy();
  return nonce ?? '';
}

test('chat and conversation pages work under the policy without violations', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /content.security.policy/i.test(message.text())) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await watchViolations(page);

  const first = await page.goto('/');
  const firstNonce = nonceOf(first?.headers()['content-security-policy']);
  const chat = new ChatPage(page);
  await expect(chat.composer).toBeVisible();
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');

  await chat.selectModel(MODELS.markdown);
  const answer = await chat.send('Show me some Markdown under a strict policy');
  await chat.waitForDone(answer);
  await expect(chat.markdown(answer).locator('table')).toHaveCount(1);
  await expect(chat.markdown(answer).locator('pre code')).toHaveCount(1);
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);

  // The conversation page, rendered by the server and hydrated, with its own nonce.
  const second = await page.reload();
  const secondNonce = nonceOf(second?.headers()['content-security-policy']);
  expect(secondNonce).not.toEqual(firstNonce);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await expect(chat.assistantMessages.first()).toHaveAttribute('data-status', 'done');
  await expect(chat.markdown(chat.assistantMessages.first()).locator('table')).toHaveCount(1);

  expect(await violations(page), 'CSP violations').toEqual([]);
  expect(problems, problems.join('\n')).toEqual([]);
});

test('a script injected without the nonce does not run', async ({ page }) => {
  await watchViolations(page);
  await page.goto('/');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injectedRan = true;';
    document.body.appendChild(script);
    const image = document.createElement('img');
    image.src = 'https://attacker.example/pixel.png';
    document.body.appendChild(image);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (window as unknown as { __injectedRan?: boolean }).__injectedRan === true;
  });
  expect(ran, 'inline script without nonce ran').toBe(false);
  const reported = await violations(page);
  expect(reported.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(reported.some((v) => v.startsWith('img-src') && v.includes('attacker.example'))).toBe(true);
});
