// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { applyTheme, followStoredTheme, getTheme, sanitizeTheme, setTheme, themeItem } from './theme';

describe('theme preference', () => {
  beforeEach(() => fakeBrowser.reset());

  it('follows the system until the analyst chooses', async () => {
    expect(await getTheme()).toBe('system');
    await setTheme('dark');
    expect(await getTheme()).toBe('dark');
  });

  it('reads anything unknown as "system"', async () => {
    await fakeBrowser.storage.local.set({ theme: 'purple' });
    expect(await getTheme()).toBe('system');
    expect(sanitizeTheme(42)).toBe('system');
    expect(sanitizeTheme('light')).toBe('light');
  });

  it('sets data-theme on the root, and removes it for "system"', () => {
    const root = document.createElement('html');
    applyTheme('dark', root);
    expect(root.getAttribute('data-theme')).toBe('dark');
    applyTheme('system', root);
    expect(root.hasAttribute('data-theme')).toBe(false);
  });

  it('applies the stored theme and its later changes', async () => {
    await themeItem.setValue('light');
    const root = document.createElement('html');
    const stop = followStoredTheme(root);
    await expect.poll(() => root.getAttribute('data-theme')).toBe('light');
    await setTheme('dark');
    await expect.poll(() => root.getAttribute('data-theme')).toBe('dark');
    stop();
  });
});
