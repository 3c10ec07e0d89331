import { z } from 'zod';

/** The answer to every protocol message: data, or an error the UI can show as it is. */
export const ErrorInfoSchema = z.object({
  kind: z.string(),
  message: z.string(),
  details: z.array(z.string()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const Result = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
  ]);

/** Who may send a message and what it carries: `ui` extension pages, `content` our content script, `any` either. */
export interface MessageSpec {
  from: 'ui' | 'content' | 'any';
  request: z.ZodType;
  response: z.ZodType;
}
