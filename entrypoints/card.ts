import { CardController } from '../lib/card/controller';
import { provideCardFactory } from '../lib/content/card-port';

// The hover card, injected by the background into a frame's isolated world the first time a card
// opens there (`card/load`); never listed in the manifest, never web-accessible.
export default defineUnlistedScript(() => {
  provideCardFactory((host) => new CardController(host));
});
