import { describe, expect, it } from 'vitest';
import type { Reply } from './assistant.types.js';
import { checkReplyLimits, clip } from './reply-limits.js';

const row = (id: string, title = 'Row') => ({ id, title });

describe('checkReplyLimits', () => {
  it('passes replies within the limits', () => {
    expect(checkReplyLimits({ type: 'text', body: 'Hello' })).toEqual([]);
    expect(
      checkReplyLimits({
        type: 'buttons',
        body: 'Confirm?',
        footer: 'Sourire',
        buttons: [row('a', 'Yes'), row('b', 'No')],
      }),
    ).toEqual([]);
    expect(
      checkReplyLimits({
        type: 'list',
        body: 'Pick',
        buttonLabel: 'See times',
        sections: [{ rows: Array.from({ length: 10 }, (_, i) => ({ ...row(`h:${i}`), description: 'Dr Li' })) }],
      }),
    ).toEqual([]);
  });

  it('names each broken limit', () => {
    const long = (n: number) => 'x'.repeat(n);
    const problems = (reply: Reply) => checkReplyLimits(reply).join(' | ');
    expect(problems({ type: 'text', body: long(4097) })).toMatch(/text body has 4097 characters/);
    expect(problems({ type: 'text', body: '  ' })).toMatch(/empty/);
    expect(problems({ type: 'buttons', body: long(1025), buttons: [row('a')] })).toMatch(/body has 1025/);
    expect(problems({ type: 'buttons', body: 'b', footer: long(61), buttons: [row('a')] })).toMatch(/footer/);
    expect(
      problems({ type: 'buttons', body: 'b', buttons: [row('a'), row('b', 'B'), row('c', 'C'), row('d', 'D')] }),
    ).toMatch(/4 buttons/);
    expect(problems({ type: 'buttons', body: 'b', buttons: [row('a', long(21))] })).toMatch(/button 1 title/);
    expect(problems({ type: 'buttons', body: 'b', buttons: [row('a', 'Same'), row('b', 'Same')] })).toMatch(
      /used twice/,
    );
    expect(problems({ type: 'buttons', body: 'b', buttons: [row(long(257), 'A')] })).toMatch(/button 1 id/);
    expect(problems({ type: 'buttons', body: 'b', buttons: [] })).toMatch(/no buttons/);
    const list = (sections: Extract<Reply, { type: 'list' }>['sections'], buttonLabel = 'See') =>
      problems({ type: 'list', body: 'b', buttonLabel, sections });
    expect(list([{ rows: [row('a')] }], long(21))).toMatch(/list button label/);
    expect(list([{ rows: Array.from({ length: 11 }, (_, i) => row(`r${i}`)) }])).toMatch(/11 rows/);
    expect(list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [row(`r${i}`)] })))).toMatch(
      /11 sections/,
    );
    expect(list([{ rows: [row(long(201))] }])).toMatch(/row 1 id/);
    expect(list([{ rows: [row('a', long(25))] }])).toMatch(/row 1 title/);
    expect(list([{ rows: [{ ...row('a'), description: long(73) }] }])).toMatch(/description/);
    expect(list([{ title: long(25), rows: [row('a')] }])).toMatch(/section 1 title/);
    expect(list([{ rows: [row('a')] }, { rows: [row('b')] }])).toMatch(/section 1 title is missing/);
    expect(list([{ rows: [row('a'), row('a')] }])).toMatch(/row id "a" is used twice/);
    expect(list([{ rows: [] }])).toMatch(/no rows/);
  });

  it('counts characters as WhatsApp does (an emoji is one)', () => {
    expect(checkReplyLimits({ type: 'buttons', body: 'b', buttons: [row('a', '😀'.repeat(20))] })).toEqual([]);
  });
});

describe('clip', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(clip('Dr Li', 24)).toBe('Dr Li');
    expect(clip('Doctor Bartholomew Featherstonehaugh', 24)).toBe('Doctor Bartholomew Feat…');
    expect(Array.from(clip('😀'.repeat(30), 24)).length).toBe(24);
  });
});
