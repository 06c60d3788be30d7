/** Builds one person's Segment messages with ids that are unique across the whole shop. */
import { idSpace, permute, spaceKey, uuidFrom } from './ids.js';
import type { Rng } from './random.js';
import type { AliasMessage, IdentifyMessage, MessageContext, MessageIdentity, PageContext, PageMessage, TrackMessage } from './records.js';
import { isoTimestamp } from './time.js';

export class MessageBuilder {
  private counter = 0;
  private readonly high: number;

  constructor(
    seed: number,
    personIndex: number,
    private readonly rng: Rng,
  ) {
    // (person, counter) pairs are distinct, and uuidFrom is injective in them: no two messages share an id.
    this.high = permute(personIndex, 32, spaceKey(seed, idSpace.message));
  }

  private base(ms: number, who: MessageIdentity): { messageId: string; timestamp: string } & MessageIdentity {
    return {
      messageId: uuidFrom(this.high, this.counter++, this.rng.uint32(), this.rng.uint32()),
      timestamp: isoTimestamp(ms),
      ...(who.anonymousId === undefined ? {} : { anonymousId: who.anonymousId }),
      ...(who.userId === undefined ? {} : { userId: who.userId }),
    };
  }

  page(ms: number, who: MessageIdentity, context: MessageContext, name: string, properties: PageContext): PageMessage {
    return { type: 'page', ...this.base(ms, who), name, properties, context };
  }

  track(ms: number, who: MessageIdentity, context: MessageContext, event: string, properties: Record<string, unknown>): TrackMessage {
    return { type: 'track', ...this.base(ms, who), event, properties, context };
  }

  identify(ms: number, who: MessageIdentity, context: MessageContext, traits: Record<string, unknown>): IdentifyMessage {
    return { type: 'identify', ...this.base(ms, who), traits, context };
  }

  alias(ms: number, previousId: string, userId: string, context: MessageContext): AliasMessage {
    const { messageId, timestamp } = this.base(ms, {});
    return { type: 'alias', messageId, timestamp, anonymousId: previousId, previousId, userId, context };
  }
}
