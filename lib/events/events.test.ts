import { describe, expect, it } from 'vitest';
import { refangValue } from '../indicators';
import { buildSubmission, defaultChoice, eventTags, linkAttribute, validChoice } from './build';
import { defang, toCsv, toDefangedText, toMispEventJson } from './export';
import { type Draft, emptyDraft } from './model';
import { PAP_CHOICES, TLP_CHOICES } from './taxonomies';

const KEY = '0b8a6c1e-7f0e-4d7e-9f3b-2d6a8b1c4e5f';
const tab = { id: 7, url: 'https://vendor.example/report', title: ' Chaes IoCs ' };

function draftWith(selected: Draft['selected'], patch: Partial<Draft['form']> = {}): Draft {
  const base = emptyDraft(tab, KEY);
  return { ...base, selected, form: { ...base.form, ...patch } };
}

describe('TLP and PAP from the taxonomies', () => {
  it('offers the TLP 2.0 levels and PAP levels with MISP tag spelling', () => {
    expect(TLP_CHOICES.map((choice) => choice.tag)).toEqual([
      'tlp:clear',
      'tlp:green',
      'tlp:amber',
      'tlp:amber+strict',
      'tlp:red',
    ]);
    expect(PAP_CHOICES.map((choice) => choice.tag)).toEqual([
      'PAP:CLEAR',
      'PAP:GREEN',
      'PAP:AMBER',
      'PAP:RED',
    ]);
    expect(TLP_CHOICES[0]?.description).toContain('TLP:CLEAR');
  });
});

describe('building an event from a draft', () => {
  const listed = [
    { type: 'ipv4' as const, value: '176.123.8.149' },
    { type: 'domain' as const, value: 'f84f305c.com' },
    { type: 'sha256' as const, value: 'f'.repeat(64) },
  ];

  it('prefills info from the page title and dates today', () => {
    const draft = emptyDraft(tab, KEY);
    expect(draft.form.info).toBe('Chaes IoCs');
    expect(draft.form.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('files the selection with the chosen types, categories, to_ids and comments, plus the page link', () => {
    const draft = draftWith(
      {
        '176.123.8.149': { type: 'ip-src', category: 'Network activity', toIds: true, comment: ' C2 ' },
        'f84f305c.com': defaultChoice(listed[1]!),
      },
      { tlp: 'amber+strict', pap: 'GREEN', tags: ['misp-galaxy:threat-actor="X"', 'tlp:amber+strict'] },
    );
    const built = buildSubmission(draft, listed, { canPublish: false });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.submission.key).toBe(KEY);
    expect(built.submission.attributes).toEqual([
      { type: 'ip-src', value: '176.123.8.149', category: 'Network activity', toIds: true, comment: 'C2' },
      { type: 'domain', value: 'f84f305c.com', category: 'Network activity', toIds: true, comment: '' },
      {
        type: 'link',
        value: 'https://vendor.example/report',
        category: 'External analysis',
        toIds: false,
        comment: 'Source page',
      },
    ]);
    expect(built.submission.tags).toEqual(['tlp:amber+strict', 'PAP:GREEN', 'misp-galaxy:threat-actor="X"']);
  });

  it('never publishes without the permission, and needs info and a selection', () => {
    const draft = draftWith({ 'f84f305c.com': defaultChoice(listed[1]!) }, { publish: true });
    const denied = buildSubmission(draft, listed, { canPublish: false });
    expect(denied.ok && denied.submission.published).toBe(false);
    const allowed = buildSubmission(draft, listed, { canPublish: true });
    expect(allowed.ok && allowed.submission.published).toBe(true);
    const empty = buildSubmission(draftWith({}, { info: '  ' }), listed, { canPublish: true });
    expect(empty).toEqual({
      ok: false,
      problems: ['Enter the event info.', 'Select at least one indicator.'],
    });
  });

  it('repairs a type or category the value may not take', () => {
    const ip = listed[0]!;
    expect(
      validChoice(ip, { type: 'sha256', category: 'Payload delivery', toIds: true, comment: 'x' }),
    ).toEqual({
      ...defaultChoice(ip),
      comment: 'x',
    });
    expect(
      validChoice(ip, { type: 'ip-dst', category: 'Financial fraud', toIds: false, comment: '' }),
    ).toEqual({
      type: 'ip-dst',
      category: 'Network activity',
      toIds: false,
      comment: '',
    });
  });

  it('adds a link only for web pages, and tags once each', () => {
    expect(linkAttribute('chrome://newtab')).toBeUndefined();
    expect(linkAttribute('http://a.example/')?.type).toBe('link');
    expect(eventTags({ ...emptyDraft(tab, KEY).form, tlp: '', tags: ['a', ' a ', 'B'] })).toEqual(['a', 'B']);
  });
});

describe('exports', () => {
  const attributes = [
    {
      type: 'url',
      value: 'https://evil.example/a?b=1',
      category: 'Network activity',
      toIds: true,
      comment: '',
    },
    {
      type: 'email-src',
      value: 'bad@evil.example',
      category: 'Payload delivery',
      toIds: true,
      comment: 'x, "y"',
    },
    { type: 'ip-dst', value: '1.2.3.4', category: 'Network activity', toIds: true, comment: '=cmd()' },
    { type: 'sha256', value: 'a'.repeat(64), category: 'Payload delivery', toIds: true, comment: '' },
  ];

  it('defangs text the way reports write it', () => {
    expect(toDefangedText(attributes).split('\n')).toEqual([
      'hxxps://evil[.]example/a?b=1',
      'bad[@]evil[.]example',
      '1.2.3[.]4',
      'a'.repeat(64),
    ]);
    expect(defang('domain', 'evil.com')).toBe('evil[.]com');
    expect(defang('url', 'http://x.evil.com/a.php')).toBe('hxxp://x.evil[.]com/a.php');
    // What Sightline writes, Sightline (and other tools) read back.
    for (const attribute of attributes) {
      expect(refangValue(defang(attribute.type, attribute.value))).toBe(attribute.value);
    }
  });

  it('writes CSV with quoting and without spreadsheet formulas', () => {
    const csv = toCsv(attributes).split('\r\n');
    expect(csv[0]).toBe('type,value,category,to_ids,comment');
    expect(csv[2]).toBe('email-src,bad@evil.example,Payload delivery,1,"x, ""y"""');
    expect(csv[3]).toBe("ip-dst,1.2.3.4,Network activity,1,'=cmd()");
  });

  it('writes MISP event JSON with the draft uuid', () => {
    const json = JSON.parse(
      toMispEventJson({
        key: KEY,
        tabId: 1,
        info: 'i',
        date: '2024-01-02',
        distribution: 1,
        threatLevel: 2,
        analysis: 0,
        published: false,
        tags: ['tlp:green'],
        attributes,
      }),
    ) as { Event: { uuid: string; Tag: unknown[]; Attribute: Array<{ to_ids: boolean }> } };
    expect(json.Event.uuid).toBe(KEY);
    expect(json.Event.Tag).toEqual([{ name: 'tlp:green' }]);
    expect(json.Event.Attribute).toHaveLength(4);
  });
});
