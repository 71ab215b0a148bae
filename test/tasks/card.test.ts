import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTaskCard, TASK_APPROVE, TASK_CHOOSE, type TaskCardView } from '../../cards/task.ts';
import { buildTasksCard } from '../../cards/tasks.ts';
import { cardButtons } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { choicesFor } from '../../src/tasks/choices.ts';
import { TASK_STATES, type Task, type TaskKind } from '../../src/tasks/types.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0);

const DETAILS: Record<TaskKind, Record<string, unknown>> = {
  mismatch: { views: [{ system: 'erp', status: 'cancelled', raw: 'X' }, { system: 'wms', status: 'shipped', raw: 'Y' }, { system: 'oms', status: 'shipped', raw: 'Z' }], since: T0 },
  stock: { system: 'wms', raw: '缺货', status: 'paid', items: [{ sku: 'SKU-1', qty: 2 }] },
  price: { amounts: [{ system: 'erp', amount: 99, currency: 'CNY' }, { system: 'shop', amount: 89, currency: 'CNY' }], expected: 99, deviationPercent: 10.1 },
  source_down: { failures: 3, error: 'connect ECONNREFUSED, call +86 13812345678', code: 'net', fallback: 'erp-backup', fallbackOk: true },
  regression: { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: T0 },
  undeliverable: {
    template: 'shipped',
    key: 'A1:shipped:shipped',
    customerId: 'C-1',
    at: T0,
    reasons: [
      { channel: 'wechat_template', code: 'recipient.unreachable', message: 'WeChat cannot reach this follower (43004)', provider: '43004' },
      { channel: 'sms', code: 'sms.weird', message: 'gateway refused 13812345678 and ann@example.com' },
    ],
  },
  address: {
    problems: ['disagree', 'incomplete'],
    status: 'paid',
    since: T0,
    views: [
      { system: 'shop', masked: '浙江省杭州市**** (张** 138****5678)', missing: [], changedAt: T0 },
      { system: 'wms', masked: '****, London', missing: ['street'], changedAt: T0 - 60_000 },
    ],
    differs: ['street', 'postalCode'],
    confirm: 'shop',
  },
};

function task(kind: TaskKind, patch: Partial<Task> = {}): Task {
  const plan = choicesFor(kind, DETAILS[kind]);
  assert.ok(plan, kind);
  return {
    id: 7, fingerprint: `${kind}:x`, kind, source: 'erp', orderId: kind === 'source_down' ? null : 'A1', details: DETAILS[kind],
    order: { amount: 120, currency: 'CNY', views: [], phone: '13812345678', address: '12 Calle Mayor, 28013 Madrid, Spain' },
    amount: 120, currency: 'CNY', choices: plan.choices, suggested: plan.suggested, state: 'open', version: 1, choice: null, approvals: [],
    claimedBy: null, claimedName: null, snoozedUntil: null, dueAt: T0 + 3_600_000, escalation: 0, attempts: 0, result: null, error: null,
    undoUntil: null, closedReason: null, reason: null, findingOpen: true, createdAt: T0, updatedAt: T0, ...patch,
  };
}

const view = (t: Task, patch: Partial<TaskCardView> = {}): TaskCardView => ({ task: t, history: [{ at: T0, actor: 'a:li', actorName: 'Li', action: 'approval', fromState: 'open', toState: 'open', data: { choice: t.suggested, have: 1, needed: 2 } }], now: T0, timeZone: 'Asia/Shanghai', approvalsNeeded: 1, roles: ['approver', 'admin'], ...patch });

test('every kind in every state renders in every language without leaked keys; customer data is masked', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang, 'cards');
    for (const kind of Object.keys(DETAILS) as TaskKind[]) {
      for (const state of TASK_STATES) {
        const c = buildTaskCard(view(task(kind, { state, choice: 'x', error: 'boom', attempts: 2, reason: 'no', closedReason: 'resolved', undoUntil: T0 + 1, result: { lines: [{ key: 'pushed', vars: { system: 'erp', status: 'shipped' } }, { key: 'priced', vars: { system: 'erp', amount: 99, currency: 'CNY' } }], compensation: { type: 'nothing' } } })), t);
        assertNoKeyLeaks(c, `${lang} ${kind} ${state}`);
        const text = cardText(c);
        assert.doesNotMatch(text, /13812345678|Calle Mayor/, 'phone and street never shown');
        assert.doesNotMatch(text, /tasks:|tasks\./, `${lang} ${kind} ${state}`);
      }
    }
  }
  const en = cardText(buildTaskCard(view(task('stock')), getT('en', 'cards')));
  assert.match(en, /138\*\*\*\*5678/);
  assert.match(en, /\*\*\*\*, 28013 Madrid, Spain/);
  assert.match(cardText(buildTaskCard(view(task('source_down')), getT('en', 'cards'))), /ECONNREFUSED, call \+86 138\*\*\*\*5678/);
});

