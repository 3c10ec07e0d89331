import { startBackground } from '../lib/background';
import { bundledBenignMark } from '../lib/indicators/benign';

export default defineBackground({
  type: 'module',
  main() {
    startBackground({ isBenign: ({ type, value }) => bundledBenignMark(type, value)?.listName ?? null });
  },
});
