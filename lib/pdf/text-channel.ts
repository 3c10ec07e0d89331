import { z } from 'zod';
import { PDF_PROBLEMS } from './extract';

/**
 * Between the background and the page that runs pdf.js for it (Chrome's offscreen document; on
 * Firefox the background page itself): "read the stored PDF `key`", answered with its page texts.
 */

export const PDF_TEXT_CHANNEL = 'sightline-pdf-text';

export const PdfTextRequestSchema = z.object({
  channel: z.literal(PDF_TEXT_CHANNEL),
  key: z.string().min(1).max(200),
});

export const PdfTextAnswerSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    texts: z.array(z.string()).max(10_000),
    title: z.string().max(500),
  }),
  z.object({
    ok: z.literal(false),
    problem: z.enum([...PDF_PROBLEMS, 'missing']),
    message: z.string().max(300),
  }),
]);
export type PdfTextAnswer = z.infer<typeof PdfTextAnswerSchema>;
