import { useEffect, useState } from 'preact/hooks';
import {
  getTheme,
  setTheme,
  THEME_LABELS,
  THEMES,
  type Theme,
  ThemeSchema,
  themeItem,
} from '../../lib/theme';

/** Options section: light, dark or the system's colours for the popup, options page and hover card. */
export function AppearanceSection() {
  const [theme, setCurrent] = useState<Theme | null>(null);

  useEffect(() => {
    void getTheme().then(setCurrent);
    return themeItem.watch((value) => setCurrent(ThemeSchema.safeParse(value).data ?? 'system'));
  }, []);

  return (
    <section class="card" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <label for="theme-select">Theme</label>
      <select
        id="theme-select"
        value={theme ?? 'system'}
        disabled={theme === null}
        aria-describedby="theme-hint"
        onChange={(event) => {
          const parsed = ThemeSchema.safeParse(event.currentTarget.value);
          if (!parsed.success) return;
          setCurrent(parsed.data);
          void setTheme(parsed.data);
        }}
      >
        {THEMES.map((value) => (
          <option key={value} value={value}>
            {THEME_LABELS[value]}
          </option>
        ))}
      </select>
      <p id="theme-hint" class="hint">
        Sightline's popup and options page. The hover card follows the system, so it matches the pages you
        read.
      </p>
    </section>
  );
}
