import { z } from 'zod';
import { type MessageSpec, Result } from './result';

/** PDFs: a tab that shows one is read in the background and becomes a page like any other. */

export const PdfTabSchema = z.object({
  /** False: the tab shows no PDF (the popup then shows the page as it is). */
  isPdf: z.boolean(),
  name: z.string().max(300).optional(),
  pages: z.number().int().nonnegative().optional(),
  /** Why its text could not be read (encrypted, scanned, too large…): one line for the analyst. */
  problem: z.string().max(300).optional(),
  /** Lookups still under way (checking, or failed and asked again): ask again for fresh statuses. */
  waiting: z.boolean().optional(),
});
export type PdfTab = z.infer<typeof PdfTabSchema>;

export const pdfMessages = {
  /**
   * The popup asks the background to read the tab's PDF (when the tab's content script reported
   * nothing): fetched as the tab's page, its text extracted and looked up, reported as the tab's page.
   */
  'pdf/tab': {
    from: 'ui',
    request: z.object({ tabId: z.number().int().nonnegative() }),
    response: Result(PdfTabSchema),
  },
} as const satisfies Record<string, MessageSpec>;
