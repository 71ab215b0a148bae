import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError } from '../../../src/core/errors.ts';
import { createConsoleInboxChannel, type ConsoleInboxEntry } from '../../../src/notify/channels/console.ts';

test('renders the chat text in the customer language and pushes it into the console inbox', async () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
  const pushed: ConsoleInboxEntry[] = [];
  const channel = createConsoleInboxChannel({ push: (e) => (pushed.push(e), { id: `inbox-${pushed.length}`, ...e }), clock });
  assert.equal(channel.name, 'console');
  assert.equal(channel.canReach({ customerId: 'c1', language: 'es' }), true);
  const receipt = await channel.send({
    key: 'order:SO9:ask_stock',
    orderId: 'SO9',
    template: 'ask_stock',
    vars: { item: 'Taza <azul>' },
    urgent: true,
    recipient: { customerId: 'c1', name: 'Lucía', language: 'es' },
  });
  assert.deepEqual(receipt, { channel: 'console', providerId: 'inbox-1' });
  assert.deepEqual(pushed, [
    {
      customer: 'Lucía (c1)',
      channel: 'console',
      text: 'Lo sentimos: Taza <azul> de tu pedido SO9 está agotado. Responde 1 para esperar a que vuelva, 2 para cambiarlo por un artículo similar o 3 para cancelarlo.',
      at: Date.UTC(2026, 5, 1, 9),
    },
  ]);
  await assert.rejects(
    channel.send({ key: 'k', orderId: 'SO9', template: 'nope', vars: {}, urgent: false, recipient: { customerId: 'c1', language: 'en' } }),
    (e: unknown) => e instanceof PermanentError && e.code === 'template.unknown',
  );
  assert.equal(pushed.length, 1);
});
