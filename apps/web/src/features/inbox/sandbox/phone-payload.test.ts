import type { SandboxPhoneMessage } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { contextOf, graphBody, mergePhoneMessage, phoneView } from './phone-payload';

const message = (
  payload: Record<string, unknown>,
  overrides: Partial<SandboxPhoneMessage> = {},
): SandboxPhoneMessage => ({
  wamid: 'wamid.1',
  direction: 'to_phone',
  payload,
  status: 'sent',
  at: '2026-11-25T10:00:00.000Z',
  ...overrides,
});

describe('phoneView: what the practice sent to the Graph API', () => {
  it('reads reply buttons', () => {
    const view = phoneView(
      message({
        messaging_product: 'whatsapp',
        to: '23057123456',
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Confirm your visit?' },
          footer: { text: 'Smile Dental' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'confirm', title: 'Confirm' } },
              { type: 'reply', reply: { id: 'move', title: 'Move it' } },
            ],
          },
        },
      }),
    );
    expect(view).toEqual({
      kind: 'buttons',
      header: undefined,
      body: 'Confirm your visit?',
      footer: 'Smile Dental',
      buttons: [
        { id: 'confirm', title: 'Confirm', description: undefined },
        { id: 'move', title: 'Move it', description: undefined },
      ],
    });
  });

  it('reads a list with its sections', () => {
    const view = phoneView(
      message({
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick a time' },
          action: {
            button: 'Times',
            sections: [{ title: 'Tuesday', rows: [{ id: 'slot:1', title: '10:30', description: 'Dr Li' }] }],
          },
        },
      }),
    );
    expect(view).toMatchObject({
      kind: 'list',
      button: 'Times',
      sections: [{ title: 'Tuesday', rows: [{ id: 'slot:1', title: '10:30', description: 'Dr Li' }] }],
    });
  });

  it('shows a template from the text the sandbox rendered, with the quick-reply payloads as ids', () => {
    const view = phoneView(
      message({
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'en' },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Aisha' }] },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '0',
              parameters: [{ type: 'payload', payload: 'CONFIRM:appt_123' }],
            },
          ],
        },
        _rendered: { body: 'Hello Aisha, see you tomorrow.', buttons: ['Confirm', 'Cancel'] },
      }),
    );
    expect(view).toEqual({
      kind: 'template',
      name: 'appointment_reminder',
      language: 'en',
      body: 'Hello Aisha, see you tomorrow.',
      buttons: [
        { id: 'CONFIRM:appt_123', title: 'Confirm' },
        { id: 'Cancel', title: 'Cancel' },
      ],
    });
  });

  it('keeps an unknown type visible by name', () => {
    expect(phoneView(message({ type: 'order', order: {} }))).toEqual({ kind: 'other', type: 'order' });
  });
});

describe('phoneView: what the phone sent (webhook messages)', () => {
  it('reads button, list and template quick replies as choices', () => {
    expect(
      phoneView(
        message({
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm' } },
        }),
      ),
    ).toMatchObject({
      kind: 'choice',
      title: 'Confirm',
    });
    expect(
      phoneView(
        message({
          type: 'interactive',
          interactive: { type: 'list_reply', list_reply: { id: 's', title: 'Tue 10:30', description: 'Dr Li' } },
        }),
      ),
    ).toMatchObject({
      kind: 'choice',
      title: 'Tue 10:30',
      description: 'Dr Li',
    });
    expect(phoneView(message({ type: 'button', button: { payload: 'CONFIRM:appt_123', text: 'Confirm' } }))).toEqual({
      kind: 'choice',
      title: 'Confirm',
    });
  });

  it('finds the message answered, in either shape', () => {
    expect(contextOf(message({ type: 'text', context: { from: '23052000000', id: 'wamid.A' } }))).toBe('wamid.A');
    expect(contextOf(message({ type: 'text', context: { message_id: 'wamid.B' } }))).toBe('wamid.B');
    expect(contextOf(message({ type: 'text' }))).toBeNull();
  });
});

describe('mergePhoneMessage and graphBody', () => {
  it('replaces a message whose status changed and appends new ones in time order', () => {
    const first = message({ type: 'text', text: { body: 'a' } });
    const later = message({ type: 'text', text: { body: 'b' } }, { wamid: 'wamid.2', at: '2026-11-25T10:05:00.000Z' });
    const earlier = message(
      { type: 'text', text: { body: 'c' } },
      { wamid: 'wamid.0', at: '2026-11-25T09:55:00.000Z' },
    );
    let chat = mergePhoneMessage([first], later);
    chat = mergePhoneMessage(chat, { ...first, status: 'read' });
    chat = mergePhoneMessage(chat, earlier);
    expect(chat.map((m) => [m.wamid, m.status])).toEqual([
      ['wamid.0', 'sent'],
      ['wamid.1', 'read'],
      ['wamid.2', 'sent'],
    ]);
  });

  it('leaves out what the sandbox added to the Graph API body', () => {
    expect(
      graphBody(message({ type: 'template', template: { name: 'x' }, _rendered: { body: 'x', buttons: [] } })),
    ).toEqual({ type: 'template', template: { name: 'x' } });
  });
});
