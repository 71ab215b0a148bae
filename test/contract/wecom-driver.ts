// The contract driver for WeCom: the fake API, our HttpServer and the real adapter; commands and clicks are
// encrypted and signed exactly as WeCom sends them, the click built from the rendered button key and carrying a
// response code the fake issued. WeCom has no shared channel a member types into: a member types to the app, so
// the suite's channel is alice's chat with the app (cards are posted there). messages() are the template cards
// sent there (an update_template_card is an in-place change of that card, by task_id); notices are the text
// messages each member alone received (WeCom's stand-in for ephemeral answers).
import { renderedKey, startWeComRig } from '../fakes/wecom-harness.ts';
import type { WeComAnswer } from '../fakes/wecom-requests.ts';
import type { ContractDelivery, ContractDriver, ContractDriverFactory, ContractPerson } from './driver.ts';

const USERS: Record<ContractPerson, string> = { alice: 'alice', bob: 'bob' };

function delivery(answer: WeComAnswer): ContractDelivery {
  return { status: answer.status, replay: async () => delivery(await answer.replay()) };
}

/** Builds the WeCom contract driver. */
export const createWeComContractDriver: ContractDriverFactory = async ({ t, store, clock }) => {
  const rig = await startWeComRig(t, { store, clock, noStart: true });
  const { fake, wecom, adapter } = rig;
  let seq = 0;
  const driver: ContractDriver = {
    platform: 'wecom',
    channelId: USERS.alice,
    adapter,
    userId: (person) => USERS[person],
    async command(person, text) {
      seq += 1;
      return delivery(await wecom.post(wecom.textXml(USERS[person], text, String(7_000_000 + seq))));
    },
    async click(person, ref, actionId) {
      const key = renderedKey(fake, ref.messageId, actionId);
      return delivery(await wecom.post(wecom.cardEventXml(USERS[person], ref.messageId, key, fake.issueClickCode(ref.messageId))));
    },
    async malformed() {
      return (await wecom.post('<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/ping X1]]></Content></xml>')).status;
    },
    async forged() {
      return (await wecom.post(wecom.textXml(USERS.alice, '/ping X1', '999'), { signature: '0'.repeat(40) })).status;
    },
    messages: () =>
      fake.messages
        .filter((m) => m.msgtype === 'template_card' && m.to.touser === USERS.alice && m.taskId)
        .map((m) => ({ ref: { platform: 'wecom', channelId: USERS.alice, messageId: m.taskId ?? '' }, text: JSON.stringify(m.card), versions: m.versions })),
    notices: (person) => fake.messages.filter((m) => m.msgtype === 'text' && m.to.touser === USERS[person]).map((m) => m.text ?? ''),
    settle: () => adapter.idle(),
  };
  return driver;
};
