// The group robot (channel "robot"): markdown, no buttons, a how-to-act line, 20 messages a minute queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError } from '../../../src/core/errors.ts';
import { renderRobotMarkdown } from '../../../src/adapters/wecom/robot.ts';
import { startWeComRig } from '../../fakes/wecom-harness.ts';

const alert = (n: number) =>
  card().header(`Order A${n} stuck for 2 days`, 'danger').fields([{ label: 'ERP', value: 'paid' }]).actions([
    { actionId: 'task.approve', label: 'Resend to WMS', value: `T${n}` },
    { actionId: 'task.reject', label: 'Ignore', value: `T${n}` },
  ]).build();

const tick = () => new Promise((r) => setImmediate(r));

test('a card to the robot is markdown without buttons that says how to act', async (t) => {
  const rig = await startWeComRig(t);
  const ref = await rig.adapter.post('robot', alert(1));
  assert.equal(ref.channelId, 'robot');
  const call = rig.fake.callsTo('/cgi-bin/webhook/send')[0];
  assert.equal(call?.query.key, rig.fake.webhookKey);
  const body = call?.body as { msgtype: string; markdown: { content: string } };
  assert.equal(body.msgtype, 'markdown');
  assert.match(body.markdown.content, /^\*\*<font color="warning">Order A1 stuck for 2 days<\/font>\*\*/);
  assert.match(body.markdown.content, /ERP: paid/);
  assert.match(body.markdown.content, /> Choices: Resend to WMS \/ Ignore\n> To act, open the orderops console or send \/tasks to the orderops app in WeCom\./);
  assert.doesNotMatch(JSON.stringify(body), /button|template_card/);
  assert.match(renderRobotMarkdown({ ...alert(2), language: 'zh-CN' }), /请打开 orderops 控制台/);
  assert.ok(Buffer.byteLength(renderRobotMarkdown(card().header('big').text('字'.repeat(5000)).build())) <= 4096);
});

test('more than 20 robot messages in a minute wait for the window instead of being refused', async (t) => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const rig = await startWeComRig(t, { clock });
  const sends = Array.from({ length: 23 }, (_v, i) => rig.adapter.post('robot', alert(i)));
  for (let i = 0; i < 200 && rig.fake.robotMessages.length < 20; i++) await tick();
  for (let i = 0; i < 50; i++) await tick();
  assert.equal(rig.fake.robotMessages.length, 20, 'twenty go at once');
  clock.advance(60_000);
  await Promise.all(sends);
  assert.equal(rig.fake.robotMessages.length, 23);
  assert.ok(rig.fake.callsTo('/cgi-bin/webhook/send').every((c) => c.answer.errcode === 0), 'WeCom never had to refuse one');
});

test('update on a robot message is a short follow-up; a removed robot (93000) is a PermanentError', async (t) => {
  const rig = await startWeComRig(t);
  const ref = await rig.adapter.post('robot', alert(5));
  assert.equal(await rig.adapter.update(ref, card().header('Order A5 resent to WMS', 'success').text('by alice').text('more').text('and more').text('hidden').build()), undefined);
  const follow = rig.fake.robotMessages[1]?.content ?? '';
  assert.match(follow, /^Update: \*\*<font color="info">Order A5 resent to WMS<\/font>\*\*\nby alice\nmore\nand more$/);
  const gone = await startWeComRig(t, { adapter: { webhookKey: 'removed-robot' } });
  await assert.rejects(gone.adapter.post('robot', alert(6)), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.93000');
  const none = await startWeComRig(t, { adapter: { webhookKey: undefined } });
  await assert.rejects(none.adapter.post('robot', alert(7)), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.no_robot');
});
