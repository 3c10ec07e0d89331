import { createRequire } from 'node:module';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

/** Entry points that run inside web pages' frames (see the build hook below). */
const PAGE_LAYER = new Set(['content', 'card']);
const require = createRequire(import.meta.url);

const ICONS = {
  16: 'icon/16.png',
  32: 'icon/32.png',
  48: 'icon/48.png',
  96: 'icon/96.png',
  128: 'icon/128.png',
};

// Sightline's manifest. Entry points under entrypoints/ only wire things up; logic lives in lib/.
export default defineConfig({
  // Parallel work (several builds at once) can point SIGHTLINE_OUT_DIR at a folder of its own.
  outDir: process.env.SIGHTLINE_OUT_DIR ?? '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // The page layer runs in pages' frames: its eager script (every frame) and the card (injected on
    // first use) use the browser's own promise-based API instead of the polyfill (about 10 KB to
    // evaluate each time). The background and the extension's pages keep it.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((entrypoint) => PAGE_LAYER.has(entrypoint.name))) return;
      const alias = config.resolve?.alias;
      if (Array.isArray(alias)) {
        config.resolve!.alias = alias.filter((entry) => entry.find !== 'wxt/browser');
      } else if (alias && typeof alias === 'object') {
        delete (alias as Record<string, string>)['wxt/browser'];
      }
    },
    // pdf.js's worker ships as an extension file (pdf.worker.mjs): PDFs are read without loading
    // code from anywhere else.
    'build:publicAssets': (_wxt, assets) => {
      assets.push({
        absoluteSrc: require.resolve('pdfjs-dist/build/pdf.worker.min.mjs'),
        relativeDest: 'pdf.worker.mjs',
      });
    },
  },
  manifest: ({ browser }) => ({
    name: 'Sightline',
    description:
      'MISP in the margin of every page: capture indicators, see what your MISP knows, record sightings, file events.',
    // Rendered from public/icon/sightline.svg by scripts/render-icons.mjs (the sizes the stores ask for).
    icons: ICONS,
    action: { default_title: 'Sightline', default_icon: ICONS },
    commands: {
      'toggle-highlights': {
        suggested_key: { default: 'Alt+Shift+H' },
        description: 'Show or hide Sightline highlights',
      },
      'scan-page': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: 'Scan this page for indicators',
      },
    },
    permissions: [
      'storage',
      'alarms',
      'notifications',
      'contextMenus',
      'unlimitedStorage',
      // The hover card is injected into a frame the first time one opens there.
      'scripting',
      // Chrome: PDFs are read with pdf.js in an offscreen document (the service worker has no workers).
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    // Organisation policy (storage.managed): schema documented in POLICY.md. Chrome reads it from here;
    // Firefox takes the policy from policies.json.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
    // Chrome: the content script already runs on every page, so host access from install asks nothing more.
    // Firefox MV3 grants host access separately: the options page requests the MISP origin at runtime.
    host_permissions: browser === 'firefox' ? [] : ['<all_urls>'],
    ...(browser === 'firefox' ? { optional_host_permissions: ['<all_urls>'] } : {}),
    ...(browser === 'firefox'
      ? {
          // Firefox MV3 runs the background as an event page (`background.scripts`, which WXT writes
          // for Firefox) instead of a service worker; the code is the same.
          browser_specific_settings: {
            gecko: {
              id: 'sightline@sightline.dev',
              // 140 (the current ESR line) is the first to read data_collection_permissions.
              strict_min_version: '140.0',
              // Indicator values go only to the analyst's own MISP: nothing reaches the developers.
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
