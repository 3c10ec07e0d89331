import { column, makePdf } from './make-pdf';

/**
 * The report PDF the end-to-end tests serve: a title, defanged indicators broken across lines the
 * way a narrow column breaks them, and a two-column part. `known` is a value the test seeds in MISP.
 */
export function reportPdf(run: string, known: { ip: string }): { bytes: Uint8Array; values: string[] } {
  const domain = `update-${run}.example-cdn.net`;
  const url = `http://${domain}/gate.php`;
  const [a, b] = [domain.slice(0, 7), domain.slice(7).replace(/\./g, '[.]')];
  const bytes = makePdf(
    [
      {
        texts: [
          { x: 72, y: 740, text: `Loader campaign ${run}`, size: 16 },
          ...column(72, [
            `The loader downloads its second stage from hxxp://${a}`,
            `${b}/gate.php and reports to`,
            `${known.ip.replace(/\.(\d+)$/, '[.]$1')} over TCP 443.`,
          ]),
        ],
      },
      {
        texts: [
          ...column(
            60,
            ['Left column, first', 'the mail relay is', `ops[@]relay-${run}`, '[.]example[.]org'],
            700,
          ),
          ...column(330, ['Right column, first', 'more text', 'and more', 'the end.'], 700),
        ],
      },
    ],
    { title: `Loader campaign ${run}` },
  );
  return { bytes, values: [url, domain, known.ip, `ops@relay-${run}.example.org`] };
}
