// "Feishu" for the Feishu benchmark, on its own worker thread as it would be on its own machines: the fake open
// platform our adapter calls, a bare echo server (the baseline for outbound calls), and a load generator that
// fires pre-signed requests at a URL concurrently and reports each one's latency.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { FakeFeishuApi } from './feishu-api.ts';
import { closeBenchAgent, fireBenchRequest, type PeerRequest } from './bench-fire.ts';

export type { PeerRequest } from './bench-fire.ts';

/** Messages the benchmark sends to the peer. */
export type PeerCommand =
  | { cmd: 'start'; appId: string }
  | { cmd: 'fire'; url: string; requests: PeerRequest[] }
  | { cmd: 'count'; api: 'create' | 'patch' | 'token' }
  | { cmd: 'close' };

/** Messages the peer answers with. */
export type PeerReply =
  | { kind: 'ready'; apiUrl: string; appSecret: string; echoUrl: string }
  | { kind: 'fired'; results: { status: number; ms: number; text: string }[] }
  | { kind: 'count'; n: number }
  | { kind: 'closed' };

const port = parentPort;
if (port) {
  let fake: FakeFeishuApi | undefined;
  const echo = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const send = (reply: PeerReply): void => port.postMessage(reply);
  port.on('message', (m: PeerCommand) => {
    void (async () => {
      if (m.cmd === 'start') {
        fake = await FakeFeishuApi.start({ appId: m.appId });
        // The benchmark measures our side; Feishu's per-chat limit is the send queue's business, tested elsewhere.
        fake.enforceChatRate = false;
        send({ kind: 'ready', apiUrl: fake.url, appSecret: fake.appSecret, echoUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/` });
      } else if (m.cmd === 'fire') send({ kind: 'fired', results: await Promise.all(m.requests.map((r) => fireBenchRequest(m.url, r))) });
      else if (m.cmd === 'count') send({ kind: 'count', n: fake?.callsTo(m.api).length ?? 0 });
      else {
        closeBenchAgent();
        await fake?.close();
        echo.closeAllConnections();
        await new Promise<void>((resolve) => echo.close(() => resolve()));
        send({ kind: 'closed' });
      }
    })();
  });
}
