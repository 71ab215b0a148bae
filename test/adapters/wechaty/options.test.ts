// The staff-only bot from the environment: its own puppet, token and session file, never the customer bot's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { wechatyStaffOptionsFromEnv } from '../../../src/adapters/wechaty/index.ts';

test('staff bot options: none without WECHATY_STAFF_PUPPET; its own token, endpoint, TLS and session file', () => {
  assert.equal(wechatyStaffOptionsFromEnv({ WECHATY_PUPPET: 'wechaty-puppet-service' }, '/data'), undefined);
  assert.deepEqual(
    wechatyStaffOptionsFromEnv(
      {
        WECHATY_STAFF_PUPPET: 'wechaty-puppet-service',
        WECHATY_STAFF_PUPPET_TOKEN: 'staff-tok',
        WECHATY_STAFF_PUPPET_ENDPOINT: '10.0.0.3:8788',
        WECHATY_STAFF_PUPPET_NO_TLS_INSECURE_CLIENT: 'true',
        WECHATY_PUPPET: 'wechaty-puppet-service',
        WECHATY_PUPPET_SERVICE_TOKEN: 'customer-tok',
      },
      '/data',
    ),
    { puppet: 'wechaty-puppet-service', puppetOptions: { token: 'staff-tok', endpoint: '10.0.0.3:8788', tls: { disable: true } }, name: join('/data', 'runtime', 'wechaty-staff') },
  );
  assert.deepEqual(wechatyStaffOptionsFromEnv({ WECHATY_STAFF_PUPPET: 'wechaty-puppet-padlocal', WECHATY_STAFF_PUPPET_TOKEN: 'p', WECHATY_STAFF_NAME: '/srv/staff' }, '/data'), {
    puppet: 'wechaty-puppet-padlocal',
    puppetOptions: { token: 'p' },
    name: '/srv/staff',
  });
});

test('staff bot options: a bad puppet name and a session file shared with the customer bot are refused', () => {
  assert.throws(() => wechatyStaffOptionsFromEnv({ WECHATY_STAFF_PUPPET: '../evil' }, '/data'), /WECHATY_STAFF_PUPPET must name a wechaty puppet package/);
  assert.throws(
    () => wechatyStaffOptionsFromEnv({ WECHATY_STAFF_PUPPET: 'wechaty-puppet-mock', WECHATY_STAFF_NAME: 'shop', WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_NAME: 'shop' }, '/data'),
    /WECHATY_STAFF_NAME must differ from WECHATY_NAME/,
  );
});
