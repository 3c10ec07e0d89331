import { startBackground } from '../lib/background';
import { bundledAnnotation, serverAnnotation } from '../lib/indicators/benign';

export default defineBackground({
  type: 'module',
  main() {
    startBackground({ annotators: { bundled: bundledAnnotation, server: serverAnnotation } });
  },
});
