/**
 * Extraction benchmark: recall/precision on the avast corpus per indicator class, found / expected
 * per family of our own cases (lib/indicators/families.test-support.ts), and throughput on ~5 MB of
 * real report text next to plain ioc-extractor `extractIOC` in the same run.
 */
import { extractIOC } from 'ioc-extractor';
import { bundledBenignMark } from '../lib/indicators/benign';
import { FAMILIES } from '../lib/indicators/families.test-support';
import type { IndicatorKind } from '../lib/indicators/model';
import { refangValue } from '../lib/indicators/refang';
import { scanText } from '../lib/indicators/scanner';
import { summariseOccurrences } from '../lib/indicators/summary';
import { type CorpusUnit, loadCorpus } from './corpus';
import type { BenchModule } from './types';

/** Corpus class for each of our kinds (the corpus has no cidr/ssdeep/btc/sha512 classes). */
const CLASS_OF: Partial<Record<IndicatorKind, string>> = {
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  domain: 'domain',
  url: 'url',
  email: 'email',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  cve: 'cve',
};

/** Comparison key: truth lists keep some defanged schemes (`fxp://`) and are lower-cased. */
function key(value: string): string {
  return refangValue(value).toLowerCase();
}

const NETWORK_CLASSES = new Set(['ipv4', 'ipv6', 'domain', 'url', 'email']);

/** Whether the unit's lists can judge an extracted value of this class (a report without network.txt cannot judge domains). */
function judged(unit: CorpusUnit, cls: string): boolean {
  return NETWORK_CLASSES.has(cls) ? unit.hasNetworkList : unit.hasHashLists;
}

/**
 * Forms under which a listed value may have been extracted: lists write URLs without their scheme
 * (`cdn.discordapp.com/x` for `hxxps://cdn[.]discordapp.com/x`) and domains that the text only
 * shows inside URLs.
 */
