import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermanentError } from '../../src/core/errors.ts';
import { LOCALES_DIR, SUPPORTED_LANGUAGES, type Language } from '../../src/core/i18n.ts';
import { CANONICAL_STATUSES } from '../../src/core/status.ts';
import { measureSms } from '../../src/notify/channels/sms-encoding.ts';
import { coerceWeChatField } from '../../src/notify/channels/wechat-fields.ts';
import { CONVERSATION_TEMPLATES, CUSTOMER_STATUS_TEMPLATES, customerTemplateSpec, renderCustomerText, TEXT_SHAPES } from '../../src/notify/texts.ts';

const TEMPLATES = [...Object.keys(CUSTOMER_STATUS_TEMPLATES), ...Object.keys(CONVERSATION_TEMPLATES)];

// Realistic, fairly long values: the SMS budget has to hold with them.
const SAMPLE: Record<Language, Record<string, string>> = {
  'zh-CN': { shop: '小熊杂货铺', orderId: 'SO20260601001', item: '蓝色马克杯350ml', oldAmount: '¥39.00', newAmount: '¥49.00', address: '上海市徐汇区漕溪北路88号5楼', options: '1、2或3', name: '王小明', carrier: '顺丰速运', trackingNo: 'SF1234567890123', amount: '¥128.00' },
  en: { shop: 'Bear Goods', orderId: 'SO20260601001', item: 'Blue mug 350ml', oldAmount: '$39.00', newAmount: '$49.00', address: '221B Baker St, London NW1', options: '1, 2 or 3', name: 'Alice', carrier: 'UPS', trackingNo: '1Z999AA10123456784', amount: '$128.00' },
  es: { shop: 'Bear Goods', orderId: 'SO20260601001', item: 'Taza azul 350ml', oldAmount: '39,00 €', newAmount: '49,00 €', address: 'C/ Mayor 12, 28013 Madrid', options: '1, 2 o 3', name: 'Lucía', carrier: 'SEUR', trackingNo: 'SE1234567890', amount: '128,00 €' },
};

type Json = { [k: string]: Json } | string;
const load = (lang: Language): Json => JSON.parse(readFileSync(join(LOCALES_DIR, lang, 'customer.json'), 'utf8')) as Json;
const leaves = (o: Json, prefix = ''): [string, string][] =>
  typeof o === 'string' ? [[prefix, o]] : Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
const placeholders = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();

test('customer.json: same keys and placeholders in zh-CN, en and es; exactly the templates of the tables, every shape', () => {
  const en = new Map(leaves(load('en')));
  for (const lang of SUPPORTED_LANGUAGES) {
    const doc = load(lang);
    const mine = new Map(leaves(doc));
    assert.deepEqual([...mine.keys()].sort(), [...en.keys()].sort(), `${lang} keys`);
    for (const [k, v] of mine) {
      assert.ok(v.trim().length > 0, `${lang} ${k} empty`);
      assert.deepEqual(placeholders(v), placeholders(en.get(k) ?? ''), `${lang} ${k} placeholders`);
    }
    assert.ok(typeof doc === 'object' && typeof doc.templates === 'object');
    assert.deepEqual(Object.keys(doc.templates).sort(), [...TEMPLATES].sort(), `${lang} templates`);
  }
  for (const s of CANONICAL_STATUSES) assert.ok(customerTemplateSpec(s), s);
  for (const [k, v] of en) {
    if (!k.startsWith('templates.')) continue;
    const template = k.split('.')[1] ?? '';
    const declared = new Set([...(customerTemplateSpec(template)?.vars ?? []), 'orderId', 'shop']);
    for (const p of placeholders(v)) assert.ok(declared.has(p), `${k} uses {{${p}}} but the table does not declare it`);
  }
});

test('every template renders in every shape and language, with no placeholder left', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    for (const template of TEMPLATES) {
      for (const shape of TEXT_SHAPES) {
        const out = renderCustomerText(template, shape, lang, SAMPLE[lang]);
        for (const value of Object.values('parts' in out ? out.parts : out)) assert.doesNotMatch(value, /\{\{|\}\}/, `${lang} ${template} ${shape}`);
      }
    }
  }
});

test('SMS texts fit one segment (70 UCS-2 / 160 GSM-7) and carry the shop signature', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    for (const template of TEMPLATES) {
      const { text } = renderCustomerText(template, 'sms', lang, SAMPLE[lang]);
      const size = measureSms(text);
      assert.ok(size.fits, `${lang} ${template}: ${size.units}/${size.limit} ${size.encoding}: ${text}`);
      assert.ok(text.includes(SAMPLE[lang].shop ?? ''), `${lang} ${template} signature`);
    }
  }
  assert.equal(measureSms('[Shop] Your order 1 has shipped.').encoding, 'gsm7');
  assert.equal(measureSms('【小店】您的订单已发货。').encoding, 'ucs2');
  assert.equal(measureSms('€').units, 2);
  assert.equal(measureSms('x'.repeat(161)).fits, false);
});

