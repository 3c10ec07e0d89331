import { useEffect, useState } from 'preact/hooks';
import { HIGHLIGHT_MODES, type HighlightMode } from '../../lib/settings';
import { LOCKED_HINT, usePreferences } from './usePreferences';

const MODE_LABELS: Record<HighlightMode, string> = {
  auto: 'Automatically',
  ask: 'Only when I ask',
  never: 'Never',
};

/** The marks and lookups an analyst can switch on or off, in the order the page lists them. */
const MARK_OPTIONS = [
  { key: 'showNewMarks', label: 'Mark indicators MISP does not know' },
  { key: 'showBenignMarks', label: 'Mark likely benign indicators' },
  { key: 'lookupBenign', label: 'Look up likely benign indicators in MISP too' },
] as const;

/** A host pattern as the background matches it: `example.com`, `*.example.com`. */
const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/i;

export function parseSiteList(text: string): { sites: string[]; invalid: string[] } {
  const sites: string[] = [];
  const invalid: string[] = [];
  for (const line of text.split(/[\n,]+/)) {
    const site = line
      .trim()
      .replace(/^https?:\/\//i, '')
      .replace(/\/.*$/, '')
      .toLowerCase();
    if (!site) continue;
    if (HOST_PATTERN.test(site)) sites.push(site);
    else invalid.push(line.trim());
  }
  return { sites: [...new Set(sites)], invalid };
}

/** Options section: when pages are scanned, which sites never are, and which marks are drawn. */
export function HighlightSection() {
  const { preferences, locked, message, save } = usePreferences();
  const [sitesText, setSitesText] = useState<string | null>(null);
  const [siteError, setSiteError] = useState<string | null>(null);

  useEffect(() => {
    if (preferences && sitesText === null) setSitesText(preferences.neverScan.join('\n'));
  }, [preferences]);

  if (!preferences) return <section class="card" aria-busy="true" aria-label="Highlighting" />;

  function saveSites() {
    const { sites, invalid } = parseSiteList(sitesText ?? '');
    if (invalid.length > 0) {
      setSiteError(
        `Not saved: ${invalid.map((s) => `"${s}"`).join(', ')} is not a host name (e.g. intranet.example.com).`,
      );
      return;
    }
    setSiteError(null);
    void save({ neverScan: sites });
  }

  const modeLocked = locked.has('highlightMode');
  const sitesLocked = locked.has('neverScan');

  return (
    <section class="card" aria-labelledby="highlight-heading">
      <h2 id="highlight-heading">Highlighting</h2>
      <p id="highlight-legend" style={{ fontWeight: 600, margin: '0.6em 0 0.2em' }}>
        Highlight on pages
      </p>
      <div role="radiogroup" aria-labelledby="highlight-legend">
        {HIGHLIGHT_MODES.map((mode) => (
          <label key={mode} class="inline">
            <input
              type="radio"
              name="highlight-mode"
              value={mode}
              checked={preferences.highlightMode === mode}
              disabled={modeLocked}
              onChange={() => void save({ highlightMode: mode })}
            />
            {MODE_LABELS[mode]}
          </label>
        ))}
        {modeLocked && <p class="hint">{LOCKED_HINT}</p>}
      </div>
      <label for="never-scan">Sites never scanned</label>
      <textarea
        id="never-scan"
        rows={4}
        value={sitesText ?? ''}
        disabled={sitesLocked}
        placeholder={'intranet.example.com\n*.corp.example'}
        aria-describedby="never-scan-hint"
        aria-invalid={siteError ? 'true' : undefined}
        onInput={(e) => setSitesText(e.currentTarget.value)}
        onBlur={saveSites}
      />
      <p id="never-scan-hint" class={siteError ? 'hint status-error' : 'hint'}>
        {siteError ??
          (sitesLocked
            ? LOCKED_HINT
            : 'One host per line. example.com covers its sub-domains; *.example.com only the sub-domains.')}
      </p>
      {MARK_OPTIONS.map(({ key, label }) => (
        <label key={key} style={{ fontWeight: 400 }}>
          <input
            type="checkbox"
            checked={preferences[key]}
            disabled={locked.has(key)}
            aria-describedby={locked.has(key) ? 'marks-locked' : undefined}
            onChange={(e) => void save({ [key]: e.currentTarget.checked })}
          />{' '}
          {label}
        </label>
      ))}
      {MARK_OPTIONS.some(({ key }) => locked.has(key)) && (
        <p id="marks-locked" class="hint">
          {LOCKED_HINT}
        </p>
      )}
      {message && (
        <p class={message.ok ? 'hint status-ok' : 'hint status-error'} aria-live="polite">
          {message.text}
        </p>
      )}
    </section>
  );
}
