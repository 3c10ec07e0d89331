// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { markKind } from '../lookup/mark-kind';
import { worthScanning } from './index';
import { parsePageCommand } from './messaging';
import { createOverlay, HOST_TAG } from './overlay';

describe('commands into the page layer', () => {
  it('takes only the commands the background sends, on the Sightline channel', () => {
    expect(parsePageCommand({ channel: 'sightline', command: 'scan' })).toEqual({ command: 'scan' });
    expect(
      parsePageCommand({ channel: 'sightline', command: 'lookup-selection', text: 'evil[.]com' }),
    ).toEqual({
      command: 'lookup-selection',
      text: 'evil[.]com',
    });
    expect(parsePageCommand({ channel: 'other', command: 'scan' })).toBeUndefined();
    expect(parsePageCommand({ channel: 'sightline', command: 'show-card', value: 'x' })).toBeUndefined();
    expect(
      parsePageCommand({ channel: 'sightline', command: 'lookup-selection', text: 'x'.repeat(10_001) }),
    ).toBeUndefined();
    expect(parsePageCommand('scan')).toBeUndefined();
  });
});

describe('which marks are drawn', () => {
  const quiet = { showNewMarks: false, showBenignMarks: false };
  it('known values by threat level; new and benign ones only when asked for', () => {
    expect(markKind({ status: 'known', threatLevel: 1 } as never, quiet)).toBe('high');
    expect(markKind({ status: 'known' } as never, quiet)).toBe('undefined');
    expect(markKind({ status: 'new' }, quiet)).toBeUndefined();
    expect(markKind({ status: 'new' }, { ...quiet, showNewMarks: true })).toBe('new');
    expect(markKind({ status: 'benign' } as never, { ...quiet, showBenignMarks: true })).toBe('benign');
    expect(markKind(undefined, quiet)).toBeUndefined();
  });
});

describe('frames worth a scan', () => {
  it('a top-level page always; a sub-frame only with a box and some text', () => {
    const top = { top: null as unknown, innerWidth: 0, innerHeight: 0 };
    top.top = top;
    expect(worthScanning(document, top as unknown as Window)).toBe(true);
    const frame = (width: number, height: number) =>
      ({ top: {}, innerWidth: width, innerHeight: height }) as unknown as Window;
    document.body.innerHTML = '<div>  \n </div>';
    expect(worthScanning(document, frame(300, 250))).toBe(false);
    document.body.innerHTML = '<div>  </div><p>evil[.]com</p>';
    expect(worthScanning(document, frame(300, 250))).toBe(true);
    expect(worthScanning(document, frame(0, 0))).toBe(false);
    expect(worthScanning(document, frame(1, 1))).toBe(false);
  });
});

describe('the overlay host', () => {
  afterEach(() => {
    for (const host of document.querySelectorAll(HOST_TAG)) host.remove();
  });

  it('comes back when the page removes it, wherever the page had moved it, until the page layer stops', async () => {
    const overlay = createOverlay(document);
    const stop = new AbortController();
    overlay.keepAttached(stop.signal);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    overlay.host.remove();
    await settle();
    expect(overlay.host.isConnected).toBe(true);
    // Moved into a container that the page then removes.
    const box = document.createElement('div');
    document.body.append(box);
    box.append(overlay.host);
    await settle();
    box.remove();
    await settle();
    expect(overlay.host.isConnected).toBe(true);
    stop.abort();
    overlay.host.remove();
    await settle();
    expect(overlay.host.isConnected).toBe(false);
  });

  it('a page removing it in a loop gets it back at a bounded rate', async () => {
    const overlay = createOverlay(document);
    const stop = new AbortController();
    overlay.keepAttached(stop.signal);
    let returned = 0;
    for (let i = 0; i < 100; i++) {
      if (overlay.host.isConnected) returned++;
      overlay.host.remove();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // A burst of re-attachments, then the page has to wait a second for each.
    expect(returned).toBeGreaterThan(10);
    expect(returned).toBeLessThan(40);
    stop.abort();
  });
});
