// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { placeFieldErrors } from '../../../lib/events/field-errors';
import { emptyDraft, type EventForm as Form } from '../../../lib/events/model';
import type { ObjectProposal } from '../../../lib/events/objects';
import { labelled, mountPoint } from '../../dom.test-support';
import { EventForm, type EventFormProps } from './EventForm';

const sent: Array<{ type: string; payload: Record<string, unknown> }> = [];
let clusterAnswer: () => unknown = () => ({ matches: [], mentioned: [] });

vi.mock('../../../lib/runtime', () => ({
  sendToBackground: async (type: string, payload: Record<string, unknown>) => {
    sent.push({ type, payload });
    if (type === 'events/clusters') return { ok: true, data: clusterAnswer() };
    return { ok: true, data: [] };
  },
}));

const FILE_OBJECT: ObjectProposal = {
  key: 'file:sha256=abc|filename=a.exe',
  template: 'file',
  members: [
    {
      type: 'sha256',
      value: 'abc',
      category: 'Payload delivery',
      toIds: true,
      comment: '',
      relation: 'sha256',
    },
    {
      type: 'filename',
      value: 'a.exe',
      category: 'Payload delivery',
      toIds: false,
      comment: '',
      relation: 'filename',
    },
  ],
};
const APT28 = { value: 'APT28', galaxy: 'Threat Actor', tag: 'misp-galaxy:threat-actor="APT28"' };

describe('EventForm, the "New event" form', () => {
  const point = mountPoint();
  let form: Form;
  let patches: Array<Partial<Form>>;
  let props: Partial<EventFormProps>;

  const draw = () =>
    render(
      <EventForm
        form={form}
        onForm={(patch) => {
          patches.push(patch);
          form = { ...form, ...patch };
          draw();
        }}
        targets={[]}
        instanceId="misp-a"
        onInstance={() => {}}
        canPublish={false}
        canCreateTags={true}
        tagStates={{}}
        onTagState={() => {}}
        sharingGroups={[{ id: '7', name: 'ORGNAME and partners' }]}
        mentioned={[]}
        pageRead={true}
        reportByDefault={true}
        objects={[]}
        selected={1}
        busy={false}
        onCreate={() => {}}
        outcome={null}
        fieldErrors={{}}
        {...props}
      />,
      point.root,
    );

  beforeEach(() => {
    sent.length = 0;
    patches = [];
    props = {};
    form = emptyDraft({ id: 1, url: 'https://blog.example/a', title: 'A report' }, crypto.randomUUID()).form;
  });

  it("shows MISP's field error under the field it names, and the field says it is invalid", () => {
    const placed = placeFieldErrors([
      'Event.info: must not be empty',
      'Event.date: Expected date format',
      'Something else',
    ]);
    expect(placed.other).toEqual(['Something else']);
    props = { fieldErrors: placed.fields };
    draw();
    const info = labelled<HTMLInputElement>(point.root, 'Event info');
    expect(info.getAttribute('aria-invalid')).toBe('true');
    expect(point.root.querySelector(`#${info.getAttribute('aria-describedby')}`)?.textContent).toBe(
      'MISP: must not be empty',
    );
    expect(point.root.querySelector('#event-date-error')?.textContent).toBe('MISP: Expected date format');
    expect(labelled(point.root, 'Threat level').getAttribute('aria-invalid')).toBeNull();
    props = {};
    draw();
    expect(info.getAttribute('aria-invalid')).toBeNull();
    expect(point.root.querySelector('#event-info-error')).toBeNull();
  });

  it('offers "Sharing group" only when Distribution is "Sharing group", with the instance\'s groups', async () => {
    draw();
    expect(() => labelled(point.root, 'Sharing group')).toThrow();
    const distribution = labelled<HTMLSelectElement>(point.root, 'Distribution');
    await act(() => {
      distribution.value = '4';
      distribution.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(patches).toContainEqual({ distribution: 4 });
    const groups = labelled<HTMLSelectElement>(point.root, 'Sharing group');
    expect([...groups.options].map((option) => option.textContent)).toEqual([
      'Choose…',
      'ORGNAME and partners',
    ]);
    await act(() => {
      groups.value = '7';
      groups.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(form.sharingGroupId).toBe('7');
  });

  it('"Attach page as event report" follows the page until the analyst chooses; page extras need a read page', async () => {
    draw();
    const report = labelled<HTMLInputElement>(point.root, 'Attach page as event report');
    expect(report.checked).toBe(true);
    await act(() => report.click());
    expect(patches).toContainEqual({ attachReport: false });
    expect(report.checked).toBe(false);
    props = { pageRead: false };
    draw();
    expect(() => labelled(point.root, 'Attach page as event report')).toThrow();
    expect(() => labelled(point.root, 'Group into objects')).toThrow();
  });

  it('shows the objects before filing, undoes and redoes one, and hides them when grouping is off', async () => {
    props = { objects: [FILE_OBJECT] };
    draw();
    const list = point.root.querySelector('[aria-label="Objects"]');
    expect(list?.querySelector('li')?.getAttribute('aria-label')).toBe('file object: abc, a.exe');
    await act(() =>
      point.root.querySelector<HTMLButtonElement>('[aria-label="Undo file object: abc, a.exe"]')?.click(),
    );
    expect(form.ungrouped).toEqual([FILE_OBJECT.key]);
    await act(() =>
      point.root
        .querySelector<HTMLButtonElement>('[aria-label="Group again: file object: abc, a.exe"]')
        ?.click(),
    );
    expect(form.ungrouped).toEqual([]);
    await act(() => labelled<HTMLInputElement>(point.root, 'Group into objects').click());
    expect(form.groupObjects).toBe(false);
    expect(point.root.querySelector('[aria-label="Objects"]')).toBeNull();
  });

  it('"Galaxy clusters" offers what the page mentions first, then searches, and keeps choices as chips', async () => {
    vi.useFakeTimers();
    props = { mentioned: [APT28] };
    draw();
    const input = labelled<HTMLInputElement>(point.root, 'Galaxy clusters');
    expect(input.getAttribute('role')).toBe('combobox');
    await act(() => {
      input.dispatchEvent(new Event('focus'));
    });
    const mentioned = point.root.querySelector('#event-clusters-options');
    expect(mentioned?.getAttribute('aria-label')).toBe('Mentioned on this page');
    expect(mentioned?.querySelector('[role="option"]')?.textContent).toContain('APT28');
    // Typing searches the instance's clusters (synonyms included, on the background's side).
    clusterAnswer = () => ({ matches: [{ ...APT28, matched: 'Fancy Bear' }], mentioned: [] });
    await act(() => {
      input.value = 'Fancy Bear';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      vi.advanceTimersByTime(250);
    });
    await act(async () => {});
    expect(sent).toContainEqual({
      type: 'events/clusters',
      payload: { search: 'Fancy Bear', instanceId: 'misp-a' },
    });
    const option = point.root.querySelector('#event-clusters-options [role="option"]');
    expect(option?.textContent).toContain('(Fancy Bear)');
    await act(() => {
      option?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    });
    expect(form.clusters).toEqual([{ tag: APT28.tag, value: 'APT28', galaxy: 'Threat Actor' }]);
    expect(point.root.querySelector('[aria-label="Chosen galaxy clusters"]')?.textContent).toContain(
      'Threat Actor',
    );
    await act(() =>
      point.root.querySelector<HTMLButtonElement>('[aria-label="Remove cluster APT28"]')?.click(),
    );
    expect(form.clusters).toEqual([]);
  });
});
