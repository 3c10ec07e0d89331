import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

/**
 * The colour theme of Sightline's own pages (popup, options): follow the system, or always light or
 * dark. An item of its own (`local:theme`), so it is independent of the preferences and their policy.
 * Applied as `data-theme` on <html>; components/theme.css reads it.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const ThemeSchema = z.enum(THEMES);

export const THEME_LABELS: Record<Theme, string> = {
  system: 'Follow the system',
  light: 'Light',
  dark: 'Dark',
};

export const themeItem = storage.defineItem<Theme>('local:theme', { fallback: 'system' });

/** Stored data may be old or hand-edited: anything but a known theme is "system". */
export function sanitizeTheme(raw: unknown): Theme {
  const parsed = ThemeSchema.safeParse(raw);
  return parsed.success ? parsed.data : 'system';
}

export async function getTheme(): Promise<Theme> {
  return sanitizeTheme(await themeItem.getValue());
}

export async function setTheme(theme: Theme): Promise<void> {
  await themeItem.setValue(ThemeSchema.parse(theme));
}

/** Sets (or, for "system", removes) `data-theme` on the root element. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}

/** Applies the stored theme now and whenever it changes (in any extension page). Returns an unwatch. */
export function followStoredTheme(root: HTMLElement = document.documentElement): () => void {
  void getTheme().then((theme) => applyTheme(theme, root));
  return themeItem.watch((value) => applyTheme(sanitizeTheme(value), root));
}
