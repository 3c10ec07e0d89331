/**
 * Filter semantics of MISP's restSearch family, as the transcripts show them: value lists OR-ed,
 * `!` negation, `%` as a SQL LIKE wildcard, case-insensitive value matching (DB collation) but
 * case-sensitive tag names (binary collation), relative or absolute time filters.
 */

/** A filter split into positive (OR-ed) and negative terms; `null` when there is no filter. */
export interface TermFilter {
  include: string[];
  exclude: string[];
}

function scalarToString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return null;
}

/**
 * Reads a list-or-string filter. An empty list, an empty string or null means "no filter" (transcript
 * 030); `{"OR": [...], "NOT": [...]}` is the complex form; `!x` is a negation.
 */
export function parseTerms(raw: unknown, options: { splitPipes?: boolean } = {}): TermFilter | null {
  const include: string[] = [];
  const exclude: string[] = [];
  const add = (term: unknown, negate = false): void => {
    const text = scalarToString(term);
    if (text === null || text === '') return;
    const pieces = options.splitPipes ? text.split('|') : [text];
    for (const piece of pieces) {
      if (piece === '') continue;
      if (piece.startsWith('!')) {
        if (piece.length > 1) (negate ? include : exclude).push(piece.slice(1));
      } else {
        (negate ? exclude : include).push(piece);
      }
    }
  };
  if (Array.isArray(raw)) {
    for (const term of raw) add(term);
  } else if (raw !== null && typeof raw === 'object') {
    const complex = raw as Record<string, unknown>;
    for (const key of ['OR', 'or', 'AND', 'and']) {
      const list = complex[key];
      if (Array.isArray(list)) for (const term of list) add(term);
      else add(list);
    }
    for (const key of ['NOT', 'not']) {
      const list = complex[key];
      if (Array.isArray(list)) for (const term of list) add(term, true);
      else add(list, true);
    }
  } else {
    add(raw);
  }
  if (include.length === 0 && exclude.length === 0) return null;
  return { include, exclude };
}

/** True if the term is a LIKE pattern: MISP switches to LIKE when a value starts or ends with `%`. */
export function isLikePattern(term: string): boolean {
  return term.startsWith('%') || term.endsWith('%');
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE (`%` any run, `_` one character) as a regular expression. */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  const cached = likeCache.get(key);
  if (cached) return cached;
  let source = '';
  for (const char of pattern) {
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const regexp = new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(key, regexp);
  return regexp;
}

/** Value comparison of attribute restSearch: exact, case-insensitive, or LIKE when `%` is used. */
export function valueMatches(term: string, candidate: string): boolean {
  if (isLikePattern(term)) return likeToRegExp(term, true).test(candidate);
  return term.toLowerCase() === candidate.toLowerCase();
}

/** Tag name comparison: LIKE semantics (so `tlp:%` works) but case-sensitive (binary collation). */
export function tagNameMatches(term: string, name: string): boolean {
  if (term.includes('%') || term.includes('_')) return likeToRegExp(term, false).test(name);
  return term === name;
}

const RELATIVE_RE = /^(\d+)\s*([smhdw])$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * MISP's resolveTimeDelta: Unix seconds (number or numeric string), a relative "7d"/"12h"/"30m"/"10s",
 * or a date string; anything unparsable becomes now+1 so that it matches nothing.
 */
export function resolveTime(raw: unknown, nowSeconds: number): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return Math.trunc(raw);
  if (typeof raw !== 'string') return nowSeconds + 1;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const relative = RELATIVE_RE.exec(text);
  if (relative?.[1] && relative[2]) {
    return nowSeconds - Number(relative[1]) * (UNIT_SECONDS[relative[2].toLowerCase()] ?? 1);
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? nowSeconds + 1 : Math.trunc(parsed / 1000);
}

export interface TimeRange {
  from: number;
  to: number | null;
}

/** A time filter: one value means `>=`, a two-element list means `[from, to]` inclusive. */
export function parseTimeRange(raw: unknown, nowSeconds: number): TimeRange | null {
  if (raw === undefined || raw === null || raw === '' || raw === false) return null;
  if (Array.isArray(raw)) {
    if (raw.length === 0) return null;
    const from = resolveTime(raw[0], nowSeconds);
    const to = raw.length > 1 ? resolveTime(raw[1], nowSeconds) : null;
    return { from, to };
  }
  return { from: resolveTime(raw, nowSeconds), to: null };
}

export function inTimeRange(range: TimeRange, value: number): boolean {
  return value >= range.from && (range.to === null || value <= range.to);
}

/** Date filters (`from`/`to` on Event.date) compare YYYY-MM-DD strings. */
export function toDateString(raw: unknown, nowSeconds: number): string | null {
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
  if (raw === undefined || raw === null || raw === '') return null;
  return new Date(resolveTime(raw, nowSeconds) * 1000).toISOString().slice(0, 10);
}

/** Boolean-ish filter values: true/1/"1"/"true" → true, false/0/"0"/"false"/"exclude" → false. */
export function parseFlag(raw: unknown): boolean | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (raw === true || raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === false || raw === 0 || raw === '0' || raw === 'false' || raw === 'exclude') return false;
  return null;
}

/** Whether an include* option is switched on (true, 1, "1", "true"). */
export function isOn(raw: unknown): boolean {
  return parseFlag(raw) === true;
}

/**
 * Attribute `deleted` filter (transcripts 029, 104-107): omitted/0/false/[0] → live only,
 * 1/true/[1]/"only" → deleted only, [0,1] → both.
 */
export function parseDeleted(raw: unknown): { live: boolean; deleted: boolean } {
  const values = Array.isArray(raw) ? raw : [raw];
  let live = false;
  let deleted = false;
  for (const value of values) {
    if (value === 'only') deleted = true;
    const flag = parseFlag(value);
    if (flag === true) deleted = true;
    else if (flag === false) live = true;
  }
  if (!live && !deleted) live = true;
  return { live, deleted };
}

/** Positive integer from a JSON number or numeric string; null otherwise. */
export function toPositiveInt(raw: unknown): number | null {
  const text = scalarToString(raw);
  if (text === null || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

/**
 * Attribute restSearch X-Result-Count (transcripts 024, 025, 033): without a limit it is the total;
 * with a limit it is the number returned, plus 1 when the page came back full ("maybe more").
 */
export function attributeResultCount(returned: number, total: number, limit: number | null): number {
  if (limit === null) return total;
  return returned === limit ? returned + 1 : returned;
}

/** Slices one page (1-based); without a limit everything is one page. */
export function paginate<T>(rows: T[], limit: number | null, page: number | null): T[] {
  if (limit === null) return rows;
  const start = ((page ?? 1) - 1) * limit;
  return rows.slice(start, start + limit);
}
