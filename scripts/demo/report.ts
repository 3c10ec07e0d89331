import { escapeHtml, reportPage } from '../../test/e2e/report-pages';

/**
 * The demo's sample threat report: a write-up in the style of a vendor blog post about the KeyBoy
 * campaign (Citizen Lab, 2016) whose event the MISP stand-in is seeded with. Indicators are written
 * the way reports write them — mostly defanged, some in tables and code — next to a few values that
 * MISP does not know and some that warninglists call benign.
 */
export function demoReportPage(): string {
  const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
  const rows = (items: Array<[string, string]>) =>
    items
      .map(
        ([value, note]) => `<tr><td><code>${escapeHtml(value)}</code></td><td>${escapeHtml(note)}</td></tr>`,
      )
      .join('');
  const body = [
    '<h1>KeyBoy returns: targeting the Tibetan Parliament</h1>',
    '<p class="byline">Threat Research · analyst notes · TLP:CLEAR</p>',
    p(
      'In August and October 2016 members of the Tibetan Parliament received spear-phishing e-mails from ' +
        'tibetanparliarnent[@]yahoo.com carrying a malicious Word document that exploits CVE-2012-0158. ' +
        'The payload is a new version of the KeyBoy backdoor, side-loaded by a legitimate Windows Address Book binary.',
    ),
    p(
      'The dropped DLL (MD5 495adb1b9777002ecfe22aaf52fcee93) beacons to 45.125.12[.]147 and 103.40.102[.]233; ' +
        'an older sample talks to www.about.jkub[.]com, which resolved to 45[.]32.47.148 during the campaign. ' +
        'The domain tibetvoices[.]com was registered with the same details and later moved to 112.10.117[.]47.',
    ),
    p(
      'During our own triage we also saw beacons to 198.51.100.77 and hxxp://update-check[.]top/kb/ping.php, ' +
        'neither of which we could tie to the campaign yet. Sandbox noise such as 8.8.8.8 lookups and connections ' +
        'to 10.0.0.12 in the analysis network are not indicators.',
    ),
    '<h2>Indicators of compromise</h2>',
    `<table><thead><tr><th>Indicator</th><th>Notes</th></tr></thead><tbody>${rows([
      ['www.eleven.mypop3[.]org', 'C2'],
      ['www.backus.myftp[.]name', 'C2, behind 192.241.149[.]43'],
      ['116.193.154[.]69', 'C2'],
      ['103.242.134[.]243', 'C2'],
      ['157.7.84[.]81', 'C2 (www.about.jkub.com)'],
      ['9a55577d357922711ab0821bf5379289293c8517ae1d94d48c389f306af57a04', 'Wab32res.dll payload'],
      ['c97b12039e324721130d58d127c4e6f356e3f6e8', 'KeyBoy agewkassif version'],
      ['8307e444cad98b1b59568ad2eba5f201', 'theme of the conference.doc'],
      ['hxxps://files-tibet[.]info/doc/agenda.doc', 'second-stage download (not yet in MISP)'],
    ])}</tbody></table>`,
    '<h2>Detection</h2>',
    `<pre><code>${escapeHtml('alert tcp $HOME_NET any -> 45.125.12.147 443 (msg:"KeyBoy C2"; sid:1000001;)')}</code></pre>`,
  ].join('\n');
  return reportPage('KeyBoy returns: targeting the Tibetan Parliament', body);
}
