// The Responder handed to the hub with each inbound event: reply in the channel, or only to the actor.
import type { PostedRef, Responder } from '../../core/chat.ts';
import { describeError, PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ResponseUrlBody, SlackApi } from './api.ts';
import type { SlackReplyTarget } from './inbound.ts';
import { renderSlackOutbound, type SlackMessage } from './render.ts';

// chat.postMessage cannot reach a channel the bot is not in (or a DM between two people); the
// response_url of a command or click still can.
const USE_RESPONSE_URL = new Set(['not_in_channel', 'channel_not_found']);

function responseBody(message: SlackMessage, type: 'ephemeral' | 'in_channel', threadTs: string | undefined): ResponseUrlBody {
  return {
    text: message.text,
    ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
    response_type: type,
    replace_original: false,
    ...(threadTs && type === 'in_channel' ? { thread_ts: threadTs } : {}),
  };
}

/** A Responder for one Slack event. */
export function createSlackResponder(api: SlackApi, target: SlackReplyTarget, log: Logger): Responder {
  const responseUrl = target.responseUrl && api.allowsResponseUrl(target.responseUrl) ? target.responseUrl : undefined;
  return {
    async reply(content): Promise<PostedRef | undefined> {
      const message = renderSlackOutbound(content);
      try {
        const r = await api.post(target.channelId, message, target.threadTs);
        return { platform: 'slack', channelId: r.channel, messageId: r.ts };
      } catch (err) {
        if (!(err instanceof PermanentError && USE_RESPONSE_URL.has(err.code) && responseUrl)) throw err;
        log.info({ channel: target.channelId, code: err.code }, 'chat.postMessage refused; replying through response_url');
        await api.respond(responseUrl, responseBody(message, 'in_channel', target.threadTs));
        return undefined;
      }
    },
    async ephemeral(content): Promise<void> {
      const message = renderSlackOutbound(content);
      if (responseUrl) {
        try {
          await api.respond(responseUrl, responseBody(message, 'ephemeral', target.threadTs));
          return;
        } catch (err) {
          // An expired or used-up response_url (5 uses, 30 minutes): chat.postEphemeral still works.
          if (!(err instanceof PermanentError)) throw err;
          log.info({ err: describeError(err) }, 'response_url refused; using chat.postEphemeral');
        }
      }
      await api.postEphemeral(target.channelId, target.userId, message, target.threadTs);
    },
  };
}
