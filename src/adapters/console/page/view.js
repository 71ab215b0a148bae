// Pieces of the page: channel list, one message, inbox entries, toasts, the confirm dialog.
import { renderBody } from './card.js';
import { fmt, h, lookup } from './dom.js';

const PALETTE = ['#2f6fed', '#0f9d76', '#b7572b', '#8a4fd3', '#c2366b', '#4f7a28', '#0e7c99', '#9a6b00'];

function colourOf(text) {
  let n = 0;
  for (const ch of text) n = (n * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[n % PALETTE.length];
}

/** Short local time of an epoch-ms instant; the full date goes in the tooltip. */
export function timeOf(at, lang) {
  const d = new Date(at);
  return { short: d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' }), full: d.toLocaleString(lang) };
}

/** Display name of a channel: `# ops`, or the DM owner's name. */
export function channelName(channel, users) {
  if (channel.kind === 'dm') return users.find((u) => u.id === channel.userId)?.name ?? channel.userId;
  return `# ${channel.id}`;
}

/** One channel entry of the sidebar. */
export function renderChannelItem(channel, ctx) {
  const active = channel.id === ctx.channel;
  const unread = ctx.unread.get(channel.id) || 0;
  const mine = channel.kind === 'dm' && channel.userId === ctx.user;
  return h('li', {}, [
    h(
      'button',
      {
        className: `channel${active ? ' active' : ''}${channel.kind === 'dm' ? ' dm' : ''}`,
        type: 'button',
        attrs: { 'data-testid': `channel-${channel.id}`, 'aria-current': active ? 'page' : undefined },
        dataset: { channelId: channel.id },
        on: { click: () => ctx.selectChannel(channel.id) },
      },
      [
        channel.kind === 'dm' ? tinyAvatar(channel, ctx.users) : null,
        h('span', { className: 'channel-name', text: channelName(channel, ctx.users) }),
        mine ? h('span', { className: 'you', text: `(${lookup(ctx.strings, 'you')})` }) : null,
        unread > 0 ? h('span', { className: 'badge', text: unread > 99 ? '99+' : unread, attrs: { 'data-testid': 'unread' } }) : null,
      ],
    ),
  ]);
}

function tinyAvatar(channel, users) {
  const el = h('span', { className: 'avatar tiny', text: initial(channelName(channel, users)) });
  el.style.background = colourOf(channel.userId || channel.id);
  return el;
}

function initial(name) {
  return (Array.from(name.trim())[0] || '?').toUpperCase();
}

/** Draws a message into `li` (kept across updates, so the element the user looks at stays the same). */
export function renderMessageInto(li, msg, ctx) {
  const bot = msg.author.kind === 'bot';
  const name = bot ? lookup(ctx.strings, 'bot') : msg.author.name;
  const when = timeOf(msg.updatedAt ?? msg.at, ctx.lang);
  li.className = `message${bot ? ' from-bot' : ' from-user'}${msg.visibleTo ? ' ephemeral' : ''}`;
  li.dataset.messageId = msg.id;
  li.dataset.version = String(msg.version);
  li.dataset.author = bot ? 'bot' : msg.author.userId;
  li.setAttribute('data-testid', 'message');
  const avatar = bot ? h('span', { className: 'avatar bot', text: 'oo' }) : h('span', { className: 'avatar', text: initial(name) });
  if (!bot) avatar.style.background = colourOf(msg.author.userId);
  li.replaceChildren(
    avatar,
    h('div', { className: 'message-main' }, [
      h('div', { className: 'message-meta' }, [
        h('span', { className: 'author', text: name, attrs: { 'data-testid': 'message-author' } }),
        h('time', { text: when.short, title: when.full, attrs: { datetime: new Date(msg.updatedAt ?? msg.at).toISOString() } }),
        msg.updatedAt ? h('span', { className: 'edited', text: lookup(ctx.strings, 'message.updated') }) : null,
        msg.visibleTo ? h('span', { className: 'only-you', text: lookup(ctx.strings, 'message.onlyYou'), attrs: { 'data-testid': 'only-you' } }) : null,
        msg.visibleTo
          ? h('button', { className: 'dismiss', type: 'button', text: '×', title: lookup(ctx.strings, 'message.dismiss'), attrs: { 'aria-label': lookup(ctx.strings, 'message.dismiss') }, on: { click: () => ctx.dismiss(msg) } })
          : null,
      ]),
      renderBody(msg.body, (button, el) => ctx.onAction(msg, button, el)),
    ]),
  );
}

/** One customer inbox entry. */
export function renderInboxItem(item, ctx) {
  const when = timeOf(item.at, ctx.lang);
  return h('li', { className: 'inbox-item', attrs: { 'data-testid': 'inbox-item' } }, [
    h('div', { className: 'inbox-meta' }, [
      h('span', { className: 'customer', text: item.customer }),
      h('span', { className: 'pill', text: item.channel }),
      h('time', { text: when.short, title: when.full }),
    ]),
    h('p', { className: 'inbox-text', text: item.text }),
  ]);
}

/** Shows a toast for a few seconds (click closes it). */
export function showToast(container, toast, strings) {
  const text = toast.text ?? (toast.key ? lookup(strings, toast.key) : '');
  const el = h('div', { className: `toast toast-${toast.level || 'info'}`, text, attrs: { role: 'status', 'data-testid': 'toast' }, on: { click: () => el.remove() } });
  container.append(el);
  setTimeout(() => el.remove(), toast.level === 'error' ? 8000 : 5000);
}

/** Asks through the page's <dialog>; resolves true when confirmed. */
export function askConfirm(dialog, confirm) {
  dialog.querySelector('[data-role="title"]').textContent = confirm.title;
  dialog.querySelector('[data-role="text"]').textContent = confirm.text;
  dialog.querySelector('[data-testid="confirm-ok"]').textContent = confirm.confirm;
  dialog.querySelector('[data-testid="confirm-cancel"]').textContent = confirm.deny;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** The option label of a staff member in the acting-as select. */
export function userLabel(user, strings) {
  return fmt(lookup(strings, 'userOption'), { name: user.name, role: lookup(strings, `roles.${user.role}`) });
}
