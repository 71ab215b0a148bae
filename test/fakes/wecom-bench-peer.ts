// "WeCom" for the WeCom benchmark, on its own worker thread as it would be on its own machines: the fake API our
// adapter calls, and a load generator that encrypts and signs template_card_event clicks (each with a response
// code the fake issued), fires them at our route concurrently and reports each one's latency.
import { parentPort, workerData } from 'node:worker_threads';
import { WeComCrypto, type WeComCryptoKeys } from '../../src/adapters/wecom/crypto.ts';
import { closeBenchAgent, fireBenchRequest } from './bench-fire.ts';
import { FakeWeComApi } from './wecom-api.ts';

/** One click to fire. */
export interface PeerClick {
  from: string;
  taskId: string;
  key: string;
  createTime: number;
}

/** Messages the benchmark sends to the peer. */
export type PeerCommand =
  | { cmd: 'fire'; url: string; clicks: PeerClick[] }
  | { cmd: 'bare'; url: string; n: number }
  | { cmd: 'count'; path: string }
  | { cmd: 'close' };

/** Messages the peer answers with. */
export type PeerReply =
  | { kind: 'ready'; apiBase: string; secret: string; webhookKey: string }
  | { kind: 'fired'; results: { status: number; ms: number }[] }
  | { kind: 'count'; n: number }
  | { kind: 'closed' };

function post(url: string, body: string): Promise<{ status: number; ms: number }> {
  return fireBenchRequest(url, { body, headers: { 'content-type': 'text/xml' } });
}

const cdata = (v: string): string => `<![CDATA[${v}]]>`;

const port = parentPort;
if (port) {
  const keys = workerData as WeComCryptoKeys;
  const crypto = new WeComCrypto(keys);
  const fake = await FakeWeComApi.start({ corpId: keys.receiveId, robotPerMinute: Infinity });
  const send = (reply: PeerReply): void => port.postMessage(reply);
  // Built (encrypted and signed) before the burst: WeCom does that work on its own machines.
  const envelope = (c: PeerClick): { query: string; body: string } => {
    const xml = `<xml><ToUserName>${cdata(keys.receiveId)}</ToUserName><FromUserName>${cdata(c.from)}</FromUserName><CreateTime>${c.createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata('template_card_event')}</Event><EventKey>${cdata(c.key)}</EventKey><TaskId>${cdata(c.taskId)}</TaskId><CardType>${cdata('button_interaction')}</CardType><ResponseCode>${cdata(fake.issueClickCode(c.taskId))}</ResponseCode><AgentID>1000002</AgentID></xml>`;
    const encrypt = crypto.encrypt(xml);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    return { query: new URLSearchParams({ msg_signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce }).toString(), body: `<xml><ToUserName>${cdata(keys.receiveId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt><AgentID>${cdata('1000002')}</AgentID></xml>` };
  };
  port.on('message', (m: PeerCommand) => {
    void (async () => {
      if (m.cmd === 'fire') {
        const built = m.clicks.map(envelope);
        send({ kind: 'fired', results: await Promise.all(built.map((b) => post(`${m.url}?${b.query}`, b.body))) });
      } else if (m.cmd === 'bare') {
        const body = envelope({ from: 'bench', taskId: 'bare', key: '0~x~y', createTime: 1 }).body;
        send({ kind: 'fired', results: await Promise.all(Array.from({ length: m.n }, () => post(m.url, body))) });
      } else if (m.cmd === 'count') send({ kind: 'count', n: fake.callsTo(m.path).filter((c) => c.answer.errcode === 0).length });
      else {
        closeBenchAgent();
        await fake.close();
        send({ kind: 'closed' });
      }
    })();
  });
  send({ kind: 'ready', apiBase: fake.apiBase, secret: fake.secret, webhookKey: fake.webhookKey });
}
