import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, evaluated (not injected as a <script>: extension pages' CSP forbids it). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (all its default rules) on the page, or on `selector` within it, and returns the
 * violations whose impact is serious or critical.
 */
export async function seriousViolations(page: Page, selector?: string): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  const all = await page.evaluate(async (scope) => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: object,
          ): Promise<{
            violations: Array<{
              id: string;
              impact: string | null;
              help: string;
              nodes: Array<{ target: unknown[] }>;
            }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(scope ? { include: [[scope]] } : document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  }, selector ?? null);
  return all.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}
