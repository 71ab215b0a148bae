// "Slack" for the actions benchmark, on its own worker thread as it would be on its own machines: the fake
// Web API our adapter calls, and a load generator that fires pre-signed requests at our route concurrently and
// reports each one's latency. Keeping both off the measured event loop means the benchmark times our process.
import { parentPort } from 'node:worker_threads';
import { FakeSlackApi } from './slack-api.ts';
import { closeBenchAgent, fireBenchRequest, type PeerRequest } from './bench-fire.ts';

export type { PeerRequest } from './bench-fire.ts';

/** Messages the benchmark sends to the peer. */
export type PeerCommand = { cmd: 'fire'; url: string; requests: PeerRequest[] } | { cmd: 'count'; method: string } | { cmd: 'close' };

/** Messages the peer answers with. */
export type PeerReply =
  | { kind: 'ready'; apiUrl: string; url: string; botToken: string }
  | { kind: 'fired'; results: { status: number; ms: number; text: string }[] }
  | { kind: 'count'; n: number }
  | { kind: 'closed' };

const port = parentPort;
if (port) {
  const fake = await FakeSlackApi.start();
  const send = (reply: PeerReply): void => port.postMessage(reply);
  port.on('message', (m: PeerCommand) => {
    void (async () => {
      if (m.cmd === 'fire') send({ kind: 'fired', results: await Promise.all(m.requests.map((r) => fireBenchRequest(m.url, r))) });
      else if (m.cmd === 'count') send({ kind: 'count', n: fake.callsTo(m.method).length });
      else {
        closeBenchAgent();
        await fake.close();
        send({ kind: 'closed' });
      }
    })();
  });
  send({ kind: 'ready', apiUrl: fake.apiUrl, url: fake.url, botToken: fake.botToken });
}
