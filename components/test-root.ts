import { render } from 'preact';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh element in the document for each test of a component file, emptied and removed after it.
 * Read `.current` inside tests and hooks.
 */
export function useTestRoot(): { current: HTMLElement } {
  const root = { current: undefined as unknown as HTMLElement };
  beforeEach(() => {
    root.current = document.createElement('div');
    document.body.append(root.current);
  });
  afterEach(() => {
    render(null, root.current);
    root.current.remove();
  });
  return root;
}
