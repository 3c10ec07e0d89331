import { describe, expect, it } from 'vitest';
import type { LookupSource } from '../lookup/service';
import { MispError } from '../misp';
import type { MispInstance } from '../settings';
import { explainingMissingAccess } from './lookups';

const instance: MispInstance = {
  id: 'a',
  name: 'Team MISP',
  url: 'https://misp.example.org',
  apiKey: 'k'.repeat(40),
  useForLookups: true,
  defaultForEvents: true,
};

const failingWith = (error: unknown): LookupSource => ({
  instanceId: 'a',
  lookup: async () => {
    throw error;
  },
});

describe('explainingMissingAccess', () => {
  const unreachable = new MispError('unreachable', 'Could not reach MISP at https://misp.example.org.');

  it('names the missing browser access, and asks only about the MISP origin', async () => {
    const asked: string[] = [];
    const source = explainingMissingAccess(failingWith(unreachable), instance, async (origin) => {
      asked.push(origin);
      return false;
    });
    await expect(source.lookup(['evil.com'])).rejects.toMatchObject({
      kind: 'permission',
      message: expect.stringContaining('no access to https://misp.example.org yet'),
    });
    expect(asked).toEqual(['https://misp.example.org/*']);
  });

  it('keeps "unreachable" when access is granted, and other errors as they are', async () => {
    const granted = async () => true;
    await expect(
      explainingMissingAccess(failingWith(unreachable), instance, granted).lookup(['x.com']),
    ).rejects.toBe(unreachable);
    const rejected = new MispError('key-rejected', 'API key rejected by MISP.');
    const never = async () => {
      throw new Error('must not be asked');
    };
    await expect(
      explainingMissingAccess(failingWith(rejected), instance, never).lookup(['x.com']),
    ).rejects.toBe(rejected);
  });

  it('passes answers through', async () => {
    const answers = new Map([['x.com', []]]);
    const source = explainingMissingAccess({ instanceId: 'a', lookup: async () => answers }, instance);
    expect(await source.lookup(['x.com'])).toBe(answers);
  });
});
