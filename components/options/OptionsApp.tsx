import type { FunctionComponent } from 'preact';
import { InstanceSection } from './InstanceSection';

/** The options page's sections, in order: one component (and file) each. */
const SECTIONS: FunctionComponent[] = [InstanceSection];

export function OptionsApp() {
  return (
    <main style={{ maxWidth: '44rem', margin: '0 auto', padding: '1.2rem' }}>
      <h1>Sightline</h1>
      {SECTIONS.map((Section) => (
        <Section key={Section.name} />
      ))}
    </main>
  );
}
