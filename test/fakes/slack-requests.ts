// Plays Slack towards our route: signs bodies (v0) like Slack does and posts slash commands, block_actions
// and Events API deliveries. The signature is computed here with node:crypto, independently of the adapter.
import { createHmac } from 'node:crypto';
import type { Clock } from '../../src/core/clock.ts';

/** An HTTP answer with how long it took. */
export interface SlackAnswer {
  status: number;
  text: string;
  ms: number;
}

/** v0 signature of `body` at `timestamp` (seconds). */
export function signSlackBody(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Form-encodes fields like Slack does for slash commands. */
export function slashBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Form-encodes an interactive payload (`payload=<json>`). */
export function interactiveBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Posts signed requests to one Slack route. */
export class SlackRequester {
  private trigger = 0;

  constructor(
    readonly url: string,
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  /** Posts `body` with the given headers (no signature added). */
  async raw(body: string, headers: Record<string, string>): Promise<SlackAnswer> {
    const started = performance.now();
    const res = await fetch(this.url, { method: 'POST', body, headers });
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - started };
  }

  /** Signs with the clock's current time (or `timestamp`) and posts. */
  signed(body: string, contentType: string, extra: Record<string, string> = {}, timestamp?: number): Promise<SlackAnswer> {
    const ts = timestamp ?? Math.floor(this.clock.now() / 1000);
    return this.raw(body, {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackBody(this.secret, ts, body),
      ...extra,
    });
  }

  /** A slash command like Slack sends it (`command` "/order", `text` "A1"). */
  slash(command: string, text: string, extra: Record<string, string> = {}): Promise<SlackAnswer> {
    this.trigger += 1;
    const fields = {
      token: 'deprecated-verification-token',
      team_id: 'T0FAKE01',
      team_domain: 'fake',
      channel_id: 'C0OPS0001',
      channel_name: 'ops',
      user_id: 'U0ALICE01',
      user_name: 'alice',
      command,
      text,
      api_app_id: 'A0FAKE01',
      response_url: 'https://hooks.slack.com/commands/T0FAKE01/1/abc',
      trigger_id: `${1000 + this.trigger}.1.trigger${this.trigger}`,
      ...extra,
    };
    return this.signed(slashBody(fields), 'application/x-www-form-urlencoded');
  }

  /** A block_actions payload. */
  blockActions(payload: unknown, headers: Record<string, string> = {}): Promise<SlackAnswer> {
    return this.signed(interactiveBody(payload), 'application/x-www-form-urlencoded', headers);
  }

  /** An Events API delivery (JSON). */
  event(envelope: unknown, headers: Record<string, string> = {}): Promise<SlackAnswer> {
    return this.signed(JSON.stringify(envelope), 'application/json', headers);
  }
}
