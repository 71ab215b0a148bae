// A customer message no channel can deliver becomes one finding, one alert and one staff task with the reasons per
// channel (no contact details on any card); Resend sends it again under a new key, Contacted sends nothing; both
// resolve the finding. The real domain over a temp SQLite store, with fake channels that fail on request.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import type { BotServices } from '../../commands/services.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import type { Card } from '../../src/core/card.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError } from '../../src/core/errors.ts';
import { getT } from '../../src/core/i18n.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { CustomerChannel, CustomerChannelName, CustomerMessage, SendReceipt } from '../../src/core/notify.ts';
import { createDomain, type Domain } from '../../src/domain.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import type { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, SourcePage } from '../../src/sync/sources/types.ts';
import type { Task } from '../../src/tasks/types.ts';
import { cardText } from '../cards/helpers.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { settingsWith, tempDir, tempStore } from '../helpers/temp.ts';

const PHONE = '+8613812345678';
const EMAIL = 'li.na@example.com';
const CUSTOMER = { id: 'C-LI', name: '李娜', phone: PHONE, email: EMAIL, openid: 'oLiNa0000000000000000000000A', language: 'zh-CN', timeZone: 'Asia/Shanghai', preferredChannel: 'wechat' };

/** A channel that sends (recording the idempotency key) unless told to fail permanently. */
class FakeChannel implements CustomerChannel {
  readonly sent: string[] = [];
  failWith: (() => Error) | undefined;
  constructor(readonly name: CustomerChannelName) {}
  canReach(): boolean {
    return true;
  }
  async send(message: CustomerMessage): Promise<SendReceipt> {
    if (this.failWith) throw this.failWith();
    this.sent.push(message.key);
    return { channel: this.name, providerId: `${this.name}-${this.sent.length}` };
  }
}

async function* nothing(): AsyncGenerator<SourcePage> {}

interface World {
  store: Store;
  clock: ManualClock;
  domain: Domain;
  ops: MemoryChat;
  wechat: FakeChannel;
  sms: FakeChannel;
  /** Commits order `orderId` as shipped (its customer: CUSTOMER) and queues the status message. */
  ship(orderId: string): Promise<void>;
  /** Sends what is due and lets the raised finding reach alerts and tasks. */
  dispatch(): Promise<void>;
  tasks(): Promise<Task[]>;
  /** Every posted copy of a card, as text (the versions of one message are its latest content). */
  texts(cardKey: string): Promise<string[]>;
}

async function makeWorld(t: TestContext): Promise<World> {
  const { store } = await tempStore(t);
  const settings = await SettingsStore.open(tempDir(t));
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 4)); // 12:00 in Shanghai: no quiet hours
  const log = createSilentLogger();
  const engine = new SyncEngine({ store, settings: () => settings.get(), sources: new Map(), clock, log });
  const sources = new Map<string, OrderSource>([['oms', { name: 'oms', kind: 'fake', pull: nothing }]]);
  const sourceSettings = settingsWith([{ name: 'oms' }]).sources;
  const wechat = new FakeChannel('wechat_template');
  const sms = new FakeChannel('sms');
  let hub: ChatHub<BotServices> | undefined;
  const domain = createDomain({
    store,
    settings,
    effective: () => ({ ...settings.get(), sources: sourceSettings }),
    engine,
    sources,
    channels: [wechat, sms],
    clock,
    log,
    timeZone: 'UTC',
    hub: () => {
      if (!hub) throw new Error('hub not built');
      return hub;
    },
  });
  hub = new ChatHub<BotServices>({ settings: () => settings.get(), posted: store.posted, commands: COMMANDS, actions: ACTIONS, services: domain.services, clock, log });
  const ops = new MemoryChat('console', undefined, () => clock.now());
  hub.register(ops);
  await hub.start();
  t.after(() => domain.stop());
  // The first scan reconciles the pipeline; from then on raised findings are forwarded as they come.
  await domain.detect.scan();
  let runId = 0;
  return {
    store,
    clock,
    domain,
    ops,
    wechat,
    sms,
    async ship(orderId) {
      const records = [{ orderId, system: 'oms', status: 'shipped' as const, rawStatus: 'shipped', updatedAt: clock.now() - 60_000, amount: 80, currency: 'CNY', customer: CUSTOMER }];
      await store.db.transaction(async () => {
        const result = await store.applyBatch({ runId: ++runId, source: 'oms', system: 'oms', now: clock.now(), authority: settings.get().authority, records });
        await domain.notifier.enqueue(result.canonicalChanges);
      });
    },
    async dispatch() {
      await domain.notifier.drain();
      await domain.detect.idle();
    },
    tasks: () => domain.tasks.list('all', 'console:alice'),
    async texts(cardKey) {
      return (await store.posted.copies(cardKey)).map((ref) => {
        const m = ops.messages.get(ref.messageId);
        assert.ok(m, `copy ${ref.messageId} exists`);
        return cardText(m.content as Card);
      });
    },
  };
}

