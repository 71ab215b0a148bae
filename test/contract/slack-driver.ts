// The contract driver for Slack: the fake Web API, our HttpServer and the real Bolt-based adapter; commands and
// clicks are signed form posts exactly as Slack sends them, the click built from the rendered button.
import { createSlackAdapter } from '../../src/adapters/slack/index.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { SlackRequester } from '../fakes/slack-requests.ts';
import type { ContractDelivery, ContractDriver, ContractDriverFactory, ContractPerson } from './driver.ts';

const SECRET = 'contract-signing-secret';
const CHANNEL = 'C0CONTRACT';
const USERS: Record<ContractPerson, string> = { alice: 'U0ALICE01', bob: 'U0BOB0001' };

interface RenderedButton {
  type?: string;
  action_id?: string;
  value?: string;
}

/** Builds the Slack contract driver. */
export const createSlackContractDriver: ContractDriverFactory = async ({ t, clock }) => {
  const fake = await FakeSlackApi.start();
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const adapter = createSlackAdapter({ botToken: fake.botToken, signingSecret: SECRET, apiUrl: fake.apiUrl, server, clock, log });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(async () => {
    await adapter.stop();
    await server.close();
    await fake.close();
  });
  const slack = new SlackRequester(`http://127.0.0.1:${addr.port}/slack/events`, SECRET, clock);
  let seq = 0;

  const deliver = async (body: string, contentType: string, retry = 0): Promise<ContractDelivery> => {
    const answer = await slack.signed(body, contentType, retry > 0 ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {});
    return { status: answer.status, replay: () => deliver(body, contentType, retry + 1) };
  };

  const driver: ContractDriver = {
    platform: 'slack',
    channelId: CHANNEL,
    adapter,
    userId: (person) => USERS[person],
    command(person, text) {
      const [command = '', ...rest] = text.split(' ');
      seq += 1;
      const body = new URLSearchParams({
        command,
        text: rest.join(' '),
        user_id: USERS[person],
        user_name: person,
        channel_id: CHANNEL,
        team_id: fake.teamId,
        trigger_id: `${seq}.1.contract`,
        response_url: fake.responseUrl({ channel: CHANNEL, user: USERS[person] }),
      }).toString();
      return deliver(body, 'application/x-www-form-urlencoded');
    },
    click(person, ref, actionId) {
      const m = fake.message(ref.channelId, ref.messageId);
      const buttons = (m?.blocks ?? []).flatMap((b) => ((b as { type?: string }).type === 'actions' ? ((b as { elements?: RenderedButton[] }).elements ?? []) : []));
      const button = buttons.find((b) => b.type === 'button' && (b.action_id ?? '').replace(/#\d+$/, '') === actionId);
      if (!button?.action_id) throw new Error(`no rendered button for ${actionId}`);
      seq += 1;
      const payload = {
        type: 'block_actions',
        user: { id: USERS[person], username: person, name: person, team_id: fake.teamId },
        team: { id: fake.teamId },
        api_app_id: 'A0FAKE01',
        trigger_id: `${seq}.2.contract`,
        response_url: fake.responseUrl({ channel: ref.channelId, user: USERS[person], messageTs: ref.messageId }),
        container: { type: 'message', message_ts: ref.messageId, channel_id: ref.channelId, is_ephemeral: false },
        channel: { id: ref.channelId, name: 'ops' },
        message: { ts: ref.messageId },
        actions: [{ action_id: button.action_id, block_id: 'b1', type: 'button', value: button.value, action_ts: `${1700000000 + seq}.000100` }],
      };
      return deliver(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    },
    async malformed() {
      return (await slack.signed('payload=%7Bnot-json', 'application/x-www-form-urlencoded')).status;
    },
    async forged() {
      const body = new URLSearchParams({ command: '/ping', text: 'X1', user_id: USERS.alice, channel_id: CHANNEL, trigger_id: 'forged.1' }).toString();
      return (await slack.raw(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(clock.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` })).status;
    },
    messages: () =>
      [...fake.messages.values()]
        .filter((m) => m.channel === CHANNEL && !m.deleted)
        .map((m) => ({ ref: { platform: 'slack', channelId: m.channel, messageId: m.ts }, text: JSON.stringify({ text: m.text, blocks: m.blocks }), versions: m.edits + 1 })),
    notices: (person) => fake.ephemerals.filter((e) => e.user === USERS[person]).map((e) => JSON.stringify({ text: e.text, blocks: e.blocks })),
    settle: () => adapter.idle(),
  };
  return driver;
};
