import type { IndicatorKindSpec } from '../model';

const SSDEEP = /^(\d{1,10}):([A-Za-z0-9/+]{1,64}):([A-Za-z0-9/+]{1,64})$/;

/** ssdeep block sizes are 3·2^n. */
function isBlockSize(n: number): boolean {
  if (n < 3 || n % 3 !== 0) return false;
  const power = n / 3;
  return (power & (power - 1)) === 0;
}

export const ssdeep: IndicatorKindSpec = {
  kind: 'ssdeep',
  label: 'ssdeep',
  mispTypes: ['ssdeep'],
  defaultMispType: () => 'ssdeep',
  detect: (candidate) => SSDEEP.test(candidate),
  validate: (candidate) => {
    const m = SSDEEP.exec(candidate);
    if (m === null || !isBlockSize(Number(m[1]))) return false;
    // Clock times (`12:30:45`) have the same shape: a real digest has letters and some length.
    const body = `${m[2]}${m[3]}`;
    return body.length >= 8 && /[A-Za-z/+]/.test(body);
  },
  normalise: (candidate) => candidate,
};
