import type { IndicatorKindSpec } from '../model';

const CVE = /^CVE-(\d{4})-(\d{4,7})$/i;

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
  normalise: (candidate) => candidate.toUpperCase(),
};
