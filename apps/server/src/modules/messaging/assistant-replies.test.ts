import { MessageContent } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { type AssistantReply, contentOf, graphMessageOf, replyProblems } from './assistant-replies.js';

const list = (rows: number, over: Partial<Extract<AssistantReply, { type: 'list' }>> = {}): AssistantReply => ({
  type: 'list',
  body: 'Which time suits you?',
  buttonLabel: 'See times',
  sections: [{ rows: Array.from({ length: rows }, (_, i) => ({ id: `h:${i}`, title: `Tue 8 Dec ${10 + i}:00` })) }],
  ...over,
});

describe('replyProblems: WhatsApp’s limits', () => {
  it('accepts replies within the limits', () => {
    expect(replyProblems({ type: 'text', body: 'Hello' })).toEqual([]);
    expect(replyProblems(list(10))).toEqual([]);
    expect(
      replyProblems({
        type: 'buttons',
        body: 'Confirm?',
        footer: 'Reply STOP to opt out',
        buttons: [
          { id: 'confirm', title: 'Confirm' },
          { id: 'change', title: 'Change' },
          { id: 'cancel', title: 'Cancel' },
        ],
      }),
    ).toEqual([]);
  });

  it('names what breaks them', () => {
    expect(replyProblems({ type: 'text', body: 'x'.repeat(4097) })).toHaveLength(1);
    expect(replyProblems(list(11))).toEqual(['1 to 10 rows in all']);
    expect(replyProblems(list(1, { buttonLabel: 'A label far too long here' }))).toHaveLength(1);
    expect(
      replyProblems(
        list(0, {
          sections: [{ rows: [{ id: 'h:1', title: 'x'.repeat(25), description: 'y'.repeat(73) }] }],
        }),
      ),
    ).toHaveLength(2);
    expect(
      replyProblems(list(0, { sections: [{ rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }] })),
    ).toEqual(['several sections each need a title']);
    expect(
      replyProblems({
        type: 'buttons',
        body: 'Pick',
        buttons: [
          { id: 'a', title: 'Same' },
          { id: 'b', title: 'Same' },
          { id: 'c', title: 'C' },
          { id: 'd', title: 'D' },
        ],
      }),
    ).toEqual(['1 to 3 buttons', 'button titles must be different']);
  });
});

describe('graphMessageOf and contentOf', () => {
  it('a list: Meta’s interactive list, and the inbox’s list content', () => {
    const reply = list(1, {
      footer: 'Dr Li',
      sections: [{ title: 'Tuesday', rows: [{ id: 'h:1', title: '10:30', description: 'Dr Li' }] }],
    });
    expect(graphMessageOf(reply)).toEqual({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which time suits you?' },
        footer: { text: 'Dr Li' },
        action: {
          button: 'See times',
          sections: [{ title: 'Tuesday', rows: [{ id: 'h:1', title: '10:30', description: 'Dr Li' }] }],
        },
      },
    });
    expect(MessageContent.parse(contentOf(reply))).toEqual({
      type: 'list',
      body: 'Which time suits you?',
      footer: 'Dr Li',
      buttonLabel: 'See times',
      sections: [{ title: 'Tuesday', rows: [{ id: 'h:1', title: '10:30', description: 'Dr Li' }] }],
    });
  });

  it('text without a link preview; buttons as reply buttons', () => {
    expect(graphMessageOf({ type: 'text', body: 'Hi' })).toEqual({
      type: 'text',
      text: { preview_url: false, body: 'Hi' },
    });
    const buttons: AssistantReply = {
      type: 'buttons',
      body: 'Confirm?',
      buttons: [{ id: 'confirm', title: 'Confirm' }],
    };
    expect(graphMessageOf(buttons)).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Confirm?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'confirm', title: 'Confirm' } }] },
      },
    });
    expect(MessageContent.parse(contentOf(buttons))).toEqual({
      type: 'buttons',
      body: 'Confirm?',
      buttons: [{ id: 'confirm', title: 'Confirm' }],
    });
  });
});
