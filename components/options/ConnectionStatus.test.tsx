import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../lib/messages';
import { roleSummary } from './ConnectionStatus';

const info = (add: boolean, sighting: boolean, roleName: string): ConnectionInfo => ({
  version: '2.5.1',
  userEmail: 'ana@company.test',
  orgName: 'Company',
  roleName,
  permissions: { add, modify: add, publish: false, tagger: false, tagEditor: false, sighting },
});

describe('what the key’s role allows, in the options page', () => {
  it('says what MISP refuses and what Sightline hides', () => {
    expect(roleSummary(info(false, false, 'Read Only'))).toBe(
      'Role Read Only: this key may look values up, but MISP refuses new events and sightings from it, so Sightline hides “Create event” and “Add to existing event” and the sighting buttons.',
    );
    expect(roleSummary(info(true, false, 'Publisher'))).toContain('hides the sighting buttons');
    expect(roleSummary(info(true, true, 'User'))).toBe(
      'Role User: Sightline offers lookups, sightings and new events.',
    );
  });
});
