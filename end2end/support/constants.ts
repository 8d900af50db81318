/**
 * Values shared by the Playwright config (which starts the servers) and the specs.
 */

/** The upstream API key the app is started with; it must never reach the browser. */
export const E2E_API_KEY = 'sk-e2e-secret-0123456789';

/** Model ids as the app's picker lists them (`<provider>/<model>`). */
export const MODELS = {
  markdown: 'openai/fake-markdown',
  slow: 'openai/fake-slow',
  steady: 'openai/fake-steady',
  steadyLong: 'openai/fake-steady-long',
  stall: 'openai/fake-stall',
  error: 'openai/fake-error',
  drop: 'openai/fake-drop',
  echo: 'openai/fake-echo',
  unauthorized: 'openai/fake-unauthorized',
  demo: 'demo/sluice-demo',
} as const;

/** The whole answer of `fake-steady`: "w1 w2 … w150". */
export const STEADY_TEXT = Array.from({ length: 150 }, (_, i) => `w${i + 1}`).join(' ');

/** The whole answer of `fake-steady-long` (about 20 s): "w1 w2 … w500". */
export const STEADY_LONG_TEXT = Array.from({ length: 500 }, (_, i) => `w${i + 1}`).join(' ');
