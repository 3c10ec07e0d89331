// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { type DomTextChunk, MAX_CHUNK_CHARS, walkTextChunks } from './text-walker';

/** `|` marks a block break before a chunk. */
const shape = (chunks: DomTextChunk[]) => chunks.map((c) => `${c.blockBreakBefore ? '|' : ''}${c.text}`);

describe('walkTextChunks', () => {
  beforeEach(() => {
    document.body.replaceChildren();
  });

  it('joins inline text and breaks at block starts and ends', async () => {
    document.body.innerHTML =
      '<p>a<b>evil</b>[.]com</p>between<div>x<span>y<div>z</div>w</span></div>tail<br>after';
    expect(shape(await walkTextChunks(document.body))).toEqual([
      '|a',
      'evil',
      '[.]com',
      '|between',
      '|x',
      'y',
      '|z',
      '|w',
      '|tail',
      '|after',
    ]);
  });

  it('reads indentation between elements as a line break, and keeps a plain space as text', async () => {
    document.body.innerHTML = '<span>a.com</span>\n    <span>b.com</span> <span>c.com</span>';
    expect(shape(await walkTextChunks(document.body))).toEqual(['|a.com', '|b.com', ' ', 'c.com']);
  });

  it('skips code, form fields, hidden and editable subtrees, and our own host', async () => {
    document.body.innerHTML =
      '<p>seen.com</p><script>s.com</script><style>.a{}</style><textarea>t.com</textarea>' +
      '<p hidden>h.com</p><p aria-hidden="true">a.com</p><div contenteditable="true">e.com</div>' +
      '<div id="own">own.com</div><p>last.com</p>';
    const own = document.getElementById('own');
    expect(shape(await walkTextChunks(document.body, { ownHost: own }))).toEqual(['|seen.com', '|last.com']);
  });

  it('reads an open shadow tree right after its host starts, before the light children', async () => {
    const host = document.createElement('span');
    host.append('light');
    document.body.append('before', host, 'after');
    host.attachShadow({ mode: 'open' }).innerHTML = '<b>shadow</b>';
    expect(shape(await walkTextChunks(document.body))).toEqual(['|before', '|shadow', '|light', 'after']);
  });

  it('scans a changed root that is itself a text node, and nothing under a skipped root', async () => {
    const text = document.createTextNode('added.example');
    const script = document.createElement('script');
    script.textContent = 'inside.script';
    document.body.append(text, script);
    expect(shape(await walkTextChunks(text))).toEqual(['|added.example']);
    expect(await walkTextChunks(script)).toEqual([]);
  });

  it('cuts a long text node at whitespace into pieces with their offsets', async () => {
    const words = 'word '.repeat(MAX_CHUNK_CHARS / 2);
    document.body.innerHTML = `<p>${words}</p>`;
    const chunks = await walkTextChunks(document.body);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text).join('')).toBe(words);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
      expect(chunk.node.data.slice(chunk.nodeOffset, chunk.nodeOffset + chunk.text.length)).toBe(chunk.text);
    }
  });

  it('yields to the page on a large tree and stops when aborted', async () => {
    document.body.innerHTML = '<p>x.com</p>'.repeat(5000);
    let yields = 0;
    const controller = new AbortController();
    const chunks = await walkTextChunks(document.body, {
      budgetMs: 0,
      signal: controller.signal,
      yieldToPage: async () => {
        yields++;
        controller.abort();
      },
    });
    expect(yields).toBe(1);
    expect(chunks.length).toBeLessThan(5000);
  });
});
