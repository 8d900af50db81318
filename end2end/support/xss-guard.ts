/**
 * Tripwires for the XSS suite.
 *
 * - An init script watches every DOM change for dangerous elements/attributes inside
 *   `.markdown`, so even a node that exists for one frame mid-stream is caught.
 * - `dialog` events (alert/confirm/prompt) are recorded and dismissed; in the page, `alert`,
 *   `confirm`, `prompt` and `print` are replaced by tripwires that set `window.__xss`,
 *   so script execution is caught even when it opens no dialog.
 * - Any request (or WebSocket) to a host other than the app's is recorded and aborted (routes
 *   block every foreign host, so nothing leaves the machine even if a payload got through).
 * - `scanMarkdown` checks the settled DOM after each answer.
 */
import type { Page } from '@playwright/test';

/** Elements that must never appear inside model-rendered Markdown. */
export const FORBIDDEN_TAGS = [
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal',
  'svg', 'math', 'img', 'image', 'picture', 'video', 'audio', 'source', 'track', 'canvas',
  'form', 'textarea', 'select', 'style', 'link', 'meta', 'base', 'noscript', 'template',
  'details', 'dialog', 'marquee', 'html', 'head', 'body',
];

/**
 * Runs in the page (also serialized into the init script): returns a description of every
 * problem found in `root`'s `.markdown` subtrees. Kept self-contained (no closures).
 */
function findProblems(root: ParentNode, forbidden: string[]): string[] {
  const problems: string[] = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'poster', 'data', 'background', 'xlink:href', 'srcset'];
  const normalize = (value: string) =>
    // eslint-disable-next-line no-control-regex
    value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, '').toLowerCase();
  const describe = (el: Element) => el.outerHTML.slice(0, 160);
  const check = (el: Element) => {
    if (!el.closest('.markdown')) return;
    const tag = el.localName.toLowerCase();
    if (forbidden.includes(tag)) problems.push(`forbidden <${tag}>: ${describe(el)}`);
    if (tag === 'input' && (el.getAttribute('type') ?? '').toLowerCase() !== 'checkbox') {
      problems.push(`non-checkbox <input>: ${describe(el)}`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`event handler attribute ${name}: ${describe(el)}`);
      if (name === 'srcdoc' || name === 'formaction') problems.push(`attribute ${name}: ${describe(el)}`);
      if (urlAttributes.includes(name)) {
        const value = normalize(attr.value);
        const scheme = /^([a-z][a-z0-9+.-]*):/.exec(value)?.[1];
        const ok = scheme === undefined || ['http', 'https', 'mailto'].includes(scheme);
        if (!ok) problems.push(`unsafe ${name}="${attr.value}": ${describe(el)}`);
      }
    }
  };
  if (root instanceof Element) check(root);
  root.querySelectorAll('*').forEach(check);
  return problems;
}

/**
 * Runs in the page before any app script: exposes `findProblems` as
 * `window.__sluiceFindProblems` and records problems in nodes as they are added or changed.
 */
function installObserver(find: (root: ParentNode, forbidden: string[]) => string[], forbidden: string[]): void {
  const w = window as unknown as {
    __sluiceXssViolations: string[];
    __sluiceFindProblems: (root: ParentNode) => string[];
  };
  w.__sluiceXssViolations = [];
  w.__sluiceFindProblems = (root: ParentNode) => find(root, forbidden);
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const targets: Node[] = mutation.type === 'attributes' ? [mutation.target] : Array.from(mutation.addedNodes);
      for (const node of targets) {
        if (node instanceof Element) {
          for (const problem of find(node, forbidden)) w.__sluiceXssViolations.push(`live: ${problem}`);
        }
      }
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/**
 * Runs in the page before any app script: functions payloads call (`alert(1)`,
 * `print()`) now only record that they were called, in `window.__xss`.
 */
function installTripwires(): void {
  const w = window as unknown as Record<string, unknown>;
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    w[name] = (...args: unknown[]) => {
      w.__xss = `${name}(${args.map(String).join(', ')})`;
      return undefined;
    };
  }
}

/** Installs the guards on `page` (call before `goto`). */
export async function installXssGuard(page: Page, appOrigin: string): Promise<XssGuard> {
  const guard = new XssGuard(page);
  const appHost = new URL(appOrigin).host;

  page.on('dialog', (dialog) => {
    guard.record(`dialog ${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => undefined);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (url.host !== appHost) guard.record(`request to foreign host: ${request.method()} ${request.url()}`);
  });
  page.on('websocket', (socket) => {
    const url = new URL(socket.url());
    if (url.host !== appHost) guard.record(`websocket to foreign host: ${socket.url()}`);
  });
  page.on('pageerror', (error) => guard.noteConsole(`pageerror: ${error.message}`));

  await page.route(
    (url) => !['data:', 'blob:', 'about:'].includes(url.protocol) && url.host !== appHost,
    (route) => {
      guard.record(`blocked request to foreign host: ${route.request().method()} ${route.request().url()}`);
      return route.abort('blockedbyclient');
    },
  );

  // Injected as script text (not via eval in the page), so an app CSP cannot block it.
  await page.addInitScript({
    content:
      `(${installObserver.toString()})(${findProblems.toString()}, ${JSON.stringify(FORBIDDEN_TAGS)});` +
      `(${installTripwires.toString()})();`,
  });
  return guard;
}

/** Collected violations for one page. */
export class XssGuard {
  private readonly page: Page;
  private readonly problems: string[] = [];
  /** Page errors are not violations by themselves but help explain a failure. */
  readonly pageErrors: string[] = [];

  constructor(page: Page) {
    this.page = page;
  }

  record(problem: string): void {
    this.problems.push(problem);
  }

  noteConsole(line: string): void {
    this.pageErrors.push(line);
  }

  /** Everything seen so far: Node-side events, the live DOM observer and a settled-DOM scan. */
  async collect(): Promise<string[]> {
    const inPage = await this.page.evaluate(() => {
      const w = window as unknown as {
        __sluiceXssViolations?: string[];
        __sluiceFindProblems?: (root: ParentNode) => string[];
        __xss?: unknown;
      };
      if (!w.__sluiceFindProblems) return ['xss guard init script did not run'];
      const settled = w.__sluiceFindProblems(document).map((p) => `settled: ${p}`);
      const xssFlag = w.__xss === undefined ? [] : [`window.__xss is set: ${String(w.__xss)}`];
      return [...(w.__sluiceXssViolations ?? []), ...settled, ...xssFlag];
    });
    return [...this.problems, ...inPage];
  }
}
