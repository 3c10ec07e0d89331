// `npm test`: every check Sightline has, in the order a failure is cheapest to read.
// typecheck → lint/format → build (Chrome + Firefox) → unit tests (incl. the MISP stand-in replay and
// the client contract tests) → `web-ext lint` of the Firefox zip → end-to-end tests in real Chromium
// and in Firefox ESR.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { ensureBrowsers } from './ensure-browsers.mjs';

const results = [];
const counts = { passed: 0, failed: 0 };

function run(title, command, args, { env } = {}) {
  console.log(`\n━━ ${title}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const outcome = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = outcome.status === 0;
  results.push({ title, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  return ok;
}

function addVitestCounts(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    counts.passed += report.numPassedTests ?? 0;
    // A file that fails to load counts as a failure even when none of its tests ran.
    counts.failed += Math.max(report.numFailedTests ?? 0, report.numFailedTestSuites ?? 0);
  } catch {
    counts.failed += 1;
  }
}

function vitest(title, project) {
  mkdirSync('test-results', { recursive: true });
  const file = `test-results/${project}.json`;
  const ok = run(title, 'npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  addVitestCounts(file);
  if (!ok && counts.failed === 0) counts.failed += 1;
  return ok;
}

/**
 * `web-ext lint` on the Firefox zip: 0 errors required. Its warnings are known and explained in
 * CHANGELOG.md (zod's eval probe, Preact's innerHTML branch for dangerouslySetInnerHTML, unused here).
 */
function webExtLint() {
  const outDir = process.env.SIGHTLINE_OUT_DIR ?? '.output';
  const zip = readdirSync(outDir).find((name) => /^sightline-.*-firefox\.zip$/.test(name));
  if (!zip) {
    results.push({ title: 'web-ext lint (no Firefox zip)', ok: false, seconds: '0' });
    return;
  }
  const started = Date.now();
  console.log(`\n━━ web-ext lint: ${outDir}/${zip}`);
  const outcome = spawnSync(
    'npx',
    ['web-ext', 'lint', '--source-dir', `${outDir}/${zip}`, '--output', 'json', '--self-hosted'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  let ok = false;
  try {
    const report = JSON.parse(outcome.stdout);
    for (const kind of ['errors', 'warnings']) {
      for (const item of report[kind] ?? [])
        console.log(`${kind}: ${item.code} ${item.file ?? ''} ${item.message}`);
    }
    console.log(`web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings`);
    ok = report.summary.errors === 0;
  } catch {
    console.log(outcome.stdout, outcome.stderr);
  }
  results.push({
    title: 'web-ext lint (Firefox zip)',
    ok,
    seconds: ((Date.now() - started) / 1000).toFixed(1),
  });
}

let browsersReady = true;
try {
  ensureBrowsers();
} catch (error) {
  console.error(`\n${error.message}`);
  browsersReady = false;
}

run('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
run('lint and format', 'npx', ['biome', 'ci', '.']);
const built = run('build', 'npm', ['run', '--silent', 'build']);
vitest('unit tests', 'unit');
const zipped = run('store packages', 'npm', ['run', '--silent', 'zip']);
if (zipped) webExtLint();
if (!built) {
  results.push({ title: 'end-to-end tests (not run: the build failed)', ok: false, seconds: '0' });
} else if (!browsersReady) {
  results.push({ title: 'end-to-end tests (not run: browser missing)', ok: false, seconds: '0' });
} else {
  vitest('end-to-end tests (Chromium)', 'e2e');
  if (existsSync(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr')) {
    vitest('end-to-end tests (Firefox)', 'e2e-firefox');
  } else {
    results.push({
      title: 'end-to-end tests (Firefox: not run, firefox-esr missing)',
      ok: false,
      seconds: '0',
    });
  }
}

console.log('\n━━ Summary');
for (const { title, ok, seconds } of results) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${title} (${seconds}s)`);
const allOk = results.every((result) => result.ok);
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(allOk ? 0 : 1);
