import { startContentScript } from '../lib/content';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  runAt: 'document_idle',
  main(ctx) {
    void startContentScript(ctx);
  },
});
