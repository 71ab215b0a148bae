// An in-memory chat platform implementing the ChatAdapter port with real behaviour (for hub tests).
import type { Card } from '../../src/core/card.ts';
import type { ChatAdapter, ChatLimits, InboundEvent, InboundHandler, Outbound, PostedRef, Responder } from '../../src/core/chat.ts';

/** A message as the fake platform stores it. */
export interface MemoryMessage {
  id: string;
  channelId: string;
  content: Outbound;
  versions: number;
}

/** A fake platform: posts and updates are stored; `deliver` plays an inbound event and collects the answers. */
export class MemoryChat implements ChatAdapter {
  readonly messages = new Map<string, MemoryMessage>();
  readonly ephemerals: { userId: string; content: Outbound }[] = [];
  readonly sendLog: { op: 'post' | 'update'; channelId: string; at: number }[] = [];
  private handler: InboundHandler | undefined;
  private seq = 0;

  constructor(
    readonly platform: string,
    readonly limits: ChatLimits = { perChannelPerSecond: 1000, burst: 1000 },
    private readonly now: () => number = () => Date.now(),
  ) {}

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  async post(channelId: string, content: Outbound): Promise<PostedRef> {
    const id = `${this.platform}-m${++this.seq}`;
    this.messages.set(id, { id, channelId, content, versions: 1 });
    this.sendLog.push({ op: 'post', channelId, at: this.now() });
    return { platform: this.platform, channelId, messageId: id };
  }

  async update(ref: PostedRef, content: Card): Promise<void> {
    const m = this.messages.get(ref.messageId);
    if (!m) throw new Error(`message_not_found ${ref.messageId}`);
    m.content = content;
    m.versions++;
    this.sendLog.push({ op: 'update', channelId: ref.channelId, at: this.now() });
  }

  /** Delivers an event the way a platform would; resolves when the hub is done with it. */
  async deliver(event: InboundEvent): Promise<void> {
    if (!this.handler) throw new Error('not started');
    const respond: Responder = {
      reply: (content) => this.post(event.place.channelId, content),
      ephemeral: async (content) => void this.ephemerals.push({ userId: event.actor.userId, content }),
    };
    await this.handler(event, respond);
  }

  /** Text of the last ephemeral answer. */
  lastEphemeral(): string {
    const c = this.ephemerals.at(-1)?.content;
    return typeof c === 'string' ? c : (c?.fallbackText ?? '');
  }
}
