import { Fragment, type ReactNode } from 'react';

type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] };

/**
 * The policy's small Markdown (`## ` headings, paragraphs, `- ` lists), read into blocks. Nothing
 * else is interpreted and nothing is written as HTML: the text is shown as text.
 */
export function policyBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      flush();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', text: heading[1]! });
      continue;
    }
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const last = blocks.at(-1);
      if (last?.kind === 'list') last.items.push(item[1]!);
      else blocks.push({ kind: 'list', items: [item[1]!] });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/** A version's text as headings (h2, under the page's h1), paragraphs and lists. */
export function PolicyText({ text }: { text: string }): ReactNode {
  return policyBlocks(text).map((block, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the blocks of one text never move.
    <Fragment key={index}>
      {block.kind === 'heading' ? (
        <h2>{block.text}</h2>
      ) : block.kind === 'paragraph' ? (
        <p>{block.text}</p>
      ) : (
        <ul>
          {block.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </Fragment>
  ));
}
