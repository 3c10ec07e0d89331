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
  'java', // Java sources
  'properties', // Java settings files (`app.properties`)
]);

/**
 * Public suffixes that are file extensions too, but also real sites' endings: a file only when the
 * text around says file (`the dropped setup.info`, `C:\\x\\run.one`), and then offered as "likely
 * not an indicator" rather than dropped.
 */
const CONTEXT_FILE_TLDS: ReadonlySet<string> = new Set([
  'info',
  'app',
  'one', // OneNote
  'cab',
  'pub', // Publisher
  'run',
  'ai', // Illustrator
  'data',
  'download',
]);

/** Words that put a file name after them (`drops loader.info`, `the file setup.app`). */
const FILE_CONTEXT =
  /(?:^|[^a-z])(?:files?|file ?names?|named|called|drop(?:s|ped|per)?|writ(?:es|ten)|sav(?:es|ed)|creat(?:es|ed)|load(?:s|ed)|execut(?:es|ed)|runs|launch(?:es|ed)|config(?:uration)?|scripts?|modules?|archives?|attachments?|documents?|payloads?|binar(?:y|ies)|librar(?:y|ies)|paths?|folders?|director(?:y|ies)|located|stored|extension|opens?)\W+(?:\S+\W+)?$/i;

/** First labels of Java and Android package names that are also top-level domains (`com.vendor.app`). */
const PACKAGE_ROOTS: ReadonlySet<string> = new Set([
  'com',
  'org',
  'net',
  'io',
  'de',
  'fr',
  'uk',
  'cn',
  'ru',
  'jp',
  'kr',
  'br',
  'in',
  'me',
  'co',
  'edu',
  'gov',
  'ch',
  'nl',
  'it',
  'es',
  'au',
  'ca',
  'pl',
  'cz',
  'se',
  'tv',
]);

/** Words before a hex run that make it a serial number or an identifier rather than a digest. */
const SERIAL_CONTEXT =
  /(?:^|[^a-z])(serial(?: ?(?:number|no\.?|#))?|guid|clsid|uuid|iid|appid|typelib|app ?id)\W{0,4}$/i;

/** Local parts of addresses reports give to reach their authors (MISP's common-contact-emails, and more). */
export const CONTACT_LOCAL_PARTS: ReadonlySet<string> = new Set([
  'security',
  'noc',
  'soc',
  'abuse',
  'report',
  'cert',
  'csirt',
  'psirt',
]);

// The word must stand alone: "server 1.2.3.4" is an IP, "ver 1.2.3.4" is a version.
export const VERSION_CONTEXT =
  /(?:^|[^a-z])(?:version|ver\.?|v|build|release|firmware|update|patch|chrome|firefox|os)\s*$/i;

/**
 * Why a plainly written domain is likely something else, or null: a Java/Android package name
 * (`com.vendor.app`: a top-level domain first, three labels or more), or a file name whose
 * extension is a public suffix with file words before it. `tld` is the lower-cased last label.
 */
export function unlikelyDomain(text: string, start: number, host: string, tld: string): string | null {
  const firstDot = host.indexOf('.');
  if (firstDot !== host.lastIndexOf('.') && PACKAGE_ROOTS.has(host.slice(0, firstDot).toLowerCase()))
    return 'Java/Android package name';
  if (CONTEXT_FILE_TLDS.has(tld)) {
    const before = text.slice(Math.max(0, start - 48), start);
    const lineStart = before.lastIndexOf('\n');
    const line = lineStart < 0 ? before : before.slice(lineStart + 1);
    if (FILE_CONTEXT.test(line) || /[\\/]$/.test(line)) return 'file name';
  }
  return null;
}

function isWordOrBreak(code: number): boolean {
  return (
    code === 10 ||
    code === 95 ||
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122)
  );
}

/** Why a digest-shaped hex run is likely something else (a certificate serial, a GUID), or null. */
export function unlikelyHash(text: string, start: number): string | null {
  // Hash lists put a digest after a line break or a separator: only a letter close before can be a word.
  let j = start - 1;
  while (j >= 0 && start - j <= 4 && !isWordOrBreak(text.charCodeAt(j))) j--;
  const code = j < 0 ? 0 : text.charCodeAt(j) | 32;
  if (code < 97 || code > 122) return null;
  const m = SERIAL_CONTEXT.exec(text.slice(Math.max(0, start - 24), start));
  if (m === null) return null;
  return /^serial/i.test(m[1]!) ? 'serial number' : 'GUID';
}

/** Why a plainly written address is likely a contact address rather than an indicator, or null. */
export function unlikelyEmail(address: string): string | null {
  const local = address.slice(0, address.indexOf('@')).toLowerCase();
  return CONTACT_LOCAL_PARTS.has(local) ? 'contact address' : null;
}

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
