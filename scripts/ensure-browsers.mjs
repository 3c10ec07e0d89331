// Makes sure the browsers the end-to-end suites drive are installed.
// On Debian as root it installs what is missing with apt-get; elsewhere it says exactly what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BROWSERS = [
  { name: 'Chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debPackage: 'chromium' },
  {
    name: 'Firefox ESR',
    path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    debPackage: 'firefox-esr',
  },
];

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

export function ensureBrowsers({ log = console.log } = {}) {
  const missing = BROWSERS.filter((browser) => !existsSync(browser.path));
  if (missing.length === 0) return;
  const packages = missing.map((browser) => browser.debPackage);
  if (isRoot() && hasAptGet()) {
    log(`Installing ${packages.join(', ')} with apt-get (needed by the end-to-end tests)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
    const still = missing.filter((browser) => !existsSync(browser.path));
    if (still.length === 0) return;
    throw new Error(`apt-get finished but ${still.map((b) => b.path).join(', ')} is still missing.`);
  }
  const lines = missing.map((browser) => `  - ${browser.name} at ${browser.path}`);
  throw new Error(
    [
      'The end-to-end tests need these browsers, which are not installed:',
      ...lines,
      `On Debian or Ubuntu: sudo apt-get install -y ${packages.join(' ')}`,
      'Elsewhere: install them and point CHROMIUM_PATH / FIREFOX_PATH at the binaries.',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureBrowsers();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
