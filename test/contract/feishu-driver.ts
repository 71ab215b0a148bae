// The contract driver for Feishu: plays the platform against the adapter's real HTTP route (v2 envelopes,
// encrypted with the Encrypt Key and signed over the exact bytes), reads the fake open platform's messages, and
// applies a card returned inline in a click answer to the clicked message, as Feishu does (an in-place change).
import { createFeishuAdapter } from '../../src/adapters/feishu/index.ts';
import { renderedButtons, type FeishuCard } from '../../src/adapters/feishu/render.ts';
import type { PostedRef } from '../../src/core/chat.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { FakeFeishuApi } from '../fakes/feishu-api.ts';
import { freshAppId } from '../fakes/feishu-harness.ts';
import { FeishuRequester } from '../fakes/feishu-requests.ts';
import type { ContractDelivery, ContractDriverFactory, ContractMessage, ContractPerson } from './driver.ts';

const CHANNEL = 'oc_contract_ops';
const TOKEN = 'vt-contract-token';
const ENCRYPT_KEY = 'contract-encrypt-key';
const USERS: Record<ContractPerson, string> = { alice: 'ou_contract_alice', bob: 'ou_contract_bob' };

/** Builds the Feishu driver: fake open platform, our HttpServer, the real adapter in HTTP mode. */
export const createFeishuContractDriver: ContractDriverFactory = async ({ t, clock }) => {
  const appId = freshAppId();
  const fake = await FakeFeishuApi.start({ appId });
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const adapter = createFeishuAdapter({ appId, appSecret: fake.appSecret, verificationToken: TOKEN, encryptKey: ENCRYPT_KEY, apiBase: fake.url, server, clock, log });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(async () => {
    await adapter.stop();
    await server.close();
    await fake.close();
  });
  const feishu = new FeishuRequester(`http://127.0.0.1:${addr.port}/feishu/events`, { appId, verificationToken: TOKEN, encryptKey: ENCRYPT_KEY, clock });
  const toasts: Record<ContractPerson, string[]> = { alice: [], bob: [] };

  // Feishu re-signs a retry (new timestamp and nonce); the body and its event_id stay the same.
  const deliver = async (body: unknown, onAnswer: (json: unknown) => void = () => undefined): Promise<ContractDelivery> => {
    const r = await feishu.send(body);
    if (r.status === 200) onAnswer(r.json);
    return { status: r.status, replay: () => deliver(body, onAnswer) };
  };

  const latestCard = (messageId: string): FeishuCard => {
    const m = fake.messages.get(messageId);
    if (!m) throw new Error(`no message ${messageId} on the fake`);
    return JSON.parse(m.versions.at(-1) ?? '{}') as FeishuCard;
  };

  return {
    platform: 'feishu',
    channelId: CHANNEL,
    adapter,
    userId: (person) => USERS[person],
    command: (person, text) => deliver(feishu.message({ chatId: CHANNEL, chatType: 'group', openId: USERS[person], text, mention: true })),
    click: (person, ref: PostedRef, actionId) => {
      const button = renderedButtons(latestCard(ref.messageId)).find((b) => b.value.action === actionId);
      if (!button) throw new Error(`no button ${actionId} on ${ref.messageId}`);
      const body = feishu.click({ openId: USERS[person], chatId: ref.channelId, messageId: ref.messageId, value: button.value });
      return deliver(body, (json) => {
        const answer = (json ?? {}) as { toast?: { content?: string }; card?: { type?: string; data?: unknown } };
        if (answer.card?.type === 'raw') fake.applyCallbackCard(ref.messageId, answer.card.data);
        if (typeof answer.toast?.content === 'string') toasts[person].push(answer.toast.content);
      });
    },
    malformed: async () => {
      const click = feishu.click({ openId: USERS.alice, chatId: CHANNEL, messageId: 'om_none', value: { action: 'contract.ack', value: 'X' } }) as { event: Record<string, unknown> };
      delete click.event.operator;
      return (await feishu.send(click)).status;
    },
    forged: async () => (await feishu.send(feishu.message({ chatId: CHANNEL, openId: USERS.alice, text: '/ping A999', mention: true }), { signKey: 'not-the-encrypt-key' })).status,
    messages: (): ContractMessage[] =>
      fake.messagesIn(CHANNEL).map((m) => ({ ref: { platform: 'feishu', channelId: m.chatId, messageId: m.messageId }, text: m.versions.at(-1) ?? '', versions: m.versions.length })),
    notices: (person) => [...toasts[person], ...fake.ephemerals.filter((e) => e.openId === USERS[person]).map((e) => JSON.stringify(e.card))],
    settle: () => adapter.idle(),
  };
};
