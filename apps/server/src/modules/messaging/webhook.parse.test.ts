import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './signature.js';
import { isWhatsAppEnvelope, parseStoredBody, parseWebhook, previewOf } from './webhook.parse.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../../../..', '../shared/whatsapp/examples');
const example = (name: string) => {
  const file = path.join(EXAMPLES, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : null;
};

/** One change with the given value members, in Meta's envelope. */
function envelope(value: Record<string, unknown>, opts: { phoneNumberId?: string; field?: string } = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: opts.field ?? 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: '23052000000',
                phone_number_id: opts.phoneNumberId ?? '106540352242922',
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}
const one = (message: Record<string, unknown>) =>
  parseWebhook(
    envelope({
      contacts: [{ profile: { name: 'Aisha' }, wa_id: '23057123456' }],
      messages: [{ from: '23057123456', id: 'wamid.A', timestamp: '1764000000', ...message }],
    }),
  )[0]!.messages[0]!;

describe('isWhatsAppEnvelope', () => {
  it('accepts Meta’s envelope only', () => {
    expect(isWhatsAppEnvelope(envelope({}))).toBe(true);
    expect(isWhatsAppEnvelope({ object: 'page', entry: [] })).toBe(false);
    expect(isWhatsAppEnvelope({ object: 'whatsapp_business_account' })).toBe(false);
    expect(isWhatsAppEnvelope([])).toBe(false);
    expect(isWhatsAppEnvelope(null)).toBe(false);
    expect(isWhatsAppEnvelope('whatsapp_business_account')).toBe(false);
  });
});

describe('the contract’s example payloads', () => {
  it.skipIf(!example('inbound-text.json'))('inbound-text.json: a French text from Aisha', () => {
    const [change] = parseWebhook(example('inbound-text.json')!);
    expect(change).toMatchObject({
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      contacts: [{ waId: '23057123456', userId: null, profileName: 'Aisha Ramjaun' }],
    });
    expect(change!.messages).toHaveLength(1);
    expect(change!.messages[0]).toMatchObject({
      wamid: 'wamid.HBgLMjMwNTcxMjM0NTYVAgASGBQzQTdBQjE0RkE1QzA2QjE1OTFFNAA=',
      from: '23057123456',
      type: 'text',
      content: { type: 'text', body: 'Bonjour, je voudrais un rendez-vous' },
      contextWamid: null,
      occurredAt: new Date(1764000000 * 1000),
    });
  });

  it.skipIf(!example('inbound-button-reply.json'))(
    'inbound-button-reply.json: a reply button, linked to our message',
    () => {
      const m = parseWebhook(example('inbound-button-reply.json')!)[0]!.messages[0]!;
      expect(m.content).toEqual({ type: 'choice', choiceId: 'confirm', title: 'Confirm' });
      expect(m.contextWamid).toBe('wamid.HBgLMjMwNTcxMjM0NTYVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA');
    },
  );

  it.skipIf(!example('inbound-list-reply.json'))('inbound-list-reply.json: a list row with its description', () => {
    const m = parseWebhook(example('inbound-list-reply.json')!)[0]!.messages[0]!;
    expect(m.content).toEqual({
      type: 'choice',
      choiceId: 'slot:2026-12-01T10:30',
      title: 'Tue 1 Dec 10:30',
      description: 'Dr Li, chair 2',
    });
  });

  it.skipIf(!example('inbound-template-quick-reply.json'))(
    'inbound-template-quick-reply.json: a template quick reply (type button)',
    () => {
      const m = parseWebhook(example('inbound-template-quick-reply.json')!)[0]!.messages[0]!;
      expect(m.type).toBe('button');
      expect(m.content).toEqual({ type: 'choice', choiceId: 'CONFIRM:appt_123', title: 'Confirm' });
      expect(m.contextWamid).toBe('wamid.HBgLMjMwNTcxMjM0NTYVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA');
    },
  );

  it.skipIf(!example('status-sent.json'))('status-sent.json and status-failed.json: statuses with their errors', () => {
    const [sent] = parseWebhook(example('status-sent.json')!);
    expect(sent!.messages).toEqual([]);
    expect(sent!.statuses).toEqual([
      {
        wamid: 'wamid.HBgLMjMwNTcxMjM0NTYVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
        status: 'sent',
        occurredAt: new Date(1764000010_000),
        recipientId: '23057123456',
        errors: [],
      },
    ]);
    const failed = example('status-failed.json');
    if (!failed) return;
    expect(parseWebhook(failed)[0]!.statuses[0]).toMatchObject({
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable', detail: 'Message Undeliverable.' }],
    });
  });
});

describe('every message type of the contract', () => {
  it('text', () => {
    expect(one({ type: 'text', text: { body: 'Hélène 😀' } }).content).toEqual({ type: 'text', body: 'Hélène 😀' });
  });

  it('interactive button_reply, list_reply and nfm_reply (a WhatsApp Flow)', () => {
    expect(
      one({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } })
        .content,
    ).toEqual({ type: 'choice', choiceId: 'yes', title: 'Yes' });
    expect(
      one({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row 1' } } })
        .content,
    ).toEqual({ type: 'choice', choiceId: 'r1', title: 'Row 1' });
    expect(
      one({
        type: 'interactive',
        interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"a":1}' } },
      }).content,
    ).toEqual({ type: 'choice', choiceId: 'flow', title: 'Sent' });
    expect(
      one({ type: 'interactive', interactive: { type: 'call_permission_reply', call_permission_reply: {} } }).content,
    ).toEqual({ type: 'unsupported', originalType: 'interactive.call_permission_reply' });
  });

  it('button: a template quick reply, titled by its text', () => {
    expect(one({ type: 'button', button: { payload: 'CONFIRM', text: 'Confirm' } }).content).toEqual({
      type: 'choice',
      choiceId: 'CONFIRM',
      title: 'Confirm',
    });
  });

  it.each(['image', 'audio', 'video', 'document', 'sticker'])(
    '%s: media to fetch by id, with caption and file name',
    (type) => {
      const m = one({
        type,
        [type]: { id: '1234567890', mime_type: 'image/jpeg', sha256: 'abc', caption: 'my tooth', filename: 'x.pdf' },
      });
      expect(m.media).toEqual({ id: '1234567890', mimeType: 'image/jpeg' });
      expect(m.content).toEqual({
        type: 'media',
        mediaType: type,
        mimeType: 'image/jpeg',
        caption: 'my tooth',
        fileName: 'x.pdf',
        download: 'pending',
      });
    },
  );

  it('media without an id: nothing to fetch, shown as failed', () => {
    const m = one({ type: 'image', image: { mime_type: 'image/png' } });
    expect(m.media).toBeNull();
    expect(m.content).toMatchObject({ type: 'media', download: 'failed' });
  });

  it('location, with and without name and address', () => {
    expect(
      one({
        type: 'location',
        location: { latitude: -20.16, longitude: 57.5, name: 'Port Louis', address: 'Rue Royale' },
      }).content,
    ).toEqual({
      type: 'location',
      latitude: -20.16,
      longitude: 57.5,
      name: 'Port Louis',
      address: 'Rue Royale',
    });
    expect(one({ type: 'location', location: { latitude: '-20.16', longitude: '57.5' } }).content).toEqual({
      type: 'location',
      latitude: -20.16,
      longitude: 57.5,
    });
    expect(one({ type: 'location', location: {} }).content).toEqual({ type: 'unsupported', originalType: 'location' });
  });

  it('contacts: the names of the shared cards', () => {
    const m = one({
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Dr Li', first_name: 'Li' }, phones: [{ phone: '+230 5712 0000' }] },
        { name: { first_name: 'Ravi' } },
        {},
      ],
    });
    expect(m.content).toEqual({ type: 'contacts', names: ['Dr Li', 'Ravi', '?'] });
  });

  it('reaction: attaches to the target message; an empty emoji takes it back', () => {
    const added = one({ type: 'reaction', reaction: { message_id: 'wamid.OURS', emoji: '👍' } });
    expect(added.content).toBeNull();
    expect(added.reaction).toEqual({ targetWamid: 'wamid.OURS', emoji: '👍' });
    expect(one({ type: 'reaction', reaction: { message_id: 'wamid.OURS', emoji: '' } }).reaction).toEqual({
      targetWamid: 'wamid.OURS',
      emoji: '',
    });
    expect(one({ type: 'reaction', reaction: { message_id: 'wamid.OURS' } }).reaction).toEqual({
      targetWamid: 'wamid.OURS',
      emoji: '',
    });
  });

  it('order: summarised by item count', () => {
    expect(one({ type: 'order', order: { catalog_id: '1', product_items: [{}, {}] } }).content).toEqual({
      type: 'system',
      body: 'Order of 2 items',
    });
    expect(one({ type: 'order', order: { catalog_id: '1', product_items: [{}] } }).content).toEqual({
      type: 'system',
      body: 'Order of 1 item',
    });
  });

  it('system user_changed_number: the new number, under either of Meta’s field names', () => {
    const m = one({
      type: 'system',
      system: {
        body: 'Aisha changed from 23057123456 to 23057999999',
        wa_id: '23057999999',
        type: 'user_changed_number',
      },
    });
    expect(m.changedNumberTo).toBe('23057999999');
    expect(m.content).toEqual({ type: 'system', body: 'Aisha changed from 23057123456 to 23057999999' });
    expect(
      one({ type: 'system', system: { body: 'x', new_wa_id: '23057888888', type: 'user_changed_number' } })
        .changedNumberTo,
    ).toBe('23057888888');
    expect(
      one({ type: 'system', system: { body: 'x', type: 'customer_identity_changed' } }).changedNumberTo,
    ).toBeNull();
  });

  it('unsupported and unknown types are kept with their errors, not rejected', () => {
    const errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
    const m = one({ type: 'unsupported', errors });
    expect(m.content).toEqual({ type: 'unsupported', originalType: 'unsupported' });
    expect(m.raw.errors).toEqual(errors);
    expect(one({ type: 'hologram', hologram: { depth: 3 } }).content).toEqual({
      type: 'unsupported',
      originalType: 'hologram',
    });
    expect(one({ type: undefined }).content).toEqual({ type: 'unsupported', originalType: 'unknown' });
  });

  it('unknown fields are kept in raw', () => {
    const m = one({ type: 'text', text: { body: 'hi', future: true }, referral: { source_url: 'https://fb.me/x' } });
    expect(m.raw.referral).toEqual({ source_url: 'https://fb.me/x' });
  });

  it('context links a reply to the message it answers', () => {
    expect(
      one({ type: 'text', text: { body: 'yes' }, context: { from: '23052000000', id: 'wamid.OURS' } }).contextWamid,
    ).toBe('wamid.OURS');
  });
});

