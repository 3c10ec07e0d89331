/** Options section: the privacy statement (the same text as PRIVACY.md). */
export function PrivacySection() {
  return (
    <section class="card" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Privacy</h2>
      <p>
        Sightline talks only to the MISP instances you configure. It has no server of its own, no analytics
        and no telemetry.
      </p>
      <h3>What leaves the browser</h3>
      <ul>
        <li>
          <strong>Indicator values, to your MISP instances only</strong> — the values, not the page, its URL
          or its text — to each instance marked "Use for lookups": a URL also in its other forms (with and
          without scheme and trailing slash) and with its host, an e-mail address with its domain; likely
          benign values too, unless you turn that off. Sites never scanned, MISP's own pages and pages while
          highlighting is off are not scanned.
        </li>
        <li>
          <strong>What you choose to file</strong>: events, attributes and sightings go to the instance you
          pick; the page URL only when "Include page URL" is ticked.
        </li>
        <li>
          <strong>Sighting source, as configured</strong>: the page's host name by default, or the full URL or
          a fixed text if you choose.
        </li>
        <li>
          <strong>Watched tags</strong>: Sightline asks the instances each rule names for recent events
          carrying them.
        </li>
        <li>
          <strong>Seen indicators, re-asked</strong>: while "Remember indicators I read" is on, the values it
          remembers are looked up again from time to time — the values only.
        </li>
      </ul>
      <h3>What is stored locally</h3>
      <ul>
        <li>
          Extension storage: your MISP instances (without their keys) and preferences. API keys are kept in
          the extension's own database, which only Sightline's background reads — no content script can open
          it, on any browser — and each key is bound to the address it was entered for: changing an instance's
          URL to another origin clears the key unless you confirm it. No key is ever sent to a web page, a
          content script or the popup.
        </li>
        <li>
          Extension database: cached MISP answers (for the cache lifetime above), writes waiting to reach
          MISP, alerts (the newest 200).
        </li>
        <li>
          Seen indicators (on by default): values MISP did not know when you read them, with the page's host,
          title and address without query or fragment, and when — never page text, never from sites never
          scanned or MISP's own pages. At most 50,000, each deleted after "Keep for (days)" without being read
          again, or once MISP knows it and you were told.
        </li>
        <li>Session storage, cleared when the browser closes: what was found on each open tab.</li>
        <li>
          A scanned page's text is read inside the browser, by Sightline's background, which keeps none of it.
        </li>
      </ul>
      <h3>How to wipe it</h3>
      <p>
        "Clear cache" deletes every cached answer; "Forget seen indicators" deletes the seen-indicator
        history; "Remove" deletes an instance, its key, its watch and its alerts; removing the extension
        deletes everything.
      </p>
    </section>
  );
}
