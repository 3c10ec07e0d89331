import type { IndicatorKindSpec } from '../model';

// Reports also write `CVE 2021 1234`, `CVE_2021_1234` and en dashes.
const CVE = /^CVE[-_ \u2010-\u2013](\d{4})[-_ \u2010-\u2013](\d{4,7})$/i;

export const cve: IndicatorKindSpec = {
  kind: 'cve',
  label: 'CVE',
  mispTypes: ['vulnerability'],
  defaultMispType: () => 'vulnerability',
  detect: (candidate) => CVE.test(candidate),
  validate: (candidate) => {
    const m = CVE.exec(candidate);
    if (m === null) return false;
    const year = Number(m[1]);
    // CVE ids start in 1999; sequence numbers of 5+ digits never start with 0.
    return year >= 1999 && year <= 2100 && !(m[2]!.length > 4 && m[2]!.startsWith('0'));
  },
  normalise: (candidate) => {
    const m = CVE.exec(candidate);
    return m === null ? candidate.toUpperCase() : `CVE-${m[1]}-${m[2]}`;
  },
};