test('choices: one per disagreeing opinion, the suggested one behind Approve; destructive ones confirm', () => {
  const m = task('mismatch');
  assert.deepEqual(m.choices, ['trust:erp', 'trust:wms'], 'oms agrees with wms: one choice');
  assert.equal(m.suggested, 'trust:wms', 'the shipped view, not the cancellation named first');
  const c = buildTaskCard(view(task('stock')), getT('en', 'cards'));
  const buttons = cardButtons(c);
  assert.deepEqual(buttons.filter((b) => b.actionId === TASK_APPROVE || b.actionId === TASK_CHOOSE).map((b) => b.label), ['Approve: Wait for stock', 'Contact the customer', 'Cancel the order']);
  assert.ok(buttons.find((b) => b.label === 'Cancel the order')?.confirm);
  assert.equal(buttons.find((b) => b.label === 'Contact the customer')?.confirm, undefined);
  assert.deepEqual(choicesFor('source_down', { ...DETAILS.source_down, fallback: null }), { choices: ['ack'], suggested: 'ack' });
  assert.equal(choicesFor('mismatch', { views: 'nope' }), undefined, 'unreadable details make no task');
  const zh = cardText(buildTaskCard(view(task('price')), getT('zh-CN', 'cards')));
  assert.match(zh, /erp：¥99\.00 · shop：¥89\.00/);
  assert.match(zh, /应为 ¥99\.00（偏差 10\.1%）/);
});

test('the suggested mismatch choice is the view furthest along physically; a cancellation only wins before anything shipped', () => {
  const suggested = (...views: [string, string][]): string | undefined => choicesFor('mismatch', { views: views.map(([system, status]) => ({ system, status })) })?.suggested;
  // ERP cancelled / WMS shipped: pushing cancelled onto a shipped order fails; the goods are on their way.
  assert.equal(suggested(['erp', 'cancelled'], ['wms', 'shipped']), 'trust:wms');
  assert.equal(suggested(['wms', 'shipped'], ['erp', 'cancelled']), 'trust:wms', 'whichever is named first');
  assert.equal(suggested(['erp', 'cancelled'], ['wms', 'delivered'], ['shop', 'in_transit']), 'trust:wms');
  // Nothing has left the warehouse: the cancellation stands (packed → cancelled is a legal move, not the reverse).
  assert.equal(suggested(['wms', 'packed'], ['erp', 'cancelled']), 'trust:erp');
  assert.equal(suggested(['erp', 'paid'], ['wms', 'picking']), 'trust:wms', 'the warehouse is further along than the ERP');
  // Coming back and money going back are beyond delivery.
  assert.equal(suggested(['wms', 'delivered'], ['shop', 'refund_requested']), 'trust:shop');
  assert.equal(suggested(['erp', 'returned'], ['shop', 'refunded']), 'trust:shop');
  assert.equal(suggested(['erp', 'cancelled'], ['shop', 'refunded']), 'trust:shop');
  assert.equal(suggested(['erp', 'completed'], ['wms', 'exception']), 'trust:erp');
});

test('the list card: empty per filter, severity by what is in it', () => {
  const empty = buildTasksCard({ filter: 'open', tasks: [], now: T0 }, getT('en', 'cards'));
  assert.equal(empty.header?.title, 'Tasks · Open (0)');
  assert.match(cardText(empty), /Nothing needs a person right now/);
  assert.equal(empty.header?.severity, 'success');
  const failed = buildTasksCard({ filter: 'all', tasks: [task('price', { state: 'failed', createdAt: T0 - 7_200_000 })], now: T0 }, getT('en', 'cards'));
  assert.equal(failed.header?.severity, 'danger');
  assert.match(cardText(failed), /T7 · Price problem on order A1 · Failed · 2h ago/);
  for (const lang of SUPPORTED_LANGUAGES) assertNoKeyLeaks(buildTasksCard({ filter: 'mine', tasks: [task('regression')], now: T0 }, getT(lang, 'cards')), lang);
});
