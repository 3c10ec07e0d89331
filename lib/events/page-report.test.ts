// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../test/e2e/report-pages';
import { readyToFile } from './build';
import { contextComments, shorten } from './context';
import type { AttributeInput } from './model';
import { proposeObjects, splitIntoObjects } from './objects';
import { type PageContent, PageContentSchema, paragraphCount, readPageContent } from './page-content';
import { pageUnits } from './page-units';
import { escapeText, reportMarkdown } from './report';

const CORPUS = resolve(import.meta.dirname, '../../test/fixtures/corpus/avast');
const corpus = (name: string) => readFileSync(resolve(CORPUS, `${name}/README.md`), 'utf8');

/** Loads `body` as the tab's document and reads it the way the Page panel does. */
function read(body: string, title = 'Report'): PageContent {
  document.title = title;
  document.body.innerHTML = body;
  return PageContentSchema.parse(readPageContent());
}

/** A vendor-style page: site chrome around an article holding the report. */
const site = (article: string) =>
  `<header><a href="/">Vendor blog</a></header><nav><a href="/x">Products</a></nav>
   <div class="cookie-banner">We use cookies</div>
   <article>${article}<div class="share-buttons">Share on X</div></article>
   <footer>© Vendor</footer><script>var tracking = "1.2.3.4";</script>`;

const attribute = (type: string, value: string, comment = ''): AttributeInput => ({
  type,
  value,
  category:
    type === 'ip-dst' || type === 'domain' || type === 'url' ? 'Network activity' : 'Payload delivery',
  toIds: true,
  comment,
});

describe('the page as readable blocks', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('keeps the article (headings, lists, code) and leaves out navigation, banners, sharing and scripts', () => {
    const content = read(site(markdownToHtml(corpus('CoinHelper'))), 'IOC for CoinHelper');
    expect(content.title).toBe('IOC for CoinHelper');
    const kinds = content.blocks.map((block) => block.kind);
    expect(kinds).toContain('heading');
    expect(kinds).toContain('list');
    expect(kinds).toContain('code');
    const text = JSON.stringify(content.blocks);
    expect(text).toContain('start.exe');
    for (const chrome of ['Vendor blog', 'Products', 'cookies', 'Share on X', '© Vendor', 'tracking'])
      expect(text).not.toContain(chrome);
    expect(content.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'IOC for CoinHelper' });
  });

  it('reads tables cell by cell, a <br> as a line break, and skips hidden elements', () => {
    const content = read(
      `<main><table><tr><th>SHA-256</th><th>Role</th></tr><tr><td>${'a'.repeat(64)}</td><td>Loader</td></tr></table>
       <p>MD5: ${'b'.repeat(32)}<br>SHA1: ${'c'.repeat(40)}</p><p hidden>secret ${'d'.repeat(64)}</p>
       <div style="display: none">${'e'.repeat(64)}</div><div aria-hidden="true">decoy</div></main>`,
    );
    expect(content.blocks).toEqual([
      {
        kind: 'table',
        rows: [
          ['SHA-256', 'Role'],
          ['a'.repeat(64), 'Loader'],
        ],
      },
      { kind: 'paragraph', text: `MD5: ${'b'.repeat(32)}\nSHA1: ${'c'.repeat(40)}` },
    ]);
  });

  it('bounds what a page can make the extension hold', () => {
    const content = read(`<article>${'<p>word</p>'.repeat(6000)}</article>`);
    expect(content.blocks).toHaveLength(5000);
    expect(
      PageContentSchema.safeParse({ title: '', blocks: [{ kind: 'paragraph', text: 'x'.repeat(30_000) }] })
        .success,
    ).toBe(false);
  });

  it('counts the paragraphs of real text (the report checkbox is on beyond a few)', () => {
    const content = read(
      `<article><p>${'Long enough sentence of the report. '.repeat(3)}</p><p>short</p></article>`,
    );
    expect(paragraphCount(content)).toBe(1);
  });
});

