import { describe, expect, it } from 'vitest';
import { bundledAnnotation, serverAnnotation } from '../indicators/benign';
import type { Match } from './matches';
import { type Indicator, indicatorStatus, planLookups } from './page-status';
import type { LookupOutcome } from './service';
import { statusText } from './status-text';

const annotators = { bundled: bundledAnnotation, server: serverAnnotation };

function match(value: string, threatLevel = 2, eventId = '9'): Match {
  return {
    instanceId: 'misp-a',
    attribute: {
      id: `a-${value}`,
      uuid: 'u',
      type: 'domain',
      category: 'Network activity',
      value,
      toIds: true,
      comment: '',
      timestamp: 1,
      tags: [],
    },
    event: {
      id: eventId,
      uuid: 'e',
      info: 'event',
      orgName: 'ORG',
      date: '2026-01-01',
      threatLevel,
      analysis: 2,
      published: true,
      tags: [],
    },
    sightings: { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
  };
}

const done = (
  matches: Match[] = [],
  extra: Partial<Extract<LookupOutcome, { state: 'done' }>> = {},
): LookupOutcome => ({
  state: 'done',
  matches,
  fetchedAt: 1,
  ...extra,
});

/** Plans the indicators, answers each planned value from `answer` (default: a complete miss), returns statuses. */
function statusesFor(
  indicators: Indicator[],
  answer: (value: string) => LookupOutcome | undefined = () => done(),
  lookupBenign = true,
) {
  const plan = planLookups(indicators, annotators, { lookupBenign });
  const outcomes = new Map<string, LookupOutcome>();
  for (const value of plan.values) {
    const outcome = answer(value);
    if (outcome) outcomes.set(value, outcome);
  }
  return {
    sent: plan.values,
    status: (value: string) => {
      const indicator = indicators.find((candidate) => candidate.value === value)!;
      return indicatorStatus(indicator, plan, outcomes, annotators);
    },
  };
}

describe('statuses from forms and derived values', () => {
  it("a URL whose host MISP holds is known through the host, with the host's threat level", () => {
    const url: Indicator = { type: 'url', value: 'https://cdn-update.site/gate.php' };
    const { sent, status } = statusesFor([url], (value) =>
      done(value === 'cdn-update.site' ? [match(value, 1)] : []),
    );
    expect(sent).toEqual([
      'https://cdn-update.site/gate.php',
      'https://cdn-update.site/gate.php/',
      'cdn-update.site/gate.php',
      'cdn-update.site/gate.php/',
      'cdn-update.site',
    ]);
    const known = status(url.value);
    expect(known).toMatchObject({
      status: 'known',
      threatLevel: 1,
      eventCount: 1,
      via: [{ part: 'host', value: 'cdn-update.site' }],
      parts: [{ part: 'host', value: 'cdn-update.site', kind: 'domain', status: 'known', eventCount: 1 }],
    });
    expect(statusText(known)).toBe('In MISP (1 event): host cdn-update.site');
  });

  it("a URL MISP holds without its scheme, found from the page's URL with scheme and slash", () => {
    const url: Indicator = { type: 'url', value: 'http://stage.evil-cdn.site/a/' };
    const { status } = statusesFor([url], (value) =>
      done(value === 'stage.evil-cdn.site/a' ? [match(value)] : []),
    );
    expect(status(url.value)).toMatchObject({ status: 'known', eventCount: 1 });
    expect(status(url.value).via).toBeUndefined();
  });

  it('an e-mail address known through its domain', () => {
    const email: Indicator = { type: 'email', value: 'ops@mail-drop.site' };
    const { status } = statusesFor([email], (value) =>
      done(value === 'mail-drop.site' ? [match(value)] : []),
    );
    expect(statusText(status(email.value))).toBe('In MISP (1 event): domain mail-drop.site');
  });

  it('nothing cut short is new: a failed or refused derived lookup is not a miss', () => {
    const url: Indicator = { type: 'url', value: 'https://cdn-update.site/x' };
    const failedHost = statusesFor([url], (value) =>
      value === 'cdn-update.site' ? { state: 'error', message: 'MISP did not answer in time.' } : done(),
    );
    expect(failedHost.status(url.value)).toMatchObject({ status: 'error', retry: true });
    const refused = statusesFor([url], (value) =>
      value === 'cdn-update.site/x' ? { state: 'refused', message: 'Not looked up yet: full.' } : done(),
    );
    expect(refused.status(url.value)).toMatchObject({
      status: 'skipped',
      error: 'Not looked up yet: full.',
      retry: true,
    });
  });

  it('a single value MISP holds more than the budget for is "In MISP (2,000+ attributes)"', () => {
    const ip: Indicator = { type: 'ipv4', value: '185.244.25.9' };
    const { status } = statusesFor([ip], () => done([match('185.244.25.9')], { capped: true }));
    expect(statusText(status(ip.value))).toBe('In MISP (2,000+ attributes)');
  });
});

describe('warninglists annotate; MISP decides', () => {
  it('a benign-marked value is looked up by default, and "In MISP" when MISP holds it, the list as a note', () => {
    const google: Indicator = { type: 'domain', value: 'www.google.com' };
    const { sent, status } = statusesFor([google], (value) => done([match(value)]));
    expect(sent).toEqual(['www.google.com']);
    expect(statusText(status(google.value))).toBe(
      'In MISP (1 event) · on Top 10K most-used sites from Tranco',
    );
  });

  it("opting out keeps benign-marked values (and a benign URL's forms) from MISP", () => {
    const indicators: Indicator[] = [
      { type: 'url', value: 'https://www.google.com/search' },
      { type: 'domain', value: 'evil-c2.site' },
    ];
    const { sent, status } = statusesFor(indicators, () => done(), false);
    expect(sent).toEqual(['evil-c2.site']);
    expect(status('https://www.google.com/search')).toMatchObject({
      status: 'benign',
      benignList: 'Top 10K most-used sites from Tranco',
    });
  });

  it('a dynamic-DNS host is looked up and, unknown, new with a note', () => {
    const host: Indicator = { type: 'domain', value: 'updchecking.sytes.net' };
    const { sent, status } = statusesFor([host], () => done(), false);
    expect(sent).toEqual(['updchecking.sytes.net']);
    expect(statusText(status(host.value))).toBe('New · dynamic DNS');
  });

  it("the instance's own lists come first: a server list name, even one no bundled list has", () => {
    const resolver: Indicator = { type: 'ipv4', value: '9.9.9.9' };
    const { status } = statusesFor([resolver], () =>
      done([], { lists: [{ name: 'List of known IPv4 public DNS resolvers', matched: '9.9.9.9/32' }] }),
    );
    expect(statusText(status(resolver.value))).toBe(
      'Likely benign (List of known IPv4 public DNS resolvers)',
    );
  });

  it('bundled lists stand in when the server could not be asked', () => {
    const google: Indicator = { type: 'domain', value: 'www.google.com' };
    const { status } = statusesFor([google], () => done());
    expect(status(google.value)).toMatchObject({
      status: 'benign',
      benignList: 'Top 10K most-used sites from Tranco',
    });
  });

  it('a URL on a user-content platform is new with its note, not benign, when MISP does not hold it', () => {
    const raw: Indicator = { type: 'url', value: 'https://raw.githubusercontent.com/x/y/z.ps1' };
    const { status } = statusesFor([raw], () =>
      done([], {
        lists: [{ name: 'Top 10K most-used sites from Tranco', matched: 'githubusercontent.com' }],
      }),
    );
    expect(statusText(status(raw.value))).toBe('New · user content on githubusercontent.com');
  });
});
