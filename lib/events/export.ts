import type { AttributeInput, EventSubmission } from './model';

/**
 * Exports of the selection: defanged text (safe to paste into chat and tickets), CSV, and a MISP
 * event JSON that `/events/add` (or MISP's import) accepts.
 */

/** Defangs a value the way reports write it: `hxxp://`, `evil[.]com`, `user[@]host`, `1.2.3[.]4`. */
export function defang(type: string, value: string): string {
  if (/^(md5|sha1|sha256|sha512|ssdeep|vulnerability|btc)$/.test(type)) return value;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    const rest = value.slice(scheme[0].length);
    const hostEnd = rest.search(/[/?#]/);
    const host = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
    const tail = hostEnd < 0 ? '' : rest.slice(hostEnd);
    const defangedScheme = scheme[0].replace(/^http/i, 'hxxp').replace(/^ftp/i, 'fxp');
    return `${defangedScheme}${defangHost(host)}${tail}`;
  }
  return defangHost(value.replace(/@/g, '[@]'));
}

/** The last dot of a host (or address) becomes `[.]`: the value can no longer be clicked or resolved. */
function defangHost(host: string): string {
  return host.replace(/\.(?=[^.]*$)/, '[.]');
}

export function toDefangedText(attributes: readonly AttributeInput[]): string {
  return attributes.map((attribute) => defang(attribute.type, attribute.value)).join('\n');
}

function csvField(text: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(attributes: readonly AttributeInput[]): string {
  const rows = [['type', 'value', 'category', 'to_ids', 'comment']];
  for (const a of attributes) rows.push([a.type, a.value, a.category, a.toIds ? '1' : '0', a.comment]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** MISP's event JSON (`{"Event": {...}}`), with the draft's uuid. */
export function toMispEventJson(submission: EventSubmission): string {
  return JSON.stringify(
    {
      Event: {
        uuid: submission.key,
        info: submission.info,
        date: submission.date,
        distribution: String(submission.distribution),
        threat_level_id: String(submission.threatLevel),
        analysis: String(submission.analysis),
        published: submission.published,
        Tag: submission.tags.map((name) => ({ name })),
        Attribute: submission.attributes.map((a) => ({
          type: a.type,
          category: a.category,
          value: a.value,
          to_ids: a.toIds,
          comment: a.comment,
        })),
      },
    },
    null,
    2,
  );
}
