/**
 * axe-core in Playwright (`@axe-core/playwright`): WCAG 2.0/2.1 A and AA rules on the page as
 * it is, in the light and the dark colour scheme, failing with every violation of impact
 * serious or critical (rule, help, elements). Used by a11y.spec.ts (desktop) and
 * phone.spec.ts (the phone layout: drawer and "⋯" menu open).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];

/** One violation, readable: rule, impact, help, and each element with axe's summary. */
function describe(violation: {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}): string {
  const nodes = violation.nodes
    .map((node) => `    ${JSON.stringify(node.target)}: ${(node.failureSummary ?? '').replace(/\n/g, ' ')}`)
    .join('\n');
  return `  ${violation.id} (${violation.impact}): ${violation.help}\n${nodes}`;
}

/** Runs axe in both colour schemes and fails with every serious or critical violation. */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    for (const violation of results.violations) {
      if (violation.impact === 'serious' || violation.impact === 'critical') {
        found.push(`${label} (${colorScheme}):\n${describe(violation)}`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: null });
  expect(found, `axe found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
}
