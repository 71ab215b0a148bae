// Channel ids for WeCom: who an app message goes to. Syntax (documented in the README):
//   zhangsan            one member (userid)            zhangsan|lisi   several members (≤ 1000)
//   party:2             a department (≤ 100: party:2|3) tag:3           a tag (≤ 100: tag:3|4)
//   @all                everyone in the app's visible range
//   parts combine with ",":  zhangsan|lisi,party:2,tag:3
//   robot               the group robot (WECOM_WEBHOOK_KEY), alerts only
import { UserError } from '../../core/errors.ts';
import { WECOM_LIMITS as L } from './limits.ts';

/** The recipient fields of message/send. */
export interface WeComRecipients {
  touser?: string;
  toparty?: string;
  totag?: string;
}

const ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const NUM = /^\d{1,12}$/;

function ids(list: string, pattern: RegExp, max: number, what: string, channelId: string): string[] {
  const out = list.split('|').map((s) => s.trim());
  if (out.length === 0 || out.length > max || out.some((s) => !pattern.test(s))) throw new UserError('wecom.channel', `bad WeCom channel "${channelId.slice(0, 80)}": ${what}`);
  return out;
}

/** Parses a channel id into message/send recipients; UserError on bad syntax. */
export function parseChannelId(channelId: string): WeComRecipients {
  const users: string[] = [];
  const parties: string[] = [];
  const tags: string[] = [];
  for (const part of channelId.split(',').map((p) => p.trim())) {
    if (part === '@all') users.push('@all');
    else if (part.startsWith('party:')) parties.push(...ids(part.slice(6), NUM, L.partyCount, 'party ids are numbers', channelId));
    else if (part.startsWith('tag:')) tags.push(...ids(part.slice(4), NUM, L.tagCount, 'tag ids are numbers', channelId));
    else users.push(...ids(part, ID, L.touserCount, 'userids are letters, digits and _.@-', channelId));
  }
  if (users.includes('@all') && users.length > 1) throw new UserError('wecom.channel', '"@all" cannot be combined with userids');
  if (users.length > L.touserCount || parties.length > L.partyCount || tags.length > L.tagCount) throw new UserError('wecom.channel', 'too many recipients');
  return {
    ...(users.length > 0 ? { touser: users.join('|') } : {}),
    ...(parties.length > 0 ? { toparty: parties.join('|') } : {}),
    ...(tags.length > 0 ? { totag: tags.join('|') } : {}),
  };
}
