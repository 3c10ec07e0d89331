/**
 * `npm run extract -- FILE... | -` — prints one JSON object per distinct indicator per file:
 * {"file","type","value","original","count","benign":null|"<warninglist name>"}.
 */
import { readFileSync } from 'node:fs';
import { bundledBenignMark } from '../lib/indicators/benign';
import { scanText } from '../lib/indicators/scanner';
import { summariseOccurrences } from '../lib/indicators/summary';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

function main(args: readonly string[]): number {
  const files = args.filter((a) => a !== '--');
  if (files.length === 0 || files.includes('--help') || files.includes('-h')) {
    process.stderr.write('usage: npm run extract -- FILE... (or - for stdin)\n');
    return files.length === 0 ? 2 : 0;
  }
  let failed = false;
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInput(file);
    } catch (error) {
      process.stderr.write(
        `extract: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      failed = true;
      continue;
    }
    for (const s of summariseOccurrences(scanText(text))) {
      const benign = bundledBenignMark(s.type, s.value)?.listName ?? null;
      out.push(
        JSON.stringify({ file, type: s.type, value: s.value, original: s.original, count: s.count, benign }),
      );
    }
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
