// The console page: state snapshot + live SSE events -> channels, messages, inbox; commands and clicks -> POSTs.
import { h, fmt, load, lookup, newId, save } from './dom.js';
import { connectEvents, fetchState, postJson } from './net.js';
import { askConfirm, channelName, renderChannelItem, renderInboxItem, renderMessageInto, showToast, userLabel } from './view.js';

const MAX_MESSAGES = 200;
const MAX_HISTORY = 50;
const $ = (id) => document.getElementById(id);

const S = {
  strings: {},
  lang: load('lang', null),
  user: load('user', null),
  channel: load('channel', 'ops'),
  access: 'open',
  actAs: true,
  users: [],
  channels: [],
  languages: [],
  messages: new Map(),
  elements: new Map(),
  unread: new Map(),
  inbox: [],
  history: load('history', []),
  historyAt: -1,
  loading: false,
  buffered: [],
  stream: null,
};

const ui = {
  list: $('messages'),
  input: $('command-input'),
  form: $('command-form'),
  send: $('command-send'),
  userSelect: $('user-select'),
  langSelect: $('language-select'),
  channels: $('channel-list'),
  dms: $('dm-list'),
  title: $('channel-title'),
  desc: $('channel-desc'),
  inboxList: $('inbox-list'),
  inboxEmpty: $('inbox-empty'),
  inboxCount: $('inbox-count'),
  toasts: $('toasts'),
  dialog: $('confirm-dialog'),
  status: $('connection'),
  app: $('app'),
};

const ctx = () => ({
  strings: S.strings,
  lang: S.lang || 'en',
  user: S.user,
  users: S.users,
  channel: S.channel,
  unread: S.unread,
  selectChannel,
  onAction: clickButton,
  dismiss: dismissMessage,
});

function t(key, vars) {
  return fmt(lookup(S.strings, key), vars);
}

let loadSeq = 0;

async function loadState() {
  const seq = ++loadSeq;
  S.loading = true;
  let data;
  try {
    data = await fetchState(S.user, S.lang);
  } finally {
    // Only the newest snapshot counts; an older one finishing late is dropped.
    if (seq === loadSeq) S.loading = false;
  }
  if (seq !== loadSeq) return;
  S.strings = data.strings;
  S.lang = data.language;
  S.access = data.access;
  S.actAs = data.actAs;
  S.users = data.users;
  S.languages = data.languages;
  S.channels = data.channels;
  S.inbox = data.inbox;
  S.messages = new Map(Object.entries(data.messages));
  // Signed in, the page is that person; only with acting-as on may it choose.
  if (!S.actAs) S.user = data.me ?? null;
  else if (!S.users.some((u) => u.id === S.user)) S.user = S.users[0]?.id ?? null;
  if (!S.channels.some((c) => c.id === S.channel)) S.channel = S.channels[0]?.id ?? 'ops';
  const buffered = S.buffered;
  S.buffered = [];
  renderAll();
  for (const [name, ev] of buffered) applyEvent(name, ev);
}

function connect() {
  S.stream?.close();
  S.stream = connectEvents(S.user, onEvent, (state) => {
    ui.status.dataset.state = state;
    ui.status.querySelector('.status-text').textContent = t(`connection.${state}`);
  });
}

function onEvent(name, data) {
  // Each (re)connect starts with hello: take a fresh snapshot so nothing missed while offline stays missing.
  if (name === 'hello') return void loadState().catch((e) => console.error(e));
  if (S.loading) S.buffered.push([name, data]);
  else applyEvent(name, data);
}

function applyEvent(name, data) {
  if (name === 'message' || name === 'ephemeral' || name === 'message-updated') upsertMessage(data.message);
  else if (name === 'inbox') addInbox(data.item);
  else if (name === 'toast') showToast(ui.toasts, data, S.strings);
  else if (name === 'channel' && !S.channels.some((c) => c.id === data.channelId)) {
    S.channels.push({ id: data.channelId, kind: 'channel' });
    renderChannels();
  }
}

