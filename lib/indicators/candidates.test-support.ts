import { URL_SCHEMES } from './kinds/url';

/**
 * The candidate shapes of candidates.ts written as one regular expression (one capture group each, in
 * the same order): what the tests hold the hand-written finder to, on random text and every report.
 */
const URL_CHARS = String.raw`[^\s<>"'\u0060{}|\\^\u00a0\u2018\u2019\u201c\u201d\u00ab\u00bb\u3001\u3002\u300c\u300d\u300e\u300f\u3008\u3009\u300a\u300b\uff08\uff09\uff0c\uff1c\uff1e\uff3b\uff3d]`;
const SEP = String.raw`[-_ \u2010-\u2013]`;

export const CANDIDATE = new RegExp(
  [
    String.raw`(?<![a-z0-9.\-])((?:${URL_SCHEMES.map((s) => s.replace('+', '\\+')).join('|')})://${URL_CHARS}+)`,
    String.raw`(?<![\w\-])(cve${SEP}\d{4}${SEP}\d{4,7})(?!\d)`,
    String.raw`(?<![\w:./+])([0-9a-f]{0,10}:[0-9a-z/+:.]+)`,
    // A hash glued to a word is taken when the boundary is unambiguous: a letter that is no hex digit
    // (or `_`) on either side, and not `0x` before it.
    '(?<![0-9a-fx])([0-9a-f]{22,})(?![0-9a-f])',
    String.raw`(?<!\w)([13][1-9a-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})(?!\w)`,
    String.raw`(?<![\w+/])(aHR0c[a-z0-9+/]{9,}={0,2})(?![\w+/=])`,
    String.raw`(?<![\w.@%+\-])((?:\*\.)?\w[\w%+\-]*(?:[.@][\w%+\-]+)+(?::\d{1,5})?(?:[/?#]${URL_CHARS}*)?)`,
  ].join('|'),
  'gi',
);
