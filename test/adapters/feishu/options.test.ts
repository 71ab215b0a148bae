// Reading the environment: off without credentials, one clear line for a partial or incoherent setup, never a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feishuOptionsFromEnv } from '../../../src/adapters/feishu/options.ts';
import { UserError } from '../../../src/core/errors.ts';

const SECRET = 'sEcReT-app-secret-value';

test('Feishu is off without app id and secret; http by default, ws on request, Lark base accepted', () => {
  assert.equal(feishuOptionsFromEnv({}), undefined);
  assert.deepEqual(feishuOptionsFromEnv({ FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: SECRET, FEISHU_VERIFICATION_TOKEN: 'vt', FEISHU_ENCRYPT_KEY: ' ek ' }), {
    appId: 'cli_a',
    appSecret: SECRET,
    verificationToken: 'vt',
    encryptKey: 'ek',
    apiBase: undefined,
    mode: 'http',
  });
  const ws = feishuOptionsFromEnv({ FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: SECRET, FEISHU_MODE: 'ws', FEISHU_API_BASE: 'https://open.larksuite.com/' });
  assert.equal(ws?.mode, 'ws');
  assert.equal(ws?.apiBase, 'https://open.larksuite.com');
});

test('partial or incoherent configurations are one clear UserError without the secret', () => {
  const bad: Record<string, string>[] = [
    { FEISHU_APP_ID: 'cli_a' },
    { FEISHU_APP_SECRET: SECRET },
    { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: SECRET },
    { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: SECRET, FEISHU_VERIFICATION_TOKEN: 'vt', FEISHU_MODE: 'webhook' },
    { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: SECRET, FEISHU_MODE: 'ws' },
    { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: SECRET, FEISHU_VERIFICATION_TOKEN: 'vt', FEISHU_API_BASE: 'open.feishu.cn/x' },
  ];
  for (const env of bad) {
    assert.throws(
      () => feishuOptionsFromEnv(env),
      (err: unknown) => err instanceof UserError && err.code === 'feishu.config' && !err.message.includes(SECRET) && !err.message.includes('\n'),
      JSON.stringify(Object.keys(env)),
    );
  }
});