const WECHAT_43004 = (): Error => new PermanentError('recipient.unreachable', 'WeChat cannot reach this follower (43004)', { errcode: 43004 });
// A gateway quoting the number it could not reach: it must not reach staff unmasked.
const SMS_INVALID = (): Error => new PermanentError('recipient.unreachable', `SMS gateway cannot reach ${PHONE} (invalid_number)`, { status: 400, error: 'invalid_number' });
const AGENT = { key: 'console:lucia', name: 'Lucía', role: 'agent' as const };

async function failEverywhere(t: TestContext): Promise<{ w: World; task: Task }> {
  const w = await makeWorld(t);
  w.wechat.failWith = WECHAT_43004;
  w.sms.failWith = SMS_INVALID;
  await w.ship('S1');
  await w.dispatch();
  const tasks = await w.tasks();
  assert.equal(tasks.length, 1, 'one task');
  const [task] = tasks;
  assert.ok(task);
  return { w, task };
}

test('every channel failing permanently opens one finding, one alert and one task with the reasons; no contact on any card', async (t) => {
  const { w, task } = await failEverywhere(t);
  assert.deepEqual([w.wechat.sent, w.sms.sent], [[], []]);
  const findings = await w.store.findings.open({ kind: 'undeliverable' });
  assert.deepEqual(
    findings.map((f) => [f.fingerprint, f.orderId, f.source]),
    [['undeliverable:S1:shipped', 'S1', 'notify']],
  );
  assert.deepEqual(findings[0]?.details.reasons, [
    { channel: 'wechat_template', code: 'recipient.unreachable', message: 'WeChat cannot reach this follower (43004)', provider: '43004' },
    { channel: 'sms', code: 'recipient.unreachable', message: 'SMS gateway cannot reach +86138****5678 (invalid_number)', provider: 'invalid_number' },
  ]);
  assert.deepEqual([task.kind, task.fingerprint, task.orderId, task.state, task.choices, task.suggested], ['undeliverable', 'undeliverable:S1:shipped', 'S1', 'open', ['resend', 'contacted'], 'resend']);
  assert.equal(task.details.key, 'S1:shipped:shipped');
  assert.equal(task.details.customerId, 'C-LI');

  // The task card, posted to the tasks route in the staff language (zh-CN), then read in English too.
  const [zh] = await w.texts(taskCardKey(task.id));
  assert.ok(zh, 'the task card was posted');
  assert.match(zh, /微信模板消息：客户未关注公众号/);
  assert.match(zh, /短信：无法通过此渠道联系到客户/);
  const factory = await w.domain.tasks.card(task.id);
  assert.ok(factory);
  const en = cardText(factory(getT('en', 'cards')));
  assert.match(en, /WeChat template message: the customer does not follow the official account `recipient\.unreachable 43004`/);
  assert.match(en, /SMS: the customer cannot be reached on this channel `recipient\.unreachable invalid_number`/);

  // The alert pipeline has it too: one group of undeliverable messages, posted after group_wait.
  const snaps = await w.domain.alerts.snapshots();
  assert.deepEqual(
    snaps.map((s) => [s.view.kind, s.view.source, s.firing]),
    [['undeliverable', 'notify', 1]],
  );
  w.clock.advance(60_000);
  await w.domain.alerts.tick();
  const alertCards = [...w.ops.messages.values()].map((m) => cardText(m.content as Card)).filter((text) => text.includes('undeliverable') || text.includes('客户消息'));
  assert.ok(alertCards.length >= 1, 'an alert card was posted');
  for (const text of [zh, en, ...alertCards]) {
    assert.ok(!text.includes('13812345678'), `no phone number on a card:\n${text}`);
    assert.ok(!text.includes(EMAIL), 'no email address on a card');
    assert.ok(!text.includes(CUSTOMER.openid), 'no openid on a card');
  }
});

