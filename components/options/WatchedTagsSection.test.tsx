// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RuleView, WatchView } from '../../lib/watch/model';
import { WatchedTagsSection } from './WatchedTagsSection';
import { RuleEditor } from './watch/RuleEditor';

const sent: Array<{ type: string; payload: Record<string, unknown> }> = [];
let view: WatchView;

vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string, payload: Record<string, unknown>) => {
    sent.push({ type, payload });
    switch (type) {
      case 'watch/get':
        return { ok: true, data: view };
      case 'watch/test':
        return {
          ok: true,
          data: {
            ruleName: 'Active threats',
            instances: [
              {
                name: 'MISP A',
                baselined: ['active-threat'],
                absorbed: 2,
                wouldNotify: [
                  { title: 'Watched tag: active-threat', message: 'Event 9\nCIRCL · Threat level: High' },
                ],
              },
            ],
          },
        };
      case 'watch/save-rule':
        return { ok: true, data: { ...(payload.rule as object), id: 'new', startedAt: Date.now() } };
      case 'tags/search':
        return { ok: true, data: [] };
      default:
        return { ok: true, data: {} };
    }
  },
}));

const RULE: RuleView = {
  id: 'r1',
  name: 'Active threats',
  tags: ['active-threat', 'tlp:red'],
  tagMatch: 'all',
  minThreatLevel: 1,
  orgs: ['CIRCL'],
  publishedOnly: false,
  newAttributesOnly: true,
  instanceIds: ['a'],
  startedAt: Date.UTC(2026, 10, 24, 9, 0),
};
const INSTANCES = [
  { id: 'a', name: 'MISP A' },
  { id: 'b', name: 'MISP B' },
];

function byText<T extends HTMLElement>(root: HTMLElement, selector: string, text: string): T {
  const found = [...root.querySelectorAll<T>(selector)].find((item) => item.textContent?.trim() === text);
  if (!found) throw new Error(`no ${selector} "${text}"`);
  return found;
}
/** A checkbox or radio by the text of the label around it. */
function choice(root: HTMLElement, text: string): HTMLInputElement {
  const input = byText<HTMLLabelElement>(root, 'label', text).querySelector('input');
  if (!input) throw new Error(`no choice "${text}"`);
  return input;
}
function field(root: HTMLElement, text: string): HTMLInputElement | HTMLSelectElement {
  const label = byText<HTMLLabelElement>(root, 'label', text);
  const input = root.querySelector<HTMLInputElement | HTMLSelectElement>(`#${label.htmlFor}`);
  if (!input) throw new Error(`no field "${text}"`);
  return input;
}
async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

describe('the options’ watch rules', () => {
  let root: HTMLElement;
  beforeEach(() => {
    sent.length = 0;
    view = {
      rules: [RULE],
      intervalMinutes: 5,
      instances: [{ id: 'a', name: 'MISP A', lastSuccessAt: Date.now() }],
    };
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  it('lists each rule with its tags as chips, its conditions, and buttons named after it', async () => {
    await act(() => render(<WatchedTagsSection />, root));
    await settle();
    const chips = root.querySelector('[aria-label="Tags of rule Active threats"]');
    expect([...(chips?.querySelectorAll('.sl-chip') ?? [])].map((chip) => chip.textContent)).toEqual([
      'active-threat',
      'tlp:red',
    ]);
    expect(root.textContent).toContain(
      'all of active-threat, tlp:red · threat level High or higher · created by CIRCL · only with new attributes on MISP A',
    );
    const buttons = [...root.querySelectorAll('button')].map((button) => button.textContent);
    expect(buttons).toEqual(
      expect.arrayContaining([
        'Test rule Active threats',
        'Edit rule Active threats',
        'Remove rule Active threats',
      ]),
    );
    expect(buttons).not.toContain('Test');
  });

  it('"Test rule …" shows what the rule would notify on each instance', async () => {
    await act(() => render(<WatchedTagsSection />, root));
    await settle();
    await act(() => byText<HTMLButtonElement>(root, 'button', 'Test rule Active threats').click());
    await settle();
    expect(sent.find((message) => message.type === 'watch/test')?.payload).toEqual({ ruleId: 'r1' });
    expect(root.querySelector('[aria-label="Would notify"]')?.textContent).toContain('Event 9');
    expect(root.textContent).toContain('2 events from before you started watching will not be notified');
  });

  it('says why notifications are not shown when the browser refuses them', async () => {
    view = { ...view, notificationProblem: 'Notifications from Sightline are turned off in the browser.' };
    await act(() => render(<WatchedTagsSection />, root));
    await settle();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('turned off');
  });

  it('with no rule yet, the new-rule form is open; "Add rule" needs a tag first', async () => {
    view = { ...view, rules: [] };
    await act(() => render(<WatchedTagsSection />, root));
    await settle();
    const form = root.querySelector('form[aria-label="New rule"]');
    expect(form).not.toBeNull();
    await act(() => byText<HTMLButtonElement>(root, 'button', 'Add rule').click());
    await settle();
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Add at least one tag to watch.');
    expect(sent.some((message) => message.type === 'watch/save-rule')).toBe(false);
  });
});

describe('RuleEditor', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  it('sends the rule as edited: all tags, threat level, organisations, switches, instances', async () => {
    const saved: unknown[] = [];
    render(
      <RuleEditor
        rule={{ ...RULE, tagMatch: 'any', minThreatLevel: undefined, orgs: [], newAttributesOnly: false }}
        instances={INSTANCES}
        onSave={async (rule) => {
          saved.push(rule);
          return rule;
        }}
      />,
      root,
    );
    await act(() => choice(root, 'All of these tags').click());
    const threat = field(root, 'Minimum threat level') as HTMLSelectElement;
    await act(() => {
      threat.value = '2';
      threat.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const orgs = field(root, 'Creator organisations') as HTMLInputElement;
    await act(() => {
      orgs.value = ' CIRCL, CERT-EU ,';
      orgs.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => choice(root, 'Only published events').click());
    await act(() => choice(root, 'Only events with new attributes since I last saw them').click());
    await act(() => choice(root, 'MISP B').click());
    await act(() => byText<HTMLButtonElement>(root, 'button', 'Save rule').click());
    await settle();
    expect(saved).toEqual([
      {
        id: 'r1',
        name: 'Active threats',
        tags: ['active-threat', 'tlp:red'],
        tagMatch: 'all',
        minThreatLevel: 2,
        orgs: ['CIRCL', 'CERT-EU'],
        publishedOnly: true,
        newAttributesOnly: true,
        instanceIds: ['a', 'b'],
      },
    ]);
    expect(choice(root, 'Only published events').getAttribute('role')).toBe('switch');
  });
});
