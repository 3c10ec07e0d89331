/**
 * `npm run bench`: runs every bench module and writes bench/RESULTS.md with the machine and date.
 * Add a module by importing it and appending it to MODULES.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { extractionBench } from './extraction.bench';
import { inlineBench } from './inline.bench';
import { lookupsBench } from './lookups.bench';
import { pageLayerBench } from './pagelayer.bench';
import { pdfBench } from './pdf.bench';
import type { BenchModule } from './types';

const MODULES: readonly BenchModule[] = [
  extractionBench,
  inlineBench,
  lookupsBench,
  pageLayerBench,
  pdfBench,
];

function machine(): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${model}, ${cpuList.length} cores`,
    `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node: ${process.version} (${process.platform}/${process.arch})`,
  ].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => a !== '--');
  const sections: string[] = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts).',
    '',
    machine(),
  ];
  for (const module of MODULES) {
    if (only.length > 0 && !only.some((o) => module.name.toLowerCase().includes(o.toLowerCase()))) continue;
    process.stderr.write(`bench: ${module.name}…\n`);
    sections.push('', `## ${module.name}`, '', await module.run());
  }
  const out = `${sections.join('\n')}\n`;
  writeFileSync(join(import.meta.dirname, 'RESULTS.md'), out);
  process.stdout.write(out);
}

await main();
