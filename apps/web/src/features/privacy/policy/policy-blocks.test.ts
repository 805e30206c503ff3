import { describe, expect, it } from 'vitest';
import { policyBlocks } from './PolicyText';

describe('the policy text', () => {
  it('reads headings, paragraphs over several lines and lists, and nothing as HTML', () => {
    expect(policyBlocks('## Who\n\nOne line\nand the next.\n\n- first;\n- second <b>x</b>\n\nEnd.')).toEqual([
      { kind: 'heading', text: 'Who' },
      { kind: 'paragraph', text: 'One line and the next.' },
      { kind: 'list', items: ['first;', 'second <b>x</b>'] },
      { kind: 'paragraph', text: 'End.' },
    ]);
  });
});
