import type { FunctionComponent } from 'preact';
import { AppearanceSection } from './AppearanceSection';
import { BackupSection } from './BackupSection';
import { CacheSection } from './CacheSection';
import { HighlightSection } from './HighlightSection';
import { InstanceSection } from './InstanceSection';
import { PrivacySection } from './PrivacySection';
import { SeenIndicatorsSection } from './SeenIndicatorsSection';
import { SightingSourceSection } from './SightingSourceSection';
import { WarninglistSection } from './WarninglistSection';
import { WatchedTagsSection } from './WatchedTagsSection';

/** The options page's sections, in order: one component (and file) each. */
const SECTIONS: FunctionComponent[] = [
  InstanceSection,
  HighlightSection,
  WarninglistSection,
  WatchedTagsSection,
  SeenIndicatorsSection,
  SightingSourceSection,
  CacheSection,
  BackupSection,
  PrivacySection,
  AppearanceSection,
];

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
