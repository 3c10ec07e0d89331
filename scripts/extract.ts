/**
 * `npm run extract -- [--page-url URL] FILE... | -` — prints one JSON object per distinct indicator
 * per file: {"file","type","value","original","count","benign":null|"<warninglist name>","note"?}.
 * `--page-url` judges references as the extension does on that page: its own site and links to it,
 * publishers and vendors, contact addresses (`note.reference`); `note` also says how a value was
 * written (`decoded`, `wildcard`) and why one is likely not an indicator (`unlikely`).
 */
import { readFileSync } from 'node:fs';
import { bundledBenignMark } from '../lib/indicators/benign';
import { extractTexts } from '../lib/indicators/extract-texts';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

const USAGE = 'usage: npm run extract -- [--page-url URL] FILE... (or - for stdin)\n';

function main(args: readonly string[]): number {
  const files: string[] = [];
  let pageUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (arg === '--page-url' || arg.startsWith('--page-url=')) {
      pageUrl = arg === '--page-url' ? args[++i] : arg.slice('--page-url='.length);
      if (pageUrl === undefined || !URL.canParse(pageUrl)) {
        process.stderr.write(`extract: --page-url needs an absolute URL\n${USAGE}`);
        return 2;
      }
      continue;
    }
    files.push(arg);
  }
  if (files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
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
    const { kinds, values, originals, notes, hits } = extractTexts(
      [text],
      pageUrl === undefined ? {} : { pageUrl },
    );
    const counts = new Array<number>(values.length).fill(0);
    for (let h = 1; h < hits.length; h += 4) counts[hits[h]!]!++;
    values.forEach((value, i) => {
      const type = kinds[i]!;
      const benign = bundledBenignMark(type, value)?.listName ?? null;
      const note = notes?.[i];
      out.push(
        JSON.stringify({
          file,
          type,
          value,
          original: originals[i] || value,
          count: counts[i],
          benign,
          ...(note ? { note } : {}),
        }),
      );
    });
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
