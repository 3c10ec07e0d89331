import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { loadPreferences, migratePreferencesToV2, preferencesItem, savePreferences } from './settings';

describe('preferences version 2: likely benign indicators are looked up by default', () => {
  beforeEach(() => fakeBrowser.reset());

  it('an analyst who never chose gets the new default, one who opted in keeps it', () => {
    expect(migratePreferencesToV2({ lookupBenign: false, showNewMarks: true })).toEqual({
      showNewMarks: true,
    });
    expect(migratePreferencesToV2({ lookupBenign: true })).toEqual({ lookupBenign: true });
    expect(migratePreferencesToV2(null)).toBeNull();
  });

  it('stored version-1 preferences (an exported file wrote every default) are migrated before they are read', async () => {
    await fakeBrowser.storage.local.set({ preferences: { lookupBenign: false, cacheTtlMinutes: 30 } });
    await preferencesItem.migrate();
    const preferences = await loadPreferences();
    expect(preferences.lookupBenign).toBe(true);
    expect(preferences.cacheTtlMinutes).toBe(30);
    expect(await fakeBrowser.storage.local.get('preferences$')).toEqual({ preferences$: { v: 2 } });
  });

  it('after the migration the option opts out, and stays off when turned off', async () => {
    await preferencesItem.migrate();
    expect((await loadPreferences()).lookupBenign).toBe(true);
    await savePreferences({ lookupBenign: false });
    await preferencesItem.migrate();
    expect((await loadPreferences()).lookupBenign).toBe(false);
  });
});