describe('envelope handling', () => {
  it('loops over every entry, change, message and status', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [1, 2].map((e) => ({
        id: `waba${e}`,
        changes: [1, 2].map((c) => ({
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { phone_number_id: `${e}${c}0000` },
            messages: [1, 2].map((m) => ({
              from: '23057123456',
              id: `wamid.${e}${c}${m}`,
              timestamp: '1764000000',
              type: 'text',
              text: { body: `${e}${c}${m}` },
            })),
            statuses: [
              { id: `wamid.s${e}${c}`, status: 'delivered', timestamp: '1764000000', recipient_id: '23057123456' },
            ],
          },
        })),
      })),
    };
    const changes = parseWebhook(body);
    expect(changes.map((c) => c.phoneNumberId)).toEqual(['110000', '120000', '210000', '220000']);
    expect(changes.flatMap((c) => c.messages.map((m) => m.wamid))).toHaveLength(8);
    expect(changes.flatMap((c) => c.statuses)).toHaveLength(4);
  });

  it('skips what is not a messages change or names no number, and survives junk at any level', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        null,
        'x',
        { id: '1', changes: 'nope' },
        {
          id: '2',
          changes: [
            null,
            { field: 'messages' },
            { field: 'account_update', value: { metadata: { phone_number_id: '1' } } },
            { field: 'messages', value: { metadata: {} } },
          ],
        },
        {
          id: '3',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '77777' },
                messages: [null, { type: 'text' }, 5],
                statuses: [{ id: 'wamid.x' }, 'y'],
                contacts: [null, {}],
              },
            },
          ],
        },
      ],
    };
    const changes = parseWebhook(body);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      phoneNumberId: '77777',
      messages: [],
      statuses: [],
      contacts: [{ waId: null, userId: null, profileName: '' }],
    });
  });

  it('username users: no phone, keyed by business-scoped user id', () => {
    const [change] = parseWebhook(
      envelope({
        contacts: [{ profile: { name: 'ravi_k' }, user_id: 'MU.1234567890' }],
        messages: [
          { from_user_id: 'MU.1234567890', id: 'wamid.U', timestamp: '1764000000', type: 'text', text: { body: 'hi' } },
        ],
        statuses: [{ id: 'wamid.S', status: 'read', timestamp: '1764000000', recipient_user_id: 'MU.1234567890' }],
      }),
    );
    expect(change!.contacts).toEqual([{ waId: null, userId: 'MU.1234567890', profileName: 'ravi_k' }]);
    expect(change!.messages[0]).toMatchObject({ from: null, fromUserId: 'MU.1234567890' });
    expect(change!.statuses[0]).toMatchObject({ wamid: 'wamid.S', status: 'read', recipientId: null });
  });

  it('a missing or silly timestamp becomes now rather than 1970', () => {
    const before = Date.now();
    expect(
      one({ timestamp: undefined, type: 'text', text: { body: 'a' } }).occurredAt.getTime(),
    ).toBeGreaterThanOrEqual(before);
    expect(one({ timestamp: '12', type: 'text', text: { body: 'a' } }).occurredAt.getTime()).toBeGreaterThanOrEqual(
      before,
    );
    expect(one({ timestamp: 'soon', type: 'text', text: { body: 'a' } }).occurredAt.getTime()).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('a message without an id is dropped (it could not be deduplicated)', () => {
    const [change] = parseWebhook(envelope({ messages: [{ from: '23057123456', type: 'text', text: { body: 'x' } }] }));
    expect(change!.messages).toEqual([]);
  });
});

