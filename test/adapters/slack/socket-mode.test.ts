// Socket Mode offline: Bolt's SocketModeReceiver really connects (apps.connections.open, then a WebSocket) to
// the fake, which sends envelopes and collects the acks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSlackAdapter } from '../../../src/adapters/slack/index.ts';
import type { ActionEvent, CommandEvent, InboundEvent } from '../../../src/core/chat.ts';
import { PermanentError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';

const FIXTURES = new URL('../../fixtures/platform-payloads/', import.meta.url);

async function setup(t: import('node:test').TestContext, appToken?: string) {
  const fake = await FakeSlackApi.start();
  const events: InboundEvent[] = [];
  let wake: () => void = () => undefined;
  const adapter = createSlackAdapter({
    botToken: fake.botToken,
    appToken: appToken ?? fake.appToken,
    apiUrl: fake.apiUrl,
    clock: new SkippingClock(Date.now()),
    log: createSilentLogger(),
    socket: { autoReconnect: false },
  });
  t.after(async () => {
    await adapter.stop();
    await fake.close();
  });
  const handler = async (e: InboundEvent): Promise<void> => {
    events.push(e);
    wake();
  };
  const next = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} events, got ${events.length}`)), 3000);
      wake = () => {
        if (events.length >= n) {
          clearTimeout(timer);
          resolve();
        }
      };
      wake();
    });
  return { fake, adapter, events, handler, next };
}

test('with an app token the adapter uses Socket Mode: commands and clicks arrive, each envelope is acked', async (t) => {
  const { fake, adapter, events, handler, next } = await setup(t);
  assert.equal(adapter.mode, 'socket');
  const connected = fake.nextSocket();
  await adapter.start(handler);
  const session = await connected;
  assert.equal(fake.callsTo('apps.connections.open')[0]?.token, fake.appToken);
  assert.equal(fake.callsTo('auth.test')[0]?.token, fake.botToken);

  const ack = await session.send('slash_commands', {
    command: '/orderops',
    text: 'order A1',
    user_id: 'U0ALICE01',
    channel_id: 'C0OPS0001',
    team_id: 'T0FAKE01',
    trigger_id: '777.1.socket',
    response_url: fake.responseUrl({ channel: 'C0OPS0001', user: 'U0ALICE01' }),
  });
  assert.deepEqual(ack, {});
  await next(1);
  const cmd = events[0] as CommandEvent;
  assert.deepEqual([cmd.name, cmd.args, cmd.dedupeKey], ['order', ['A1'], '777.1.socket']);

  const click = JSON.parse(readFileSync(new URL('slack-block-actions.json', FIXTURES), 'utf8')) as Record<string, unknown>;
  await session.send('interactive', click);
  await next(2);
  const action = events[1] as ActionEvent;
  assert.deepEqual([action.actionId, action.value, action.message?.messageId], ['WaXA', 'click_me_123', '1548261231.000200']);

  // A redelivery (retry_attempt) of an event already acked is acked again but not processed.
  const event = { type: 'event_callback', team_id: 'T0FAKE01', event_id: 'Ev0SOCKET1', event: { type: 'app_mention', user: 'U0ALICE01', text: '<@UBOT0001> status', channel: 'C0OPS0001', ts: '1.1' } };
  await session.send('events_api', event);
  await session.send('events_api', event, { retryAttempt: 1, retryReason: 'timeout' });
  await next(3);
  await adapter.idle();
  assert.equal(events.length, 3);
  assert.equal(session.acks.length, 4);
  assert.equal((events[2] as CommandEvent).name, 'status');
  await adapter.stop();
});

test('a wrong app token fails start with invalid_auth', async (t) => {
  const { adapter, handler } = await setup(t, 'xapp-wrong');
  await assert.rejects(adapter.start(handler), (err: unknown) => err instanceof PermanentError && err.code === 'invalid_auth');
});
