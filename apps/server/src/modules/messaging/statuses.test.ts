import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureOf, nextStatus } from './statuses.js';

const RANKED = ['queued', 'sending', 'sent', 'delivered', 'read'] as const;

describe('nextStatus: a delivery status never moves backwards', () => {
  it('moves forward, possibly skipping delivered', () => {
    expect(nextStatus('queued', 'sent')).toBe('sent');
    expect(nextStatus('sent', 'delivered')).toBe('delivered');
    expect(nextStatus('sent', 'read')).toBe('read');
    expect(nextStatus('delivered', 'read')).toBe('read');
    expect(nextStatus('queued', 'read')).toBe('read');
  });

  it('ignores a status that arrives late or twice', () => {
    expect(nextStatus('read', 'sent')).toBeNull();
    expect(nextStatus('read', 'delivered')).toBeNull();
    expect(nextStatus('delivered', 'sent')).toBeNull();
    expect(nextStatus('sent', 'sent')).toBeNull();
  });

  it('treats played (voice messages) as read', () => {
    expect(nextStatus('delivered', 'played')).toBe('read');
    expect(nextStatus('read', 'played')).toBeNull();
  });

  it('records failed only before delivery; a failed message stays failed', () => {
    expect(nextStatus('queued', 'failed')).toBe('failed');
    expect(nextStatus('sent', 'failed')).toBe('failed');
    expect(nextStatus('delivered', 'failed')).toBeNull();
    expect(nextStatus('read', 'failed')).toBeNull();
    expect(nextStatus('failed', 'sent')).toBeNull();
    expect(nextStatus('failed', 'read')).toBeNull();
    expect(nextStatus('failed', 'failed')).toBeNull();
  });

  it('leaves inbound messages and unknown statuses alone', () => {
    expect(nextStatus('received', 'read')).toBeNull();
    expect(nextStatus('received', 'failed')).toBeNull();
    expect(nextStatus('sent', 'deleted')).toBeNull();
    expect(nextStatus('sent', 'warning')).toBeNull();
  });

  it('whatever order the webhooks arrive in, the result is the furthest status reached (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('sent', 'delivered', 'read', 'played'), { minLength: 1, maxLength: 8 }),
        (events) => {
          let status = 'queued';
          const seen: string[] = [status];
          for (const e of events) {
            const next = nextStatus(status, e);
            if (next) status = next;
            seen.push(status);
          }
          // Monotone, and ends at the highest rank reported.
          const rank = (s: string) => RANKED.indexOf(s as (typeof RANKED)[number]);
          for (let i = 1; i < seen.length; i++) expect(rank(seen[i]!)).toBeGreaterThanOrEqual(rank(seen[i - 1]!));
          const highest = Math.max(...events.map((e) => rank(e === 'played' ? 'read' : e)));
          expect(rank(status)).toBe(highest);
        },
      ),
    );
  });
});

describe('failureOf: a failed status webhook, read by its code', () => {
  it('131026 is not_on_whatsapp with title and details kept', () => {
    expect(failureOf([{ code: 131026, title: 'Message undeliverable', detail: 'Message Undeliverable.' }])).toEqual({
      reason: 'not_on_whatsapp',
      code: 131026,
      detail: 'Message undeliverable: Message Undeliverable.',
      optOut: false,
    });
  });

  it('131050 is an opt-out', () => {
    expect(failureOf([{ code: 131050, title: 'Unable to deliver the message', detail: '' }])).toMatchObject({
      reason: 'opted_out',
      optOut: true,
      detail: 'Unable to deliver the message',
    });
  });

  it('131047 is window_closed; a template code is template_problem', () => {
    expect(failureOf([{ code: 131047, title: 'Re-engagement message', detail: '' }]).reason).toBe('window_closed');
    expect(failureOf([{ code: 132001, title: 'Template does not exist', detail: '' }]).reason).toBe('template_problem');
  });

  it('no errors at all: unknown, no code', () => {
    expect(failureOf([])).toMatchObject({ code: null, detail: null, optOut: false });
  });
});