function upsertMessage(msg) {
  if (msg.visibleTo && msg.visibleTo !== S.user) return;
  if (!S.channels.some((c) => c.id === msg.channelId)) {
    S.channels.push({ id: msg.channelId, kind: 'channel' });
  }
  const list = S.messages.get(msg.channelId) ?? [];
  S.messages.set(msg.channelId, list);
  const i = list.findIndex((m) => m.id === msg.id);
  if (i >= 0) {
    if (list[i].version >= msg.version) return;
    list[i] = msg;
    const li = S.elements.get(msg.id);
    if (li) {
      renderMessageInto(li, msg, ctx());
      li.classList.remove('flash');
      void li.offsetWidth;
      li.classList.add('flash');
    }
    return;
  }
  list.push(msg);
  while (list.length > MAX_MESSAGES) S.elements.delete(list.shift().id);
  if (msg.channelId === S.channel) {
    const nearBottom = ui.list.scrollHeight - ui.list.scrollTop - ui.list.clientHeight < 120;
    ui.list.querySelector('.empty')?.remove();
    ui.list.append(messageElement(msg));
    while (ui.list.children.length > MAX_MESSAGES) ui.list.firstElementChild.remove();
    if (nearBottom || (msg.author.kind === 'user' && msg.author.userId === S.user)) scrollToEnd();
  } else {
    S.unread.set(msg.channelId, (S.unread.get(msg.channelId) || 0) + 1);
    renderChannels();
  }
}

function messageElement(msg) {
  const li = document.createElement('li');
  renderMessageInto(li, msg, ctx());
  S.elements.set(msg.id, li);
  return li;
}

function scrollToEnd() {
  ui.list.scrollTop = ui.list.scrollHeight;
}

function dismissMessage(msg) {
  const list = S.messages.get(msg.channelId) ?? [];
  S.messages.set(msg.channelId, list.filter((m) => m.id !== msg.id));
  S.elements.get(msg.id)?.remove();
  S.elements.delete(msg.id);
}

function addInbox(item) {
  if (S.inbox.some((x) => x.id === item.id)) return;
  S.inbox.push(item);
  renderInbox();
}

function renderAll() {
  document.documentElement.lang = S.lang || 'en';
  document.title = t('pageTitle');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  ui.status.querySelector('.status-text').textContent = t(`connection.${ui.status.dataset.state}`);
  $('logout-form').hidden = S.access !== 'login';
  ui.userSelect.closest('label').hidden = !S.actAs;
  ui.userSelect.replaceChildren(...S.users.map((u) => h('option', { text: userLabel(u, S.strings), attrs: { value: u.id } })));
  ui.userSelect.value = S.user ?? '';
  ui.langSelect.replaceChildren(...S.languages.map((l) => h('option', { text: t(`languages.${l}`), attrs: { value: l } })));
  ui.langSelect.value = S.lang;
  renderChannels();
  renderMessages();
  renderInbox();
}

function renderChannels() {
  const c = ctx();
  ui.channels.replaceChildren(...S.channels.filter((x) => x.kind !== 'dm').map((x) => renderChannelItem(x, c)));
  ui.dms.replaceChildren(...S.channels.filter((x) => x.kind === 'dm').map((x) => renderChannelItem(x, c)));
}

