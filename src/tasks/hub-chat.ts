// TaskChat over the chat hub: publish by route, update every copy, DM the on-duty approver, post to the admin channel.
import type { Card } from '../core/card.ts';
import type { Place, PostedRef } from '../core/chat.ts';
import type { CardFactory } from '../core/command.ts';
import { OrderOpsError } from '../core/errors.ts';
import { routeKey } from '../chat/routes.ts';
import type { TaskChat } from './ports.ts';

/** The hub methods TaskChat needs (ChatHub has them). */
export interface TaskChatHub {
  publish(kind: string, cardKey: string, card: Card | CardFactory): Promise<PostedRef[]>;
  updateCard(cardKey: string, card: Card | CardFactory): Promise<void>;
  postTracked(place: Place, cardKey: string, card: Card | CardFactory, language: string): Promise<PostedRef>;
  person(platform: string, userId: string): { language: string };
  platforms(): string[];
}

function split(hub: TaskChatHub, target: string): { platform: string; id: string } {
  const sep = target.indexOf(':');
  const platform = target.slice(0, sep);
  if (sep <= 0 || !hub.platforms().includes(platform)) throw new OrderOpsError('tasks.no_platform', `no chat platform for ${target}`);
  return { platform, id: target.slice(sep + 1) };
}

/**
 * Task cards through the hub: route `tasks` for new cards; a person is reached by posting to their user id as
 * the channel (a DM on Slack; a personal channel on the console); the admin channel copy is tracked so it updates too.
 * `hub` is a getter because the hub is built after the services that hold the task service.
 */
export function createHubTaskChat(hub: () => TaskChatHub, opts: { route?: string; language: () => string }): TaskChat {
  const route = opts.route ?? 'tasks';
  return {
    publish: async (cardKey, card, kind) => void (await hub().publish(routeKey(route, kind), cardKey, card)),
    update: (cardKey, card) => hub().updateCard(cardKey, card),
    notifyPerson: async (person, cardKey, card) => {
      const { platform, id } = split(hub(), person);
      await hub().postTracked({ platform, channelId: id }, cardKey, card, hub().person(platform, id).language);
    },
    notifyChannel: async (channel, cardKey, card) => {
      const { platform, id } = split(hub(), channel);
      await hub().postTracked({ platform, channelId: id }, cardKey, card, opts.language());
    },
  };
}
