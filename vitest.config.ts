import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Two projects: `unit` (logic, fake browser, happy-dom where a DOM is needed) and `e2e`
// (real Chromium with the built extension, against the MISP stand-in; run one file at a time).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'lib/**/*.test.tsx',
            'components/**/*.test.tsx',
            'test/unit/**/*.test.ts',
            'test/misp-sim/**/*.test.ts',
            'test/contract/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
      {
        // Debian firefox-esr with the built Firefox extension, driven over WebDriver BiDi.
        test: {
          name: 'e2e-firefox',
          include: ['test/e2e-firefox/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
    ],
  },
});
