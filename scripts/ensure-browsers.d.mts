/** Installs (Debian, as root) or names the browsers the end-to-end suites need; throws when one is missing. */
export function ensureBrowsers(options?: { log?: (line: string) => void }): void;
