import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Sightline's manifest. Entry points under entrypoints/ only wire things up; logic lives in lib/.
export default defineConfig({
  // Parallel work (several builds at once) can point SIGHTLINE_OUT_DIR at a folder of its own.
  outDir: process.env.SIGHTLINE_OUT_DIR ?? '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Sightline',
    description:
      'MISP in the margin of every page: capture indicators, see what your MISP knows, record sightings, file events.',
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
    permissions: ['storage', 'alarms', 'notifications', 'contextMenus', 'unlimitedStorage'],
    // Chrome: the content script already runs on every page, so host access from install asks nothing more.
    // Firefox MV3 grants host access separately: the options page requests the MISP origin at runtime.
    host_permissions: browser === 'firefox' ? [] : ['<all_urls>'],
    ...(browser === 'firefox' ? { optional_host_permissions: ['<all_urls>'] } : {}),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'sightline@sightline.dev', strict_min_version: '128.0' },
          },
        }
      : {}),
  }),
});