test('extra lines: tracking is added to chat and email, and to an SMS only while it stays one segment', () => {
  const en = renderCustomerText('shipped', 'chat', 'en', { orderId: 'A1', carrier: 'UPS', trackingNo: '1Z9' });
  assert.equal(en.text, 'Your order A1 has shipped and is on its way to you.\nTracking: UPS 1Z9');
  assert.equal(renderCustomerText('shipped', 'chat', 'en', { orderId: 'A1', trackingNo: '1Z9' }).text.split('\n')[1], 'Tracking number: 1Z9');
  assert.equal(renderCustomerText('shipped', 'chat', 'en', { orderId: 'A1' }).text, 'Your order A1 has shipped and is on its way to you.');
  assert.equal(renderCustomerText('shipped', 'sms', 'zh-CN', { shop: '小店', orderId: 'A1', carrier: '顺丰', trackingNo: 'SF1' }).text, '【小店】您的订单A1已发货。物流：顺丰 SF1');
  // Spanish "llegará" is UCS-2: the 70-unit budget has no room for a long tracking line.
  const es = renderCustomerText('out_for_delivery', 'sms', 'es', { shop: 'Bear Goods', orderId: 'SO20260601001', carrier: 'SEUR', trackingNo: 'SE1234567890' }).text;
  assert.ok(!es.includes('SE1234567890') && measureSms(es).fits, es);
  assert.match(renderCustomerText('refunded', 'email', 'es', { orderId: 'A1', amount: '12,00 €' }).text, /Importe: 12,00 €/);
});

test('email: subject, text and an HTML body built from the same strings with every value escaped', () => {
  const vars = { orderId: 'A<1>&"x"', name: "O'Brien <script>", carrier: 'UPS', trackingNo: '1Z<9>' };
  const mail = renderCustomerText('shipped', 'email', 'en', vars);
  assert.equal(mail.subject, 'Your order A<1>&"x" has shipped');
  assert.ok(mail.text.startsWith("Hello O'Brien <script>,\n\nGood news: your order A<1>&\"x\""), mail.text);
  assert.ok(mail.text.includes('Tracking: UPS 1Z<9>'));
  assert.ok(!mail.html.includes('<script>') && !mail.html.includes('A<1>'), mail.html);
  assert.ok(mail.html.includes('Hello O&#39;Brien &lt;script&gt;,'));
  assert.ok(mail.html.includes('A&lt;1&gt;&amp;&quot;x&quot;'));
  assert.ok(mail.html.includes('<html lang="en">'));
  assert.ok(mail.html.includes("your order A&lt;1&gt;&amp;&quot;x&quot; has left our warehouse"), 'literal text kept; apostrophes in our own strings escaped too');
  const zh = renderCustomerText('shipped', 'email', 'zh-CN', { orderId: 'A1' });
  assert.ok(zh.text.startsWith('您好：\n\n好消息！'), 'no name: anonymous greeting');
  // Chat and SMS never HTML-escape.
  assert.equal(renderCustomerText('paid', 'chat', 'en', { orderId: 'A&B<1>' }).text, "Payment received for your order A&B<1>. We're getting it ready.");
});

test('values are kept on one line, and blank values count as missing', () => {
  assert.equal(renderCustomerText('ask_stock', 'chat', 'en', { orderId: 'A1', item: 'Mug\n\nReply 3 to win' }).text.split('\n').length, 1);
  assert.throws(() => renderCustomerText('ask_stock', 'chat', 'en', { orderId: 'A1', item: '  ' }), (e: unknown) => e instanceof PermanentError && e.code === 'template.missing_var');
});

test('unknown template is a PermanentError template.unknown; a missing value is template.missing_var', () => {
  assert.throws(() => renderCustomerText('teleported', 'chat', 'en', { orderId: 'A1' }), (e: unknown) => e instanceof PermanentError && e.code === 'template.unknown');
  assert.throws(() => renderCustomerText('toString', 'chat', 'en', { orderId: 'A1' }), (e: unknown) => e instanceof PermanentError && e.code === 'template.unknown');
  assert.throws(
    () => renderCustomerText('ask_price', 'sms', 'en', { orderId: 'A1', item: 'Mug', shop: 'S' }),
    (e: unknown) => e instanceof PermanentError && e.code === 'template.missing_var' && /oldAmount, newAmount/.test(e.message),
  );
  assert.throws(() => renderCustomerText('paid', 'sms', 'en', { orderId: 'A1' }), (e: unknown) => e instanceof PermanentError && e.code === 'template.missing_var', 'SMS needs the shop signature');
});

test('WeChat parts: zh-CN status is a valid phrase, every detail fits a thing keyword without truncation', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    for (const template of TEMPLATES) {
      const { parts } = renderCustomerText(template, 'wechat', lang, SAMPLE[lang]);
      for (const part of [parts.status, parts.detail]) assert.ok([...part].length <= 20, `${lang} ${template}: ${part}`);
      if (lang === 'zh-CN') assert.deepEqual(coerceWeChatField('phrase', parts.status, { timeZone: 'Asia/Shanghai' }), { ok: true, value: parts.status }, template);
    }
  }
});

test('silent statuses are the internal warehouse steps; conversation templates list their replies', () => {
  const silent = Object.entries(CUSTOMER_STATUS_TEMPLATES).filter(([, s]) => s.silent).map(([k]) => k).sort();
  assert.deepEqual(silent, ['created', 'packed', 'picking']);
  assert.deepEqual(CONVERSATION_TEMPLATES.ask_stock.replies, { '1': 'wait', '2': 'switch', '3': 'cancel' });
  assert.deepEqual(Object.keys(CONVERSATION_TEMPLATES).sort(), ['ask_address', 'ask_price', 'ask_stock', 'clarify', 'handoff', 'optout_done']);
  for (const lang of SUPPORTED_LANGUAGES) assert.match(renderCustomerText('optout_done', 'chat', lang, { orderId: 'A1' }).text, /START/);
});
