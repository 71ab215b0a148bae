// `orderops user set-password <id>`: a console person's own password, stored in the settings as a scrypt hash.
import type { TFunction } from 'i18next';
import { hashConsolePassword } from '../adapters/console/passwords.ts';
import { UserError } from '../core/errors.ts';
import { SettingsStore } from '../settings/store.ts';

/** Shortest password accepted. */
export const MIN_PASSWORD_CHARS = 10;

/** Reads a line from a terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let text = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(text);
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          return reject(new UserError('cli.cancelled', 'cancelled'));
        }
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readAll(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Asks for the password (twice on a terminal; one line on a pipe), then stores its hash for `console:<id>`. */
export async function setConsolePassword(dataDir: string, id: string, t: TFunction): Promise<string> {
  const settings = await SettingsStore.open(dataDir);
  const key = `console:${id}`;
  if (!settings.get().chat.users[key]) throw new UserError('cli.unknown_person', t('user.unknown', { id }));
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden(t('user.prompt', { id }));
    if ((await readHidden(t('user.again'))) !== password) throw new UserError('cli.password_mismatch', t('user.mismatch'));
  } else {
    password = await readAll();
  }
  if ([...password].length < MIN_PASSWORD_CHARS) throw new UserError('cli.password_short', t('user.short', { n: MIN_PASSWORD_CHARS }));
  await settings.update((draft) => {
    const entry = draft.chat.users[key];
    if (entry) entry.passwordHash = hashConsolePassword(password);
  });
  return t('user.done', { id, file: settings.file });
}