function extractedForms(type: IndicatorKind, value: string): Array<[string, string]> {
  const k = key(value);
  const forms: Array<[string, string]> = [[CLASS_OF[type] ?? type, k]];
  if (type === 'url') {
    const schemeless = k.replace(/^[a-z0-9+.-]+:\/\//, '');
    forms.push(['url', schemeless]);
    const host = schemeless.split(/[/:?#]/, 1)[0];
    if (host !== undefined) forms.push(['domain', host], ['ipv4', host]);
  }
  return forms;
}

interface ClassScore {
  truthInText: number;
  found: number;
  extracted: number;
  correct: number;
  benign: number;
  unlikely: number;
  unjudged: number;
  misses: string[];
  falseHits: string[];
}

function score(units: readonly CorpusUnit[]) {
  const byClass = new Map<string, ClassScore>();
  const get = (cls: string) => {
    let s = byClass.get(cls);
    if (s === undefined) {
      s = {
        truthInText: 0,
        found: 0,
        extracted: 0,
        correct: 0,
        benign: 0,
        unlikely: 0,
        unjudged: 0,
        misses: [],
        falseHits: [],
      };
      byClass.set(cls, s);
    }
    return s;
  };
  const other = { extracted: 0, benign: 0 };
  for (const unit of units) {
    const occurrences = scanText(unit.text);
    const unlikelyValues = new Set(occurrences.filter((o) => o.note?.unlikely).map((o) => o.value));
    const extracted = summariseOccurrences(occurrences);
    const foundByClass = new Map<string, Set<string>>();
    const truthKeys = new Map<string, Set<string>>();
    for (const [cls, values] of unit.truth) truthKeys.set(cls, new Set(values.map(key)));
    for (const item of extracted) {
      const cls = CLASS_OF[item.type];
      const benign = bundledBenignMark(item.type, item.value) !== null;
      if (cls === undefined) {
        other.extracted++;
        if (benign) other.benign++;
        continue;
      }
      const forms = extractedForms(item.type, item.value);
      for (const [formClass, formKey] of forms) {
        let set = foundByClass.get(formClass);
        if (set === undefined) {
          set = new Set();
          foundByClass.set(formClass, set);
        }
        set.add(formKey);
      }
      if (!judged(unit, cls)) {
        get(cls).unjudged++;
        continue;
      }
      const s = get(cls);
      if (benign) {
        s.benign++;
        continue;
      }
      // Offered unselected as "Likely not an indicator": not counted as extracted.
      if (unlikelyValues.has(item.value)) {
        s.unlikely++;
        continue;
      }
      s.extracted++;
      if (forms.some(([formClass, formKey]) => truthKeys.get(formClass)?.has(formKey) === true)) s.correct++;
      else s.falseHits.push(`${unit.unit}: ${item.original}`);
    }
    for (const [cls, values] of unit.truth) {
      const inText = unit.inText.get(cls) ?? 0;
      if (inText === 0) continue;
      const s = get(cls);
      s.truthInText += inText;
      const found = foundByClass.get(cls) ?? new Set<string>();
      let hits = 0;
      const unitMisses: string[] = [];
      for (const v of values) {
        if (found.has(key(v))) hits++;
        else unitMisses.push(`${unit.unit}: ${v}`);
      }
      s.found += hits;
      // A listed value the text never mentions is not a miss; only show misses when some are in the text.
      if (hits < inText)
        s.misses.push(...unitMisses.filter((m) => textMentions(unit.text, m.split(': ')[1]!)));
    }
  }
  return { byClass, other };
}

/** Loose presence test for listing misses (debug aid only, not used in the numbers). */
function textMentions(text: string, value: string): boolean {
  const squash = (s: string) =>
    s
      .toLowerCase()
      .replace(/[[\](){}\s]/g, '')
      .replace(/hxxp/g, 'http');
  return squash(text).includes(squash(value).replace(/^[a-z]+:\/\//, ''));
}

function pct(n: number, d: number): string {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The process's CPU time so far (every thread: the collector's helpers too), in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Median wall time of each function, run in interleaved rounds so that GC and JIT noise hit all
 * alike; `cpu` gets the median CPU time of each (what a shared machine's other load leaves alone).
 */
function timeInterleaved(fns: ReadonlyArray<() => unknown>, rounds: number, cpu: number[] = []): number[] {
  for (const fn of fns) fn(); // warm-up
  const times = fns.map(() => [] as number[]);
  const cpuTimes = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const c0 = cpuMs();
      const t0 = performance.now();
      fn();
      times[i]!.push(performance.now() - t0);
      cpuTimes[i]!.push(cpuMs() - c0);
    });
  }
  cpu.push(...cpuTimes.map(median));
  return times.map(median);
}

/** Found / expected per family of our own cases, and values found that no case expects. */
function familyTable(): string[] {
  const lines = [
    'Our own cases, one family per form the issue names (`lib/indicators/families.test-support.ts`;',
    'the unit tests require every one): values found ÷ values expected, and values found beyond them.',
    '',
    '| family | cases | found / expected | unexpected |',
    '|---|---:|---:|---:|',
  ];
  let allFound = 0;
  let allExpected = 0;
  for (const family of FAMILIES) {
    let found = 0;
    let expected = 0;
    let unexpected = 0;
    for (const { text, expect } of family.cases) {
      const got = new Set(scanText(text).map((o) => `${o.type} ${o.value}`));
      const want = new Set(expect.map(([type, value]) => `${type} ${value}`));
      expected += want.size;
      for (const key of want) if (got.has(key)) found++;
      for (const key of got) if (!want.has(key)) unexpected++;
    }
    allFound += found;
    allExpected += expected;
    lines.push(`| ${family.title} | ${family.cases.length} | ${found} / ${expected} | ${unexpected} |`);
  }
  lines.push(`| **all** | | **${allFound} / ${allExpected}** | |`);
  return lines;
}

export const extractionBench: BenchModule = {
  name: 'Indicator extraction (lib/indicators)',
  run() {
    const units = loadCorpus();
    const { byClass, other } = score(units);
    const lines: string[] = [];
    lines.push(
      'Corpus: `test/fixtures/corpus/avast` (20 real reports). Recall = listed values found ÷ listed values',
      'that appear in the text (`in_text` of pairing.json). Precision = extracted values that are in the',
      "unit's lists ÷ extracted values not marked likely benign by the bundled warninglists nor offered as",
      '"likely not an indicator" (package names, file names, serials; their own column), counted only',
      'in units whose lists can judge the class (network classes need a network.txt: 6 reports have none,',
      'their network indicators are shown as "unjudged"). Values are compared refanged and lower-cased; a',
      'URL also matches a listed scheme-less URL, and its host a listed domain or IP (lists often write',
      '`cdn.example.com/x` or just the domain for a `hxxps://` URL in the text).',
      '',
      '| class | in text | found | recall | extracted (not benign) | in list | precision | marked benign | likely not | unjudged |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    let totalIn = 0;
    let totalFound = 0;
    let totalExtracted = 0;
    let totalCorrect = 0;
    for (const [cls, s] of [...byClass].sort()) {
      totalIn += s.truthInText;
      totalFound += s.found;
      totalExtracted += s.extracted;
      totalCorrect += s.correct;
      lines.push(
        `| ${cls} | ${s.truthInText} | ${s.found} | ${pct(s.found, s.truthInText)} | ${s.extracted} | ${s.correct} | ${pct(s.correct, s.extracted)} | ${s.benign} | ${s.unlikely} | ${s.unjudged} |`,
      );
    }
    lines.push(
      `| **all** | ${totalIn} | ${totalFound} | **${pct(totalFound, totalIn)}** | ${totalExtracted} | ${totalCorrect} | **${pct(totalCorrect, totalExtracted)}** | | | |`,
    );
    lines.push(
      '',
      `Other kinds extracted (no corpus class): ${other.extracted} (${other.benign} marked benign).`,
    );
    const details: string[] = [];
    for (const [cls, s] of [...byClass].sort()) {
      if (s.misses.length > 0) details.push(`- ${cls} missed: ${s.misses.slice(0, 15).join(' · ')}`);
      if (s.falseHits.length > 0)
        details.push(
          `- ${cls} not in list (${s.falseHits.length}): ${s.falseHits.slice(0, 15).join(' · ')}${s.falseHits.length > 15 ? ' …' : ''}`,
        );
    }
    if (details.length > 0) lines.push('', 'Details:', '', ...details);
    lines.push('', ...familyTable());

    // Throughput: the corpus repeated to ~5 MB, same text for both.
    const base = units.map((u) => u.text).join('\n\n');
    const copies = Math.ceil((5 * 1024 * 1024) / base.length);
    const big = Array.from({ length: copies }, () => base).join('\n\n');
    const mb = big.length / (1024 * 1024);
    const runs = 7;
    const cpu: number[] = [];
    const [baselineMs = 0, scanMs = 0, fullMs = 0, baselineEachMs = 0, scanEachMs = 0] = timeInterleaved(
      [
        () => extractIOC(big),
        () => scanText(big),
        () => {
          for (const s of summariseOccurrences(scanText(big))) bundledBenignMark(s.type, s.value);
        },
        // Each report on its own, as often as the big text holds it: nothing learnt in one report
        // (hosts already validated) helps the next.
        () => {
          for (let c = 0; c < copies; c++) for (const unit of units) extractIOC(unit.text);
        },
        () => {
          for (let c = 0; c < copies; c++) for (const unit of units) scanText(unit.text);
        },
      ],
      runs,
      cpu,
    );
    const [baselineCpu = 0, scanCpu = 0, fullCpu = 0, baselineEachCpu = 0, scanEachCpu = 0] = cpu;
    const cpuCell = (ms: number, base: number) => `${ms.toFixed(0)} ms (${(base / ms).toFixed(1)}×)`;
    const hostile: Array<[string, string]> = [
      ['5 MB single line of letters', 'a'.repeat(5 * 1024 * 1024)],
      ['1 MB of `[.]`', '[.]'.repeat(350_000)],
      ['1 MB of `a[.]`', 'a[.]'.repeat(262_144)],
      ['1 MB of digits and dots', '1.'.repeat(524_288)],
      ['1 MB of `a:`', 'a:'.repeat(524_288)],
      ['1 MB of hex', 'f'.repeat(1024 * 1024)],
      ['1 MB of `http://a`', 'http://a'.repeat(131_072)],
      ['1 MB of `(`', '('.repeat(1024 * 1024)],
    ];
    lines.push(
      '',
      `Throughput on ${mb.toFixed(2)} MB (the corpus ×${copies}), median of ${runs} interleaved runs:`,
      '',
      '| engine | time | MB/s | × extractIOC | CPU time (× extractIOC) |',
      '|---|---:|---:|---:|---:|',
      `| ioc-extractor 8.2 \`extractIOC\` (no positions) | ${baselineMs.toFixed(0)} ms | ${(mb / (baselineMs / 1000)).toFixed(1)} | 1.0 | ${cpuCell(baselineCpu, baselineCpu)} |`,
      `| \`scanText\` (refang, positions, validation) | ${scanMs.toFixed(0)} ms | ${(mb / (scanMs / 1000)).toFixed(1)} | ${(baselineMs / scanMs).toFixed(1)} | ${cpuCell(scanCpu, baselineCpu)} |`,
      `| \`scanText\` + distinct + bundled warninglists | ${fullMs.toFixed(0)} ms | ${(mb / (fullMs / 1000)).toFixed(1)} | ${(baselineMs / fullMs).toFixed(1)} | ${cpuCell(fullCpu, baselineCpu)} |`,
      '',
      `The same text as ${copies * units.length} calls, one report each (both engines):`,
      '',
      '| engine | time | MB/s | × extractIOC | CPU time (× extractIOC) |',
      '|---|---:|---:|---:|---:|',
      `| ioc-extractor \`extractIOC\`, report by report | ${baselineEachMs.toFixed(0)} ms | ${(mb / (baselineEachMs / 1000)).toFixed(1)} | 1.0 | ${cpuCell(baselineEachCpu, baselineEachCpu)} |`,
      `| \`scanText\`, report by report | ${scanEachMs.toFixed(0)} ms | ${(mb / (scanEachMs / 1000)).toFixed(1)} | ${(baselineEachMs / scanEachMs).toFixed(1)} | ${cpuCell(scanEachCpu, baselineEachCpu)} |`,
      '',
      'Hostile inputs (`scanText`, one run each):',
      '',
      '| input | time |',
      '|---|---:|',
    );
    for (const [label, text] of hostile) {
      const t0 = performance.now();
      scanText(text);
      lines.push(`| ${label} | ${(performance.now() - t0).toFixed(0)} ms |`);
    }
    return lines.join('\n');
  },
};