describe('comments from the page context', () => {
  it('takes the file name beside a hash on a line of a real report (CoinHelper)', () => {
    const units = pageUnits(read(markdownToHtml(corpus('CoinHelper'))));
    const comments = contextComments(units);
    expect(comments.get('83a64c598d9a10f3a19eabed41e58f0be407ecbd19bb4c560796a10ec5fccdbf')).toBe(
      'start.exe',
    );
    expect(comments.get('cc36bb34332e2bc505da46ca2f17206a8ae3e4f667d9bdfbc500a09e77bab09c')).toBe(
      'asacpiex.dll',
    );
  });

  it('prefers the other cells of a table row over a sentence, and skips cells that are only indicators', () => {
    const hash = 'ee0ca923732881584d8c4fa2815d2802827283e0ad84173581569969e58b0810';
    const units = pageUnits(
      read(`<article><p>The dropper ${hash} was first seen in May. It then fetched the payload.</p>
        <table><tr><th>Hash</th><th>Domain</th><th>Role</th></tr>
        <tr><td>${hash}</td><td>evil[.]com</td><td>Dropper</td></tr></table>
        <ul><li>C2: 203.0.113[.]7 (port 443)</li></ul>
        <p>Beacons went to update-check[.]net every hour, which the actor rotated often. Later ones did not.</p></article>`),
    );
    const comments = contextComments(units);
    expect(comments.get(hash)).toBe('Dropper');
    expect(comments.get('evil.com')).toBe('Dropper');
    expect(comments.get('203.0.113.7')).toBe('C2 (port 443)');
    expect(comments.get('update-check.net')).toBe(
      'Beacons went to every hour, which the actor rotated often.',
    );
  });

  it('only for the values asked about, and trimmed to about 100 characters at word boundaries', () => {
    const long = `${'lorem ipsum '.repeat(20)}evil[.]com ${'dolor sit '.repeat(20)}`;
    const units = pageUnits(read(`<article><p>${long}</p><p>other.example.org is unrelated</p></article>`));
    const comments = contextComments(units, new Set(['evil.com']));
    expect([...comments.keys()]).toEqual(['evil.com']);
    const comment = comments.get('evil.com') ?? '';
    expect(comment.length).toBeLessThanOrEqual(102);
    expect(comment.startsWith('…')).toBe(true);
    expect(comment.endsWith('…')).toBe(true);
    expect(shorten('short', 0)).toBe('short');
  });
});

describe('grouping into objects', () => {
  it('makes a file object of each hash and file name line of a real report (CoinHelper)', () => {
    const units = pageUnits(read(markdownToHtml(corpus('CoinHelper'))));
    const start = '83a64c598d9a10f3a19eabed41e58f0be407ecbd19bb4c560796a10ec5fccdbf';
    const selected = [attribute('sha256', start), attribute('url', '2no.co/1wbYc7')];
    const objects = proposeObjects(units, selected);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({
      template: 'file',
      members: [
        { type: 'sha256', value: start, relation: 'sha256' },
        { type: 'filename', value: 'start.exe', relation: 'filename', category: 'Payload delivery' },
      ],
    });
    // The URL stands alone: it stays a plain attribute.
    const split = splitIntoObjects(selected, objects, new Set());
    expect(split.attributes.map((a) => a.value)).toEqual(['2no.co/1wbYc7']);
    // Undone, the hash is a plain attribute again.
    expect(splitIntoObjects(selected, objects, new Set([objects[0]!.key])).attributes).toHaveLength(2);
  });

  it('groups hashes of one sample on a row, a domain with its IP, and a URL with its host and IP', () => {
    const [md5, sha1, sha256] = [
      'a4c123b1612dd272d1371c17149d4395',
      '36b3216fdaeeb975729fae923d5a4fd12aabfe22',
      '8f219e9cb0eb53f16947ccf25ec84d8dbc74254770f58904dba41ecccc3fc162',
    ];
    const [other1, other2] = [
      '6e53a13043b026c48bbf33feff9243a8f506b40928b5b7a767c76fb008f86beb',
      'b2737f6a6f0fb23c6f5da2cec255404e4fb440034d6608697a8d41bed440e504',
    ];
    const units = pageUnits(
      read(`<article><table>
        <tr><td>${md5}</td><td>${sha1}</td><td>${sha256}</td><td>invoice.docm</td></tr>
        <tr><td>bad-cdn[.]net</td><td>198.51.100[.]4</td></tr>
        <tr><td>hxxp://files.evil-host[.]org/a.ps1</td><td>files.evil-host[.]org</td><td>198.51.100[.]9</td></tr>
        <tr><td>${other1}</td><td>${other2}</td></tr></table></article>`),
    );
    const selected = [
      attribute('md5', md5),
      attribute('sha1', sha1),
      attribute('sha256', sha256),
      attribute('domain', 'bad-cdn.net'),
      attribute('ip-dst', '198.51.100.4'),
      attribute('url', 'http://files.evil-host.org/a.ps1'),
      attribute('hostname', 'files.evil-host.org'),
      attribute('ip-dst', '198.51.100.9'),
      attribute('sha256', other1),
      attribute('sha256', other2),
    ];
    const objects = proposeObjects(units, selected);
    expect(objects.map((o) => [o.template, o.members.map((m) => m.relation)])).toEqual([
      ['file', ['md5', 'sha1', 'sha256', 'filename']],
      ['domain-ip', ['domain', 'ip']],
      ['url', ['url', 'host', 'ip']],
    ]);
    // Two samples on one row are not one file; values not selected are never grouped.
    expect(proposeObjects(units, [attribute('md5', md5)])).toEqual([
      expect.objectContaining({
        template: 'file',
        members: [
          expect.objectContaining({ value: md5 }),
          expect.objectContaining({ value: 'invoice.docm' }),
        ],
      }),
    ]);
  });
});

