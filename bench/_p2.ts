import { loadCorpus } from './corpus';
import { scanText } from '../lib/indicators/scanner';
const units = loadCorpus();
const base = units.map((u) => u.text).join('\n\n');
const copies = Math.ceil((5 * 1024 * 1024) / base.length);
const big = Array.from({ length: copies }, () => base).join('\n\n');
for (let i=0;i<8;i++) scanText(big);
