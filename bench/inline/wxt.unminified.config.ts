/**
 * The extension's own config with minification off, for reading function names in the bench's CPU
 * profile (`BENCH_INLINE_HOT=1`). Build: `SIGHTLINE_OUT_DIR=.output-bench-plain npx wxt build -c bench/inline/wxt.unminified.config.ts`.
 */
import type { UserConfig } from 'wxt';
import base from '../../wxt.config';

const baseVite = base.vite;
const config: UserConfig = {
  ...base,
  root: `${import.meta.dirname}/../..`,
  vite: (env) => {
    const own = baseVite ? baseVite(env) : {};
    return { ...own, build: { ...(own as { build?: object }).build, minify: false } };
  },
};
export default config;
