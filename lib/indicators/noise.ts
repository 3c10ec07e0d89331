/**
 * Heuristics for dotted words that end in a real public suffix but are not domains: file names
 * (`setup.zip`, `cache.py`), malware detection names (`Win32/Exploit.Agent.LT`,
 * `Trojan.Win32.Agent.BZ`) and code (`document.location.host`). They apply only to values written
 * plainly: a defanged value was marked as an indicator by its author and is always kept.
 */

/**
 * Public suffixes that are also common file extensions. A plain `name.ext` with one of these is far
 * more often a file than a domain in reports.
 */
const FILE_EXTENSION_TLDS: ReadonlySet<string> = new Set([
  'zip', // archives
  'mov', // video
  'py', // Python
  'sh', // shell
  'pl', // Perl
  'pm', // Perl module
  'rs', // Rust
  'ps', // PostScript
  'md', // Markdown
  'so', // shared objects (`libc.so`)
  'cat', // Windows security catalogs
]);

/** Words that make up malware detection names and almost never a domain label written with capitals. */
const DETECTION_WORDS: ReadonlySet<string> = new Set([
  'win32',
  'win64',
  'w32',
  'w64',
  'msil',
  'w97m',
  'x97m',
  'o97m',
  'vba',
  'trojan',
  'backdoor',
  'exploit',
  'heur',
  'generic',
  'trojandownloader',
  'trojandropper',
  'trojanspy',
  'trojanpsw',
  'pua',
  'pup',
  'adware',
  'ransom',
  'worm',
  'hacktool',
  'riskware',
  'spyware',
  'downloader',
  'dropper',
  'virus',
  'malware',
  'packed',
  'suspicious',
  'agent',
  'linux',
  'android',
  'macos',
  'osx',
  'script',
  'js',
  'html',
  'pdf',
  'elf',
  'coinminer',
  'keylogger',
  'rootkit',
  'stealer',
  'injector',
  'obfuscated',
]);

/** Names that start property chains in scripts (`document.location.host`, `window.top.name`). */
const CODE_ROOTS: ReadonlySet<string> = new Set([
  'document',
  'window',
  'this',
  'self',
  'globalthis',
  'navigator',
  'location',
  'console',
  'wscript',
  'process',
  'module',
  'exports',
  'system',
  'math',
  'json',
  'object',
  'params',
  'args',
  'request',
  'response',
  'req',
  'res',
]);

const CAMEL_CASE = /[a-z][A-Z]/;

/**
 * True when the plainly written dotted word at `text[start…]` is better read as something other than
 * a domain. `host` is as written (original case); `tld` its lower-cased last label; `hostContext`
 * whether a port or path follows (`setup.zip:8080` is a host).
 */
export function looksLikeNonDomain(
  text: string,
  start: number,
  host: string,
  tld: string,
  hostContext: boolean,
): boolean {
  const before = text[start - 1];
  // Paths and detection names: `/usr/lib/libx.so`, `Win32/Exploit.Agent.LT`, `HEUR:Trojan.Win32.Agent`.
  // `//evil.com` (protocol-relative) is still a host.
  if (before === '\\') return true;
  if (before === '/' && text[start - 2] !== '/') return true;
  // Something written right after, like `foo.bar(` or `foo.bar=`, is code.
  const after = text[start + host.length];
  if (after === '(' || after === '=' || after === '[') return true;

  const labels = host.split('.');
  if (!hostContext && FILE_EXTENSION_TLDS.has(tld)) return true;

  const lower = host.toLowerCase();
  if (CODE_ROOTS.has(lower.slice(0, lower.indexOf('.')))) return true;
  if (lower === host) return false;
  // From here the word has capitals: domains are seldom written that way, detection names and code are.
  if (before === ':' && /\w/.test(text[start - 2] ?? '')) return true;
  // A capital in the last label of a word that is not all capitals: `Exploit.Agent.LT`, or a
  // sentence glued to the next one (`it starts.Next time`).
  const last = labels[labels.length - 1]!;
  if (last !== last.toLowerCase() && host !== host.toUpperCase()) return true;
  for (const label of labels) {
    if (CAMEL_CASE.test(label)) return true;
    if (DETECTION_WORDS.has(label.toLowerCase())) return true;
  }
  return false;
}
