/** Loads the avast development corpus (test/fixtures/corpus/avast) for the extraction benchmark. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const CORPUS_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'corpus', 'avast');

const ClassCounts = z.object({
  unique: z.number(),
  literal: z.number(),
  defanged: z.number(),
  absent: z.number(),
  in_text: z.number(),
});

const Pairing = z.object({
  unit: z.string(),
  reports: z.array(z.string()),
  lists: z.array(z.string()),
  ioc_classes: z.record(z.string(), ClassCounts),
  truth: z.record(z.string(), z.array(z.string())),
});

export interface CorpusUnit {
  readonly unit: string;
  readonly text: string;
  /** Truth values per class (as listed by the report's authors, refanged, lower-cased). */
  readonly truth: ReadonlyMap<string, readonly string[]>;
  /** How many truth values of each class appear in the text (literally or defanged). */
  readonly inText: ReadonlyMap<string, number>;
  /** Whether the unit has a network list (network.txt) and hash lists: only then can it judge those classes. */
  readonly hasNetworkList: boolean;
  readonly hasHashLists: boolean;
}

export function loadCorpus(dir = CORPUS_DIR): CorpusUnit[] {
  const units: CorpusUnit[] = [];
  for (const name of readdirSync(dir).sort()) {
    const unitDir = join(dir, name);
    if (!statSync(unitDir).isDirectory()) continue;
    const pairing = Pairing.parse(JSON.parse(readFileSync(join(unitDir, 'pairing.json'), 'utf8')));
    const text = pairing.reports.map((r) => readFileSync(join(dir, r), 'utf8')).join('\n\n');
    units.push({
      unit: pairing.unit,
      text,
      truth: new Map(Object.entries(pairing.truth)),
      inText: new Map(Object.entries(pairing.ioc_classes).map(([k, v]) => [k, v.in_text])),
      hasNetworkList: pairing.lists.some((l) => l.endsWith('network.txt')),
      hasHashLists: pairing.lists.some((l) => /samples\.(md5|sha1|sha256)$/.test(l)),
    });
  }
  return units;
}
