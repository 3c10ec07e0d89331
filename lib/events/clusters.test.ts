import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from '../../test/misp-sim';
import { openDatabase } from '../db';
import { MispClient } from '../misp';
import { clusterIndex, clustersMentioned, type IndexedCluster, searchClusters } from './clusters';

/** The galaxy clusters of the stand-in (threat actors and ATT&CK techniques, as MISP 2.5.1 imports them). */
describe('galaxy clusters for the event form', () => {
  let sim: MispSim;
  let clusters: IndexedCluster[];
  let requests = 0;

  beforeAll(async () => {
    sim = await startMispSim({ seed: 'citizenlab' });
    const client = new MispClient({ url: sim.url, apiKey: sim.apiKey });
    const db = await openDatabase('clusters-test');
    const fetchPage = (page: number, limit: number) => {
      requests++;
      return client.galaxyClusters({ page, limit });
    };
    clusters = await clusterIndex(db, 'stand-in', fetchPage);
    // Kept: asked again within a day, the stored index answers.
    const before = requests;
    expect(await clusterIndex(db, 'stand-in', fetchPage)).toHaveLength(clusters.length);
    expect(requests).toBe(before);
  });
  afterAll(() => sim?.close());

  it('indexes every cluster, page by page, with its galaxy and tag', () => {
    expect(clusters.length).toBeGreaterThan(1000);
    expect(requests).toBe(Math.ceil((clusters.length + 1) / 1000));
    expect(clusters.find((cluster) => cluster.value === 'APT28')).toMatchObject({
      galaxy: 'Threat Actor',
      tagName: 'misp-galaxy:threat-actor="APT28"',
    });
  });

  it('finds a cluster by a synonym ("Fancy Bear" is APT28), names before synonyms', () => {
    const [first] = searchClusters(clusters, 'fancy bear');
    expect(first).toEqual({
      value: 'APT28',
      galaxy: 'Threat Actor',
      tag: 'misp-galaxy:threat-actor="APT28"',
      matched: expect.stringMatching(/^fancy bear$/i),
    });
    expect(searchClusters(clusters, 'APT28')[0]).toMatchObject({ value: 'APT28' });
    expect(searchClusters(clusters, 'APT28')[0]?.matched).toBeUndefined();
    expect(searchClusters(clusters, '   ')).toEqual([]);
    expect(searchClusters(clusters, 'a', 5)).toHaveLength(5);
  });

  it('finds ATT&CK techniques by id', () => {
    const [phishing] = searchClusters(clusters, 'T1566');
    expect(phishing?.galaxy).toBe('Attack Pattern');
    expect(phishing?.value).toMatch(/^Phishing/);
  });

  it('offers the clusters a page names, as whole words, in the order it names them', () => {
    const text =
      'The campaign, attributed to Sofacy, used spearphishing (T1566.001). Not to be confused with sofacyish tools.';
    const mentioned = clustersMentioned(clusters, text);
    expect(mentioned[0]).toMatchObject({ value: 'APT28', matched: 'Sofacy' });
    expect(mentioned.some((match) => /T1566\.001/.test(match.value) || match.matched === 'T1566.001')).toBe(
      true,
    );
    expect(clustersMentioned(clusters, 'nothing of interest here')).toEqual([]);
  });
});
