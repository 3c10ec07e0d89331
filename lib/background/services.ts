import type { SightlineDatabase } from '../db';
import type { Outbox } from '../outbox/outbox';
import type { Lookups } from './lookups';
import type { TabReports } from './tabs';

/** What the background's handlers share, opened once at start-up. */
export interface BackgroundServices {
  db: SightlineDatabase;
  lookups: Lookups;
  tabs: TabReports;
  outbox: Outbox;
}