test('a second failure of the same message does not open a second task', async (t) => {
  const { w, task } = await failEverywhere(t);
  // The same message again (a redelivered report, a retried row) and the next scans: still the one finding and task.
  await w.domain.notifier.drain();
  await w.store.findings.raise({ kind: 'undeliverable', fingerprint: task.fingerprint, source: 'notify', orderId: 'S1', details: task.details }, w.clock.now());
  await w.domain.detect.forwardRaised();
  await w.domain.detect.scan();
  assert.deepEqual((await w.tasks()).map((x) => x.id), [task.id]);
  assert.equal((await w.store.findings.open({ kind: 'undeliverable' })).length, 1);
});

test('Resend sends the message again with a new key through a channel that now works; the task is done, the finding resolved', async (t) => {
  const { w, task } = await failEverywhere(t);
  w.sms.failWith = undefined; // e.g. the customer's number was corrected
  const outcome = await w.domain.tasks.approve(task.id, AGENT, 'resend');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  await w.dispatch();
  assert.deepEqual(w.sms.sent, ['S1:shipped:shipped#resend-1'], 'sent once, under a new idempotency key');
  assert.deepEqual(w.wechat.sent, []);
  const done = await w.domain.tasks.get(task.id);
  assert.equal(done?.state, 'done');
  assert.deepEqual(done?.result?.lines, [{ key: 'resent', vars: { orderId: 'S1', key: 'S1:shipped:shipped#resend-1' } }]);
  assert.deepEqual(await w.store.findings.open({ kind: 'undeliverable' }), [], 'the finding is resolved');
  assert.deepEqual(await w.domain.alerts.snapshots(), [], 'its alert resolved');
  const audit = await w.store.db.all<{ actor: string; action: string }>("SELECT actor, action FROM audit WHERE type = 'notify'");
  assert.deepEqual(audit.map((a) => [a.actor, a.action]), [['console:lucia', 'resend']], 'the resend is audited as the approver');
  assert.equal((await w.tasks()).length, 1);
});

test('a resend that fails on every channel again opens a new task (a new episode of the same problem)', async (t) => {
  const { w, task } = await failEverywhere(t);
  assert.equal((await w.domain.tasks.approve(task.id, AGENT, 'resend')).ok, true);
  await w.dispatch();
  const tasks = await w.tasks();
  assert.equal(tasks.length, 2, 'the failed resend is a new task');
  const newest = tasks.find((x) => x.id !== task.id);
  assert.deepEqual([newest?.state, newest?.details.key], ['open', 'S1:shipped:shipped#resend-1']);
  assert.equal((await w.domain.tasks.get(task.id))?.state, 'done');
});

test('Contacted closes the task and resolves the finding without sending anything', async (t) => {
  const { w, task } = await failEverywhere(t);
  w.sms.failWith = undefined;
  const outcome = await w.domain.tasks.approve(task.id, AGENT, 'contacted');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  await w.dispatch();
  assert.deepEqual([w.wechat.sent, w.sms.sent], [[], []], 'nothing was sent');
  assert.equal((await w.store.db.all('SELECT key FROM notify_outbox')).length, 1, 'nothing was queued');
  const done = await w.domain.tasks.get(task.id);
  assert.deepEqual([done?.state, done?.result?.lines], ['done', [{ key: 'contacted' }]]);
  assert.deepEqual(await w.store.findings.open({ kind: 'undeliverable' }), []);
  const [zh] = await w.texts(taskCardKey(task.id));
  assert.match(zh ?? '', /已标记为处理完毕/);
});
