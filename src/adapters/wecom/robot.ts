// The group robot (消息推送, formerly 群机器人): markdown into one group chat, no buttons (its template cards have
// no callbacks), 20 messages a minute. It is an alert route: a card's buttons become a line naming the choices
// and saying where to act. Sends above the cap wait in order for the sliding minute to free a slot.
import type { Card } from '../../core/card.ts';
import { cardButtons } from '../../core/card.ts';
import type { Clock } from '../../core/clock.ts';
import { getT } from '../../core/i18n.ts';
import { WECOM_LIMITS as L } from './limits.ts';
import { elementLines, truncateBytes } from './text.ts';

/** The channel id that means "the group robot". */
export const ROBOT_CHANNEL = 'robot';

const COLOR = { info: 'comment', success: 'info', warning: 'warning', danger: 'warning' } as const;

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

/** A card as robot markdown (≤ 4096 bytes): title, body, and how to act when the card had buttons. */
export function renderRobotMarkdown(card: Card, opts: { updated?: boolean } = {}): string {
  const t = getT(card.language, 'wecom');
  const title = (card.header?.title ?? card.fallbackText).replace(/\s+/g, ' ').trim();
  const head = `${opts.updated ? `${t('robot.updated')}: ` : ''}**<font color="${COLOR[card.header?.severity ?? 'info']}">${title}</font>**`;
  const buttons = cardButtons(card);
  const tail = buttons.length > 0 && !opts.updated ? `\n${quote(`${t('robot.actions', { labels: buttons.map((b) => b.label).join(' / ') })}\n${t('robot.howToAct')}`)}` : '';
  // A follow-up (the robot cannot edit) is short: the new title and the first lines say what changed.
  const lines = card.elements.flatMap((e) => elementLines(e, false));
  const body = (opts.updated ? lines.slice(0, 3) : lines).join('\n');
  const budget = L.markdownBytes - Buffer.byteLength(head) - Buffer.byteLength(tail) - 2;
  const text = body.trim() === '' ? '' : `\n${truncateBytes(body, Math.max(16, budget))}`;
  return truncateBytes(`${head}${text}${tail}`, L.markdownBytes);
}

/** Plain text for the robot (markdown too: WeCom shows it as written). */
export function renderRobotText(text: string): string {
  return truncateBytes(text.trim() === '' ? '…' : text, L.markdownBytes);
}

/** A sliding one-minute window: `take()` resolves when a send fits under the per-minute cap. */
export class MinuteWindow {
  private readonly sent: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  /** Waits (in order) for a free slot and takes it. */
  take(): Promise<void> {
    const run = this.tail.then(async () => {
      if (!Number.isFinite(this.perMinute)) return;
      for (;;) {
        const now = this.clock.now();
        while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - 60_000) this.sent.shift();
        if (this.sent.length < this.perMinute) {
          this.sent.push(now);
          return;
        }
        await this.clock.sleep((this.sent[0] ?? now) + 60_000 - now);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