describe('the event report', () => {
  const page = {
    url: 'https://decoded.example/coinhelper',
    title: 'IOC for CoinHelper',
    readAt: new Date('2026-12-02T10:00:00Z'),
  };

  it('writes a real report as Markdown: source and time first, indicators defanged, filed ones referenced once', () => {
    const content = read(markdownToHtml(corpus('CoinHelper')), page.title);
    const start = '83a64c598d9a10f3a19eabed41e58f0be407ecbd19bb4c560796a10ec5fccdbf';
    const uuid = '0b8a6c1e-7f0e-4d7e-9f3b-2d6a8b1c4e5f';
    const markdown = reportMarkdown(content, page, new Map([['2no.co/1wbYc7', uuid]]));
    expect(
      markdown.startsWith(
        '# IOC for CoinHelper\n\nSource: https://decoded.example/coinhelper  \nRead: 2026-12-02T10:00:00Z\n\n',
      ),
    ).toBe(true);
    // The page's own title heading is not repeated; its sections follow one level down.
    expect(markdown.match(/^# /gm)).toHaveLength(1);
    expect(markdown).toContain('### Samples \\(SHA-256\\)');
    // Code blocks stay code, their indicators defanged, never referenced (MISP would not render it there).
    expect(markdown).toContain(`\`\`\`\n${start} - start.exe`);
    expect(markdown).toContain('2no[.]co/1wbYc7');
    expect(markdown).not.toContain('2no.co/1wbYc7');
    expect(markdown).toContain('onion');
  });

  it('references each filed value at its first mention in prose, tables and lists, and escapes page text', () => {
    const content = read(`<article><h2>Infrastructure</h2>
      <p>The loader beacons to evil[.]com and again evil[.]com. See @[attribute](not-yours) and <b>*bold*</b> [link](javascript:x).</p>
      <table><tr><th>IP</th><th>Note</th></tr><tr><td>203.0.113[.]7</td><td>C2 | main</td></tr></table>
      <ol><li>1. step one</li></ol></article>`);
    const refs = new Map([
      ['evil.com', '11111111-1111-4111-8111-111111111111'],
      ['203.0.113.7', '22222222-2222-4222-8222-222222222222'],
    ]);
    const markdown = reportMarkdown(content, { ...page, title: 'Infra' }, refs);
    expect(markdown).toContain(
      'The loader beacons to `evil[.]com` @[attribute](11111111-1111-4111-8111-111111111111) and again `evil[.]com`.',
    );
    expect(markdown).toContain(
      'See \\@\\[attribute\\]\\(not-yours\\) and \\*bold\\* \\[link\\]\\(javascript:x\\).',
    );
    expect(markdown).toContain(
      '| IP | Note |\n| --- | --- |\n| `203.0.113[.]7` @[attribute](22222222-2222-4222-8222-222222222222) | C2 \\| main |',
    );
    expect(markdown).toContain('1. 1\\. step one');
    expect(escapeText('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert\\(1\\)\\>');
  });

  it('is written at filing with the client uuids the attributes and objects are filed under', () => {
    const content = read(
      '<article><p>Payload 54f31af3176813e02ea68ef786e4d3cea27d26934b484e73cf575dcad6ba2b0a from bad-cdn[.]net.</p></article>',
    );
    let n = 0;
    const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const filed = readyToFile(
      {
        key: '0b8a6c1e-7f0e-4d7e-9f3b-2d6a8b1c4e5f',
        tabId: 1,
        info: 'Campaign',
        date: '2026-12-02',
        distribution: 0,
        threatLevel: 2,
        analysis: 0,
        published: false,
        tags: [],
        attributes: [attribute('domain', 'bad-cdn.net')],
        objects: [
          {
            template: 'file',
            attributes: [
              {
                ...attribute('sha256', '54f31af3176813e02ea68ef786e4d3cea27d26934b484e73cf575dcad6ba2b0a'),
                relation: 'sha256',
              },
            ],
          },
        ],
      },
      { uuid, report: { content, page } },
    );
    expect(filed.attributes[0]?.uuid).toBe('00000000-0000-4000-8000-000000000001');
    expect(filed.objects?.[0]?.uuid).toBe('00000000-0000-4000-8000-000000000002');
    expect(filed.objects?.[0]?.attributes[0]?.uuid).toBe('00000000-0000-4000-8000-000000000003');
    expect(filed.report).toMatchObject({ uuid: '00000000-0000-4000-8000-000000000004', name: 'Campaign' });
    expect(filed.report?.content).toContain(
      '@[attribute](00000000-0000-4000-8000-000000000003) from `bad-cdn[.]net` @[attribute](00000000-0000-4000-8000-000000000001).',
    );
  });
});
