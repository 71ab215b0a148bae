import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_SILENCE } from '../../cards/alert.ts';
import { ALERT_CARD_SAMPLES } from '../../cards/alert-samples.ts';
import { renderConsoleCard } from '../../src/adapters/console/render.ts';
import { renderSlackCard } from '../../src/adapters/slack/render.ts';
import { cardButtons } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { validateBlocks } from '../fakes/slack-blocks.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';

test('every alert card sample builds in every language: no key, namespace or placeholder leaks; Slack accepts it; the console renders it', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang, 'cards');
    for (const s of ALERT_CARD_SAMPLES) {
      const c = s.build(t);
      assertNoKeyLeaks(c, `${lang}/${s.name}`);
      assert.doesNotMatch(cardText(c), /alerts:|\b(title|card|item|digest|list)\.[a-z]/, `${lang}/${s.name}`);
      for (const b of cardButtons(c)) {
        assert.equal(b.actionId, ALERT_SILENCE);
        assert.ok(b.value.length <= 2000);
      }
      const verdict = validateBlocks(renderSlackCard(c).blocks);
      assert.ok(verdict.ok, `${lang}/${s.name}: ${JSON.stringify(verdict)}`);
      assert.ok(JSON.stringify(renderConsoleCard(c)).length > 0);
    }
  }
});

test('every finding kind has its own line, and customer phone numbers in errors are masked', () => {
  const c = ALERT_CARD_SAMPLES.find((s) => s.name === 'alert-every-kind-line')?.build(getT('en', 'cards'));
  assert.ok(c);
  const text = cardText(c);
  for (const expected of [
    /\*\*B20417\*\* · wms went from Shipped back to Paid `PAID`/,
    /\*\*C30001\*\* · erp: Cancelled · wms: Shipped · for 3h/,
    /\*\*D40002\*\* · erp CN¥1,299.50 · storefront CN¥1,199.50 · items add up to CN¥1,299.50 · 7.7% apart/,
    /\*\*E50004\*\* · wms reports `STOCK_SHORT` while the order is Paid · for 6h · SKU-9×3, SKU-12×1/,
    /erp: `HTTP 503 from https:\/\/erp.example\/api \(call \+86 138\*\*\*\*5678\)` \(4 failed runs in a row\) · fallback erp-csv is working/,
    /wms: `timeout` \(1 failed run\)$/m,
    /wms reports `QC_HOLD`, which has no mapping \(12 orders\)/,
    /csv: 3 rows could not be read, e\.g\. `orders-0601\.csv:17: missing order id`/,
  ]) assert.match(text, expected);
  assert.doesNotMatch(text, /13812345678/);
  const zh = cardText(ALERT_CARD_SAMPLES[0]?.build(getT('zh-CN', 'cards')) ?? c);
  assert.match(zh, /800 个订单超时未流转 · wms/);
  assert.match(zh, /静默 24 小时/);
});
