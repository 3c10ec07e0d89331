import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { callJson } from './test-support';

/**
 * The instance's own warninglists (transcripts 095-099, 121-123, 186): checkValue against the
 * enabled lists only, hostname lists covering an entry's sub-domains and URLs but not its parent,
 * bare addresses in CIDR lists, toggleEnable by id or by name.
 */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type Hits = Record<string, { id: string; name: string; matched: string }[]> | [];

const check = (target: MispSim, values: string[]): Promise<Hits> =>
  callJson<Hits>(target, '/warninglists/checkValue', { body: values });

const toggle = (target: MispSim, body: Record<string, unknown>): Promise<Record<string, unknown>> =>
  callJson(target, '/warninglists/toggleEnable', { body });

const listNamed = (target: MispSim, name: string): { id: number; enabled: boolean } => {
  const list = [...target.store.warninglists.values()].find((candidate) => candidate.name === name);
  if (!list) throw new Error(`no list ${name}`);
  return list;
};

describe('warninglists/checkValue', () => {
  it('checks only enabled lists, and leaves values without a hit out', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await callJson(sim, '/warninglists/update', { method: 'POST' });
    expect(await check(sim, ['x.duckdns.org', '9.9.9.9'])).toEqual([]);
    const enabled = await toggle(sim, { name: 'list of known DYNAMIC dns domains', enabled: 1 });
    expect(enabled).toEqual({ saved: true, success: '1 warninglist(s) enabled' });
    const dynamicDns = listNamed(sim, 'List of known dynamic DNS domains');
    expect(await check(sim, ['x.duckdns.org', '9.9.9.9'])).toEqual({
      'x.duckdns.org': [
        { id: String(dynamicDns.id), name: 'List of known dynamic DNS domains', matched: 'duckdns.org' },
      ],
    });
  });

  it('a hostname entry covers itself, its sub-domains and URLs on them, never its parent domain', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await callJson(sim, '/warninglists/update', { method: 'POST' });
    await toggle(sim, { name: ['%dynamic DNS%', '%vendors blog%'], enabled: true });
    const hits = await check(sim, [
      'duckdns.org',
      'a.b.duckdns.org',
      'https://home.duckdns.org:8443/panel',
      'ddns.net/remote',
      'baesystemsai.blogspot.com',
      'blog.baesystemsai.blogspot.com',
      'blogspot.com',
      'DUCKDNS.ORG',
    ]);
    const matched = Object.fromEntries(
      Object.entries(hits).map(([value, lists]) => [
        value,
        (lists as { matched: string }[]).map((hit) => hit.matched),
      ]),
    );
    expect(matched).toEqual({
      'duckdns.org': ['duckdns.org'],
      'a.b.duckdns.org': ['duckdns.org'],
      'https://home.duckdns.org:8443/panel': ['duckdns.org'],
      'ddns.net/remote': ['ddns.net'],
      'baesystemsai.blogspot.com': ['baesystemsai.blogspot.com'],
      'blog.baesystemsai.blogspot.com': ['baesystemsai.blogspot.com'],
    });
  });

  it('names a bare address of a CIDR list as its /32 or /128, and lists hits by list id', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await callJson(sim, '/warninglists/update', { method: 'POST' });
    await toggle(sim, {
      name: ['List of known IPv4 public DNS resolvers', 'List of known IPv6 public DNS resolvers'],
    });
    await toggle(sim, { name: 'List of RFC 1918 CIDR blocks', enabled: 1 });
    const hits = (await check(sim, ['9.9.9.9', '2001:148f:fffe::1', '10.20.30.40', '9.9.9.8'])) as Record<
      string,
      { matched: string }[]
    >;
    expect(hits['9.9.9.9']?.map((hit) => hit.matched)).toEqual(['9.9.9.9/32']);
    expect(hits['2001:148f:fffe::1']?.map((hit) => hit.matched)).toEqual(['2001:148f:fffe::1/128']);
    expect(hits['10.20.30.40']?.map((hit) => hit.matched)).toEqual(['10.0.0.0/8']);
    expect(Object.keys(hits)).not.toContain('9.9.9.8');
  });

  it('applies regex lists with their flags (contact mailboxes)', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await callJson(sim, '/warninglists/update', { method: 'POST' });
    await toggle(sim, { name: 'Common contact e-mail addresses', enabled: 1 });
    const hits = await check(sim, ['SOC@vendor.test', 'soc@vendor.test', 'analyst@vendor.test']);
    expect(Object.keys(hits)).toEqual(['SOC@vendor.test', 'soc@vendor.test']);
  });
});

describe('warninglists/toggleEnable', () => {
  it('flips each list without `enabled`, sets it with it, by id or name, and says when nothing matched', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await callJson(sim, '/warninglists/update', { method: 'POST' });
    const shorteners = listNamed(sim, 'List of known URL Shorteners domains');
    expect(await toggle(sim, { id: shorteners.id })).toEqual({
      saved: true,
      success: '1 warninglist(s) toggled',
    });
    expect(shorteners.enabled).toBe(true);
    expect(await toggle(sim, { id: [String(shorteners.id)] })).toMatchObject({
      success: '1 warninglist(s) toggled',
    });
    expect(shorteners.enabled).toBe(false);
    expect(await toggle(sim, { name: '%url shorteners%', enabled: 0 })).toMatchObject({
      success: '1 warninglist(s) disabled',
    });
    expect(await toggle(sim, { name: 'no such list' })).toEqual({
      saved: false,
      errors: 'Warninglist(s) not found.',
    });
  });

  it('the citizenlab instance has every bundled list enabled, as an admin would', async () => {
    sim = await startMispSim();
    const hits = (await check(sim, ['x.duckdns.org', 'bit.ly/x', '8.8.8.8'])) as Record<
      string,
      { name: string }[]
    >;
    expect(hits['x.duckdns.org']?.map((hit) => hit.name)).toContain('List of known dynamic DNS domains');
    expect(hits['bit.ly/x']?.map((hit) => hit.name)).toContain('List of known URL Shorteners domains');
    expect(hits['8.8.8.8']?.map((hit) => hit.name)).toContain('List of known IPv4 public DNS resolvers');
  });
});