function renderMessages() {
  const channel = S.channels.find((c) => c.id === S.channel) ?? { id: S.channel, kind: 'channel' };
  ui.title.textContent = channelName(channel, S.users);
  ui.desc.textContent = channel.kind === 'dm' ? t('dmDescription', { name: channelName(channel, S.users) }) : t('channelDescription');
  S.elements.clear();
  const msgs = S.messages.get(S.channel) ?? [];
  ui.list.replaceChildren(...(msgs.length ? msgs.map(messageElement) : [h('li', { className: 'empty', text: t('emptyChannel'), attrs: { 'data-testid': 'empty-channel' } })]));
  const foreignDm = channel.kind === 'dm' && channel.userId !== S.user;
  ui.input.disabled = foreignDm || !S.user;
  ui.send.disabled = ui.input.disabled;
  ui.input.placeholder = !S.user
    ? t('composer.noUsers')
    : foreignDm
      ? t('composer.readOnlyDm', { name: channelName(channel, S.users) })
      : t('composer.placeholder');
  scrollToEnd();
}

function renderInbox() {
  const c = ctx();
  ui.inboxList.replaceChildren(...[...S.inbox].reverse().map((x) => renderInboxItem(x, c)));
  ui.inboxEmpty.hidden = S.inbox.length > 0;
  ui.inboxCount.textContent = S.inbox.length ? String(S.inbox.length) : '';
}

function selectChannel(id) {
  S.channel = id;
  save('channel', id);
  S.unread.delete(id);
  ui.app.classList.remove('show-nav');
  renderChannels();
  renderMessages();
  ui.input.focus();
}

async function clickButton(msg, button, el) {
  if (button.confirm && !(await askConfirm(ui.dialog, button.confirm))) return;
  el.disabled = true;
  el.classList.add('busy');
  const res = await postJson('/console/api/action', {
    user: S.user,
    channel: msg.channelId,
    messageId: msg.id,
    actionId: button.actionId,
    value: button.value,
    clickId: newId(),
    locale: S.lang,
  });
  if (!res.ok) showToast(ui.toasts, { level: 'error', text: t('toast.actionFailed', { reason: res.message }) }, S.strings);
  // An update redraws the card (and its buttons); if none comes, let the person try again.
  setTimeout(() => {
    el.disabled = false;
    el.classList.remove('busy');
  }, res.ok ? 4000 : 0);
}

async function submitCommand(e) {
  e.preventDefault();
  const text = ui.input.value.trim();
  if (!text || !S.user) return;
  ui.input.value = '';
  S.history = [text, ...S.history.filter((x) => x !== text)].slice(0, MAX_HISTORY);
  S.historyAt = -1;
  save('history', S.history);
  const res = await postJson('/console/api/command', { user: S.user, channel: S.channel, text, id: newId(), locale: S.lang });
  if (!res.ok) {
    showToast(ui.toasts, { level: 'error', text: t('toast.sendFailed', { reason: res.message }) }, S.strings);
    if (!ui.input.value) ui.input.value = text;
  }
}

function onKey(e) {
  if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    if (!S.history.length) return;
    e.preventDefault();
    S.historyAt = Math.max(-1, Math.min(S.history.length - 1, S.historyAt + (e.key === 'ArrowUp' ? 1 : -1)));
    ui.input.value = S.historyAt < 0 ? '' : S.history[S.historyAt];
    ui.input.setSelectionRange(ui.input.value.length, ui.input.value.length);
  } else if (e.key === 'Escape') {
    ui.input.value = '';
    S.historyAt = -1;
  }
}

ui.form.addEventListener('submit', submitCommand);
ui.input.addEventListener('keydown', onKey);
ui.userSelect.addEventListener('change', () => {
  S.user = ui.userSelect.value;
  save('user', S.user);
  connect();
});
ui.langSelect.addEventListener('change', () => {
  S.lang = ui.langSelect.value;
  save('lang', S.lang);
  loadState().catch((e) => console.error(e));
});
$('inbox-toggle').addEventListener('click', () => ui.app.classList.toggle('show-inbox'));
$('inbox-close').addEventListener('click', () => ui.app.classList.remove('show-inbox'));
$('nav-toggle').addEventListener('click', () => ui.app.classList.toggle('show-nav'));

loadState()
  .catch((e) => console.error(e))
  .finally(() => {
    save('user', S.user);
    connect();
  });