describe('parseStoredBody', () => {
  it('drops NUL and replaces unpaired surrogates, which PostgreSQL’s jsonb refuses, keeping real emoji', () => {
    const parsed = parseStoredBody(
      '{"a":"x\\u0000y","b":["half \\ud83d","\\ude00 tail","ok \\ud83d\\ude00"],"k\\u0000ey":1}',
    ) as Record<string, unknown>;
    expect(parsed).toEqual({ a: 'xy', b: ['half \ufffd', '\ufffd tail', 'ok 😀'], key: 1 });
    expect(JSON.stringify(parsed)).not.toMatch(/\\u0000|\\ud8/);
  });

  it('leaves ordinary payloads exactly as JSON.parse reads them', () => {
    const raw = JSON.stringify(
      envelope({ messages: [{ id: 'wamid.1', type: 'text', text: { body: 'Hélène 👋 — ok' } }] }),
    );
    expect(parseStoredBody(raw)).toEqual(JSON.parse(raw));
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseStoredBody('{"object":')).toThrow(SyntaxError);
  });
});

describe('previewOf', () => {
  it('gives one line for each kind of content', () => {
    expect(previewOf({ type: 'text', body: 'Hi' })).toBe('Hi');
    expect(previewOf({ type: 'media', mediaType: 'image', mimeType: 'image/jpeg', download: 'stored' })).toBe(
      '[image]',
    );
    expect(
      previewOf({ type: 'media', mediaType: 'image', mimeType: 'image/jpeg', caption: 'tooth', download: 'stored' }),
    ).toBe('tooth');
    expect(previewOf({ type: 'choice', choiceId: 'a', title: 'Confirm' })).toBe('Confirm');
    expect(previewOf({ type: 'contacts', names: ['A', 'B'] })).toBe('[contact] A, B');
    expect(previewOf({ type: 'unsupported', originalType: 'hologram' })).toBe('[hologram]');
    expect(previewOf({ type: 'location', latitude: 1, longitude: 2 })).toBe('[location]');
  });
});

