import { render } from 'preact';
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Test support for component tests (happy-dom): a fresh mount point per test, unmounted and removed
 * after it (fake timers restored), and controls found by their label, as a screen reader names them.
 */
export function mountPoint(): { readonly root: HTMLElement } {
  const point = { root: document.createElement('div') };
  beforeEach(() => {
    point.root = document.createElement('div');
    document.body.append(point.root);
  });
  afterEach(() => {
    render(null, point.root);
    point.root.remove();
    vi.useRealTimers();
  });
  return point;
}

export function labelled<T extends HTMLElement>(root: HTMLElement, name: string): T {
  const label = [...root.querySelectorAll('label')].find((item) => item.textContent?.trim() === name);
  const control = label?.htmlFor
    ? root.querySelector<T>(`#${label.htmlFor}`)
    : (label?.querySelector<T>('input') ?? null);
  if (!control) throw new Error(`no control named ${name}`);
  return control;
}
