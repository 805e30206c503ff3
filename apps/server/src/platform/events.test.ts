import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createEventBus } from './events.js';

const logger = pino({ level: 'silent' });
const pgUrl = process.env.TEST_DATABASE_URL;

describe('event bus', () => {
  it('delivers in memory to subscribers of the topic only, and stops after unsubscribe', async () => {
    const bus = createEventBus({ logger });
    const got: unknown[] = [];
    const stop = bus.subscribe('inbox:a', (e) => got.push(e));
    bus.subscribe('inbox:b', () => got.push('wrong topic'));
    bus.publish('inbox:a', { n: 1 });
    stop();
    bus.publish('inbox:a', { n: 2 });
    expect(got).toEqual([{ n: 1 }]);
    await bus.close();
  });

  it.skipIf(!pgUrl)('carries events between processes through PostgreSQL NOTIFY', async () => {
    // Two buses, two connections: as two server processes would have.
    const sender = createEventBus({ databaseUrl: pgUrl, logger });
    const receiver = createEventBus({ databaseUrl: pgUrl, logger });
    const topic = `inbox:${Math.random()}`;
    const received = new Promise((resolve) => receiver.subscribe(topic, resolve));
    // LISTEN is set up asynchronously: publish until heard (the first may precede it).
    const timer = setInterval(() => sender.publish(topic, { type: 'message', conversationId: 'c1' }), 100);
    try {
      await expect(received).resolves.toEqual({ type: 'message', conversationId: 'c1' });
    } finally {
      clearInterval(timer);
      await sender.close();
      await receiver.close();
    }
  });

  it('wakes background work in this process only', async () => {
    const bus = createEventBus({ logger });
    let woken = 0;
    bus.onSignal('whatsapp:outbox', () => woken++);
    bus.signal('whatsapp:outbox');
    bus.signal('whatsapp:webhooks');
    expect(woken).toBe(1);
    await bus.close();
  });
});
