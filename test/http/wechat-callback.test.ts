import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { registerWeChatCallback, verifyWeChatSignature, type WeChatCallbackOptions, type WeChatDeliveryReport } from '../../src/http/wechat-callback.ts';
import { HttpServer } from '../../src/http/server.ts';
import { signCallbackUrl, startFakeWeChatApi } from '../fakes/wechat-api.ts';
import { tempStore } from '../helpers/temp.ts';

const TOKEN = 'callback-token-42';
const FIXTURES = new URL('../fixtures/platform-payloads/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

async function setup(t: TestContext, over: Partial<WeChatCallbackOptions> = {}) {
  const reports: WeChatDeliveryReport[] = [];
  const server = new HttpServer(createSilentLogger());
  const { store } = await tempStore(t);
  registerWeChatCallback(server, { token: TOKEN, log: createSilentLogger(), clock: systemClock, onDeliveryReport: (r) => void reports.push(r), replay: store.adapterState, ...over });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const url = `http://127.0.0.1:${addr.port}/wechat/callback`;
  const post = (body: string, target = signCallbackUrl(url, TOKEN)) => fetch(target, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  return { reports, url, post, store };
}

const CASES = [
  ['wechat-templatesendjobfinish-success.xml', 'delivered', '200163836', 'success'],
  ['wechat-templatesendjobfinish-failed-user-block.xml', 'blocked', '200163840', 'failed:user block'],
  ['wechat-templatesendjobfinish-failed-system.xml', 'failed', '200163840', 'failed: system failed'],
] as const;

for (const [file, status, msgId, raw] of CASES) {
  test(`official fixture ${file} → ${status}`, async (t) => {
    const { reports, post } = await setup(t);
    const res = await post(fixture(file));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'success');
    assert.equal(reports.length, 1);
    assert.deepEqual({ ...reports[0], raw: undefined }, { msgId, openid: 'oia2TjuEGTNoeX76QEjQNrcURxG8', status, raw: undefined });
    assert.equal(reports[0]?.raw.Status, raw);
    assert.equal(reports[0]?.raw.ToUserName, 'gh_7f083739789a');
  });
}

test('a redelivered push (same FromUserName, CreateTime, MsgID) is reported once', async (t) => {
  const { reports, post } = await setup(t);
  const body = fixture('wechat-templatesendjobfinish-success.xml');
  assert.equal((await post(body)).status, 200);
  assert.equal((await post(body)).status, 200);
  assert.equal(reports.length, 1);
});

test('bad or missing signature is 401 and reports nothing', async (t) => {
  const { reports, post, url } = await setup(t);
  const body = fixture('wechat-templatesendjobfinish-success.xml');
  assert.equal((await post(body, signCallbackUrl(url, 'not-the-token'))).status, 401);
  assert.equal((await post(body, url)).status, 401);
  const tampered = new URL(signCallbackUrl(url, TOKEN));
  tampered.searchParams.set('nonce', '1');
  assert.equal((await post(body, tampered.toString())).status, 401);
  assert.equal(reports.length, 0);
  assert.equal(verifyWeChatSignature(TOKEN, null, '1', '2'), false);
});

test('GET echoes echostr when the signature is right, 401 otherwise', async (t) => {
  const { url } = await setup(t);
  const good = new URL(signCallbackUrl(url, TOKEN));
  good.searchParams.set('echostr', '5837397520665436492');
  const res = await fetch(good);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '5837397520665436492');
  const bad = new URL(signCallbackUrl(url, 'other'));
  bad.searchParams.set('echostr', 'x');
  assert.equal((await fetch(bad)).status, 401);
});

test('malformed pushes are 400; other messages and events are 200 and ignored', async (t) => {
  const { reports, post } = await setup(t);
  assert.equal((await post('not xml')).status, 400);
  assert.equal((await post('<xml><ToUserName>gh</ToUserName></xml>')).status, 400);
  const noStatus = fixture('wechat-templatesendjobfinish-success.xml').replace(/<Status>.*<\/Status>/, '');
  assert.equal((await post(noStatus)).status, 400);
  const subscribe = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>';
  const text = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[1]]></Content><MsgId>1234567890123456</MsgId></xml>';
  for (const body of [subscribe, text]) {
    const res = await post(body);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'success');
  }
  assert.equal(reports.length, 0);
});

test('a failing handler answers 500 so WeChat redelivers, and the redelivery is processed', async (t) => {
  let fail = true;
  const seen: string[] = [];
  const { post } = await setup(t, {
    onDeliveryReport: (r) => {
      if (fail) throw new Error('database locked');
      seen.push(r.status);
    },
  });
  const body = fixture('wechat-templatesendjobfinish-success.xml');
  assert.equal((await post(body)).status, 500);
  fail = false;
  assert.equal((await post(body)).status, 200);
  assert.deepEqual(seen, ['delivered']);
});

test('a slow handler does not hold the answer past answerWithinMs', async (t) => {
  let release = (): void => undefined;
  const done = new Promise<void>((r) => (release = r));
  const { post } = await setup(t, { answerWithinMs: 50, onDeliveryReport: () => done });
  const started = Date.now();
  const res = await post(fixture('wechat-templatesendjobfinish-success.xml'));
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started < 2000);
  release();
});

test('the fake WeChat API posts signed delivery reports that the route accepts', async (t) => {
  const { reports, url } = await setup(t);
  const fake = await startFakeWeChatApi({ appId: 'wx1', appSecret: 's', templates: [] });
  t.after(() => fake.close());
  assert.equal((await fake.postJobFinish(url, TOKEN, { openid: 'o-1', msgId: 7, status: 'failed:user block' })).status, 200);
  assert.equal((await fake.postJobFinish(url, TOKEN, { openid: 'o-2', msgId: 8, status: 'success' })).status, 200);
  assert.equal((await fake.postJobFinish(url, 'wrong', { openid: 'o-3', msgId: 9, status: 'success' })).status, 401);
  assert.deepEqual(reports.map((r) => [r.openid, r.msgId, r.status]), [['o-1', '7', 'blocked'], ['o-2', '8', 'delivered']]);
});

test('a signed URL works once within a 5-minute window: an old timestamp or a reused (timestamp, nonce) with another body is 401', async (t) => {
  const { reports, post, url, store } = await setup(t);
  const body = fixture('wechat-templatesendjobfinish-success.xml');
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await post(body, signCallbackUrl(url, TOKEN, String(now - 301)))).status, 401, 'older than 5 minutes');
  assert.equal((await post(body, signCallbackUrl(url, TOKEN, String(now + 400)))).status, 401, 'from the future (beyond the window even on a slow machine)');
  assert.equal((await fetch(signCallbackUrl(`${url}?echostr=hi`, TOKEN, String(now - 3600)))).status, 401, 'the URL check too');
  assert.equal(reports.length, 0);

  const signed = signCallbackUrl(url, TOKEN, String(now), '424242');
  assert.equal((await post(body, signed)).status, 200);
  assert.equal((await post(body, signed)).status, 200, 'WeChat redelivering the same push under the same URL is answered');
  const other = fixture('wechat-templatesendjobfinish-failed-system.xml');
  assert.equal((await post(other, signed)).status, 401, 'another body under a used signed URL is a replay');
  assert.deepEqual(reports.map((r) => r.status), ['delivered']);
  assert.equal(await store.adapterState.get<string>('wechat.callback', `${now}:424242`, Date.now()) !== undefined, true, 'the pair is kept in SQLite');
});
