// A bounded, seeded fuzz of every route of the running app (console, webhooks, Slack, Feishu, WeCom, WeChat,
// health): hostile methods, paths, headers and bodies. No 5xx, no hang, the process alive and /healthz ok after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createRng, type Rng } from '../../src/demo/prng.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { FakeFeishuApi } from '../fakes/feishu-api.ts';
import { freshAppId } from '../fakes/feishu-harness.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { FakeWeComApi } from '../fakes/wecom-api.ts';
import { RIG_AES_KEY, RIG_AGENT, RIG_CORP, RIG_TOKEN } from '../fakes/wecom-harness.ts';
import { tempDir } from '../helpers/temp.ts';
import { writeSettings } from '../e2e/world.ts';

const REQUESTS = 3000;
const PARALLEL = 8;
const SEED = 20261208;

const PATHS = [
  '/', '/healthz', '/metrics', '/console/login', '/console/logout', '/console/api/state', '/console/api/command', '/console/api/action', '/console/api/events',
  '/console/assets/app.js', '/console/assets/../../package.json', '/webhooks/orders/oms', '/webhooks/orders/nope', '/slack/events',
  '/feishu/events', '/wecom/callback', '/wechat/callback', '/nowhere',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];
const TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/xml', 'text/plain', 'multipart/form-data; boundary=x', ''];

function junk(rng: Rng, n: number): string {
  const pool = ['%', '%zz', '%E0%A4%A', '%C0%AF', '..', '/', '\u0000', '😀', '中', '"', "'", '<', '>', '{', '}', '[', ']', '\\', 'a', '0', ' ', '&', '=', '?', '#'];
  return Array.from({ length: n }, () => rng.pick(pool)).join('');
}

function body(rng: Rng): string {
  switch (rng.int(0, 7)) {
    case 0:
      return '';
    case 1:
      return JSON.stringify({ type: rng.pick(['url_verification', 'event_callback', 'block_actions']), challenge: junk(rng, 5), token: junk(rng, 8), schema: '2.0', header: { event_type: 'card.action.trigger', token: 'x' } });
    case 2:
      return `<xml><ToUserName><![CDATA[${junk(rng, 6)}]]></ToUserName><Encrypt><![CDATA[${junk(rng, 30)}]]></Encrypt><AgentID>1</AgentID></xml>`;
    case 3:
      return `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{}] }))}&command=/order&text=${junk(rng, 4)}`;
    case 4:
      return JSON.stringify({ orders: [{ order_id: junk(rng, 3), status: junk(rng, 4), updated_at: junk(rng, 3) }], id: junk(rng, 4) });
    case 5:
      return JSON.stringify({ user: 'alice', channel: 'ops', text: `/${junk(rng, 6)}`, id: 'fuzz-0000-0001', messageId: junk(rng, 4), actionId: junk(rng, 3), value: junk(rng, 10), clickId: 'fuzz-click-00001' });
    case 6:
      return '{'.repeat(rng.int(1, 2000));
    default:
      return junk(rng, rng.int(0, 400));
  }
}

function send(port: number, method: string, path: string, headers: Record<string, string>, payload: string): Promise<number> {
  return new Promise((resolve) => {
    // A connection per request: a reused keep-alive socket the server just closed would read as a hang-up.
    const req = request({ host: '127.0.0.1', port, method, path, headers, timeout: 5000, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      // The console's event stream stays open: its status is all we need.
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        req.destroy();
        return resolve(status);
      }
      res.resume();
      res.on('end', () => resolve(status));
      res.on('error', () => resolve(status));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(-1);
    });
    req.on('error', (err) => {
      if (process.env.FUZZ_DEBUG) console.error('client error', method, path, err.message);
      resolve(0);
    });
    if (method !== 'GET' && method !== 'HEAD') req.write(payload);
    req.end();
  });
}

test(`fuzz: ${REQUESTS} seeded hostile requests over every route, no 5xx, no hang, /healthz ok after`, { timeout: 240_000 }, async (t) => {
  const appId = freshAppId();
  const feishu = await FakeFeishuApi.start({ appId });
  const wecom = await FakeWeComApi.start({ corpId: RIG_CORP });
  const slack = await FakeSlackApi.start();
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({ ...s, sources: [{ name: 'oms', kind: 'webhook', enabled: true, mapping: ['english-common'], options: { secretEnv: 'OMS_SECRET' } }] }));
  const env = {
    OMS_SECRET: 'fuzz-webhook-secret',
    WECHAT_TOKEN: 'fuzz-wechat-token',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'fuzz-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    FEISHU_APP_ID: appId,
    FEISHU_APP_SECRET: feishu.appSecret,
    FEISHU_VERIFICATION_TOKEN: 'fuzz-vt',
    FEISHU_ENCRYPT_KEY: 'fuzz-ek',
    FEISHU_API_BASE: feishu.url,
    WECOM_CORP_ID: RIG_CORP,
    WECOM_AGENT_ID: String(RIG_AGENT),
    WECOM_SECRET: wecom.secret,
    WECOM_TOKEN: RIG_TOKEN,
    WECOM_ENCODING_AES_KEY: RIG_AES_KEY,
    WECOM_API_BASE: wecom.apiBase,
  };
  const app = await createApp({ dataDir, env, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'off' });
  t.after(async () => {
    await app.stop();
    await Promise.all([feishu.close(), wecom.close(), slack.close()]);
  });
  const { url } = await app.start();
  const port = Number(new URL(url).port);
  const rng = createRng(SEED, 'fuzz');
  const bad: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      next++;
      const method = rng.pick(METHODS);
      let path = rng.pick(PATHS);
      if (rng.chance(0.3)) path += junk(rng, rng.int(1, 6));
      if (rng.chance(0.3)) path += `?${junk(rng, rng.int(1, 10))}&msg_signature=${junk(rng, 3)}&timestamp=${rng.int(0, 2e9)}&nonce=1&echostr=${junk(rng, 4)}`;
      if (!path.startsWith('/')) path = `/${path}`;
      const payload = body(rng);
      const headers: Record<string, string> = { 'content-type': rng.pick(TYPES), origin: rng.chance(0.5) ? url : 'http://evil.example' };
      if (rng.chance(0.4)) headers['x-slack-signature'] = `v0=${junk(rng, 4)}`;
      if (rng.chance(0.4)) headers['x-slack-request-timestamp'] = String(rng.int(0, 2e9));
      if (rng.chance(0.4)) headers['x-lark-signature'] = junk(rng, 8);
      if (rng.chance(0.4)) headers['x-orderops-signature'] = `sha256=${junk(rng, 8)}`;
      if (rng.chance(0.2)) headers.cookie = `orderops_console=${junk(rng, 6)}`;
      // Header values must be Latin-1 for node:http to send them at all.
      for (const [k, v] of Object.entries(headers)) headers[k] = v.replace(/[^\x20-\x7e]/g, 'x');
      const status = await send(port, method, path.replace(/[^\x21-\x7e]/g, 'x'), headers, payload);
      if (status >= 500 || status <= 0) bad.push(`${method} ${path.slice(0, 80)} → ${status}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  assert.deepEqual(bad.slice(0, 20), [], `${bad.length} requests got a 5xx, no answer or a hang`);
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');
});
