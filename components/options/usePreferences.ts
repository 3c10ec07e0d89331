import { useEffect, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';
import type { Preferences } from '../../lib/settings';

export interface PreferencesState {
  preferences: Preferences | null;
  /** Keys the organisation's policy locks. */
  locked: ReadonlySet<string>;
  /** The last save's outcome, for the section's message line. */
  message: { ok: boolean; text: string } | null;
  save(patch: Partial<Preferences>): Promise<boolean>;
}

/** Loads preferences and the policy's locks; `save` autosaves a patch and reports the outcome. */
export function usePreferences(): PreferencesState {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [locked, setLocked] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void Promise.all([sendToBackground('preferences/get', {}), sendToBackground('policy/get', {})]).then(
      ([prefs, policy]) => {
        if (prefs.ok) setPreferences(prefs.data);
        if (policy.ok) setLocked(new Set(policy.data.locked));
      },
    );
  }, []);

  async function save(patch: Partial<Preferences>): Promise<boolean> {
    const result = await sendToBackground('preferences/save', { patch });
    if (result.ok) {
      setPreferences(result.data);
      setMessage({ ok: true, text: 'Saved.' });
      return true;
    }
    setMessage({ ok: false, text: result.error.message });
    return false;
  }

  return { preferences, locked, message, save };
}

export const LOCKED_HINT = '🔒 Locked by your organisation.';
