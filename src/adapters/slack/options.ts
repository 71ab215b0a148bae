// Options of the Slack adapter and reading them from the environment.
import type { Clock } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { HttpServer } from '../../http/server.ts';
import type { SlackRetryPolicy } from './api.ts';

/** Slack's Web API base URL. */
export const SLACK_API_URL = 'https://slack.com/api/';

/** Everything `createSlackAdapter` takes. */
export interface SlackAdapterOptions {
  /** Bot token (xoxb-…). */
  botToken: string;
  /** Signing secret; required in HTTP mode. */
  signingSecret?: string | undefined;
  /** App-level token (xapp-…): when set, events arrive over Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  /** Web API base URL (default https://slack.com/api/); tests point it at the fake. */
  apiUrl?: string | undefined;
  /** Our shared HTTP server (HTTP mode registers POST `path` on it). */
  server?: HttpServer | undefined;
  clock: Clock;
  log: Logger;
  /** Route path in HTTP mode (default /slack/events). */
  path?: string;
  /** The umbrella slash command (`/orderops <command> …`), default "orderops". */
  mainCommand?: string;
  retry?: Partial<SlackRetryPolicy>;
  maxBodyBytes?: number;
  /** Origins response_url may use; default hooks.slack.com plus the apiUrl's origin when it is not Slack's. */
  responseUrlOrigins?: string[];
  /** fetch for response_url calls (default the global one). */
  fetch?: typeof fetch;
  /** Socket Mode tuning (tests shorten the ping timeouts). */
  socket?: { autoReconnect?: boolean; clientPingTimeoutMs?: number; serverPingTimeoutMs?: number };
}

/** The credentials part of the options, as read from the environment. */
export type SlackEnvOptions = Pick<SlackAdapterOptions, 'botToken' | 'signingSecret' | 'appToken' | 'apiUrl'>;

/**
 * Reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN and SLACK_API_URL; undefined when no bot token
 * is set (Slack off). A bot token without a way to receive events (secret or app token) is a configuration error.
 */
export function slackOptionsFromEnv(env: Record<string, string | undefined>): SlackEnvOptions | undefined {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const botToken = value('SLACK_BOT_TOKEN');
  if (!botToken) return undefined;
  const signingSecret = value('SLACK_SIGNING_SECRET');
  const appToken = value('SLACK_APP_TOKEN');
  if (!signingSecret && !appToken) {
    throw new UserError('slack.config', 'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is');
  }
  if (appToken && !appToken.startsWith('xapp-')) throw new UserError('slack.config', 'SLACK_APP_TOKEN must be an app-level token (xapp-…)');
  return { botToken, signingSecret, appToken, apiUrl: value('SLACK_API_URL') };
}