describe('webhook signatures', () => {
  const secret = 'app-secret-0123456789';
  it('verifies the raw bytes Meta signed, in constant time, and nothing else', () => {
    // Meta escapes non-ASCII in the raw body; a re-serialised body is different bytes.
    const raw = '{"object":"whatsapp_business_account","entry":[{"text":"H\\u00e9l\\u00e8ne \\ud83d\\ude00"}]}';
    const header = signWebhook(raw, secret);
    expect(verifyWebhookSignature(Buffer.from(raw), header, secret)).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).toContain('Hélène 😀');
    expect(verifyWebhookSignature(Buffer.from(reserialised), header, secret)).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(raw), header.toUpperCase().replace('SHA256=', 'sha256='), secret)).toBe(
      true,
    );
  });

  it('refuses a missing, malformed, truncated or foreign signature', () => {
    const raw = Buffer.from('{"a":1}');
    const good = signWebhook(raw, secret);
    expect(verifyWebhookSignature(raw, undefined, secret)).toBe(false);
    expect(verifyWebhookSignature(raw, '', secret)).toBe(false);
    expect(verifyWebhookSignature(raw, good.slice(7), secret)).toBe(false);
    expect(verifyWebhookSignature(raw, good.slice(0, -2), secret)).toBe(false);
    expect(verifyWebhookSignature(raw, 'sha256=zz', secret)).toBe(false);
    expect(verifyWebhookSignature(raw, signWebhook(raw, 'another-secret-0123'), secret)).toBe(false);
    expect(verifyWebhookSignature(raw, good.replace('sha256=', 'sha1='), secret)).toBe(false);
  });
});
