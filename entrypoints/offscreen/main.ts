import { startPdfOffscreen } from '../../lib/pdf/offscreen';

startPdfOffscreen();
