// `orderops user set-password <id>` through the real CLI: one line on stdin becomes a scrypt hash in the settings,
// which then signs that person in; an unknown person or a short password changes nothing and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyConsolePassword } from '../../src/adapters/console/passwords.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('`orderops user set-password` stores a scrypt hash for a console person; unknown people and short passwords are refused', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const env = { ORDEROPS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ORDEROPS_LANG: 'en' };
  const ok = await cli(['user', 'set-password', 'wang'], env, 'a-long-enough-password\n');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Console password set for wang/);
  const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { chat: { users: Record<string, { passwordHash?: string }> } };
  const hash = settings.chat.users['console:wang']?.passwordHash ?? '';
  assert.ok(verifyConsolePassword('a-long-enough-password', hash), 'the stored hash checks out, without the newline');
  assert.doesNotMatch(readFileSync(join(dataDir, 'settings.json'), 'utf8'), /a-long-enough-password/, 'the password itself is never written');

  const unknown = await cli(['user', 'set-password', 'nobody'], env, 'a-long-enough-password\n');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No console person "nobody"/);
  const short = await cli(['--lang', 'zh-CN', 'user', 'set-password', 'lucia'], env, 'short\n');
  assert.equal(short.code, 2);
  assert.match(short.stderr, /至少需要 10 个字符/);
  const after = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { chat: { users: Record<string, { passwordHash?: string }> } };
  assert.equal(after.chat.users['console:lucia']?.passwordHash, undefined, 'nothing changed for lucia');
});
