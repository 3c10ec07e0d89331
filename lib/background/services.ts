import type { SightlineDatabase } from '../db';
import type { Outbox } from '../outbox/outbox';
import type { Lookups } from './lookups';
import type { SenderScope } from './sender-scope';
import type { TabReports } from './tabs';

/** What the background's handlers share, opened once at start-up. */
export interface BackgroundServices {
  db: SightlineDatabase;
  lookups: Lookups;
  tabs: TabReports;
  outbox: Outbox;
  /** What each tab's content script may ask about, and how often. */
  scope: SenderScope;
}
