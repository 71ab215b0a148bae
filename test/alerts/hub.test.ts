import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_SILENCE } from '../../cards/alert.ts';
import { alertsCommand } from '../../commands/alerts.ts';
import { silenceAlertAction, silenceCommand } from '../../commands/silence.ts';
import { AlertPipeline } from '../../src/alerts/pipeline.ts';
import { createAlertService, type AlertBotServices } from '../../src/alerts/service.ts';
import type { AlertPublisher } from '../../src/alerts/types.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { cardText } from '../cards/helpers.ts';
import { tempDir, tempStore } from '../helpers/temp.ts';
import { staleAlert, T0 } from './helpers.ts';

test('through the real ChatHub: the card is posted to the routed channel, the button silences (agents only), the card changes in place', async (t) => {
  const { store } = await tempStore(t);
  const doc = await SettingsStore.open(tempDir(t));
  await doc.update((d) => {
    d.chat.routes = { alerts: ['mem:ops', 'mem:night'] };
    d.chat.users['mem:lucia'] = { role: 'agent', name: 'Lucía', language: 'es' };
    d.chat.users['mem:guest'] = { role: 'viewer' };
    d.language = 'zh-CN';
  });
  const clock = new ManualClock(T0);
  const log = createSilentLogger();
  const chat = new MemoryChat('mem', undefined, () => clock.now());
  let hub: ChatHub<AlertBotServices> | undefined;
  const pipeline = new AlertPipeline({
    db: store.db,
    settings: () => doc.get(),
    clock,
    log,
    publisher: { publish: (k, key, c) => (hub ? hub.publish(k, key, c) : Promise.resolve([])), updateCard: (key, c) => (hub ? hub.updateCard(key, c) : Promise.resolve()) },
  });
  const services = { alerts: createAlertService({ pipeline, settings: doc, clock }) };
  hub = new ChatHub<AlertBotServices>({ settings: () => doc.get(), posted: store.posted, commands: [alertsCommand, silenceCommand], actions: [silenceAlertAction], services, clock, log });
  // ChatHub itself satisfies the publisher port (the composition root can pass it as is).
  const port: AlertPublisher = hub;
  assert.equal(typeof port.publish, 'function');
  hub.register(chat);
  await hub.start();

  await pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 26)], resolved: [] });
  clock.advance(30_000);
  await pipeline.tick();
  const posted = [...chat.messages.values()];
  assert.deepEqual(posted.map((m) => m.channelId).sort(), ['night', 'ops'], 'one card per routed channel');
  const first = posted[0];
  assert.ok(first && typeof first.content !== 'string');
  assert.equal((first.content as Card).header?.title, '2 个订单超时未流转 · wms', 'posted in the settings language');
  const button = cardButtons(first.content as Card)[0];
  assert.equal(button?.actionId, ALERT_SILENCE);

  const click = (userId: string, n: number) =>
    chat.deliver({ kind: 'action', dedupeKey: `click-${n}`, actor: { platform: 'mem', userId }, place: { platform: 'mem', channelId: first.channelId }, actionId: ALERT_SILENCE, value: button?.value ?? '', message: { platform: 'mem', channelId: first.channelId, messageId: first.id }, raw: {} });
  await click('guest', 1);
  assert.match(chat.lastEphemeral(), /Agent|Viewer|客服|访客|Agente/i);
  assert.equal(doc.get().silences.length, 0, 'a viewer’s click changes nothing');

  await click('lucia', 2);
  assert.equal(doc.get().silences.length, 1);
  assert.match(chat.lastEphemeral(), /Silenciado `kind=stale source=wms shop=default`/);
  for (const m of chat.messages.values()) {
    assert.equal(m.versions, 2, `${m.channelId}: updated in place`);
    assert.match(cardText(m.content as Card), /🔕/);
  }

  await chat.deliver({ kind: 'command', dedupeKey: 'cmd-1', actor: { platform: 'mem', userId: 'lucia' }, place: { platform: 'mem', channelId: 'ops' }, name: 'alerts', args: [], text: '', raw: {} });
  const list = [...chat.messages.values()].at(-1)?.content as Card;
  assert.equal(list.header?.title, '1 grupo de alertas activo');
  assert.match(cardText(list), /Silencios/);
  await hub.stop();
});
