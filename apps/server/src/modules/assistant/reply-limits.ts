import type { Reply } from './assistant.types.js';

/** WhatsApp's size limits on the messages the assistant sends (Cloud API, interactive messages). */
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  footer: 60,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButtonLabel: 20,
  rows: 10,
  sections: 10,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  sectionTitle: 24,
} as const;

/** Length as WhatsApp counts it: characters, not UTF-16 units (an emoji is one). */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** The text cut to at most `max` characters, ending in "…" when it was cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Every way a reply breaks WhatsApp's limits, as readable problems; an empty array when it is fine.
 * Empty (or blank) strings count as problems: WhatsApp refuses them.
 */
export function checkReplyLimits(reply: Reply): string[] {
  const problems: string[] = [];
  const check = (what: string, value: string | undefined, max: number, required = true) => {
    if (value === undefined) {
      if (required) problems.push(`${what} is missing`);
      return;
    }
    if (value.trim() === '') problems.push(`${what} is empty`);
    else if (charCount(value) > max) problems.push(`${what} has ${charCount(value)} characters (max ${max})`);
  };
  const unique = (what: string, values: string[]) => {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) problems.push(`${what} "${value}" is used twice`);
      seen.add(value);
    }
  };

  switch (reply.type) {
    case 'text':
      check('text body', reply.body, LIMITS.textBody);
      break;
    case 'buttons':
      check('body', reply.body, LIMITS.interactiveBody);
      check('footer', reply.footer, LIMITS.footer, false);
      if (reply.buttons.length === 0) problems.push('no buttons');
      if (reply.buttons.length > LIMITS.buttons)
        problems.push(`${reply.buttons.length} buttons (max ${LIMITS.buttons})`);
      reply.buttons.forEach((button, i) => {
        check(`button ${i + 1} title`, button.title, LIMITS.buttonTitle);
        check(`button ${i + 1} id`, button.id, LIMITS.buttonId);
      });
      unique(
        'button title',
        reply.buttons.map((b) => b.title),
      );
      unique(
        'button id',
        reply.buttons.map((b) => b.id),
      );
      break;
    case 'list': {
      check('body', reply.body, LIMITS.interactiveBody);
      check('footer', reply.footer, LIMITS.footer, false);
      check('list button label', reply.buttonLabel, LIMITS.listButtonLabel);
      if (reply.sections.length === 0) problems.push('no sections');
      if (reply.sections.length > LIMITS.sections)
        problems.push(`${reply.sections.length} sections (max ${LIMITS.sections})`);
      // WhatsApp wants a title on every section once there are several.
      reply.sections.forEach((section, s) => {
        check(`section ${s + 1} title`, section.title, LIMITS.sectionTitle, reply.sections.length > 1);
        if (section.rows.length === 0) problems.push(`section ${s + 1} has no rows`);
        section.rows.forEach((row, r) => {
          const where = `section ${s + 1} row ${r + 1}`;
          check(`${where} id`, row.id, LIMITS.rowId);
          check(`${where} title`, row.title, LIMITS.rowTitle);
          check(`${where} description`, row.description, LIMITS.rowDescription, false);
        });
      });
      const rows = reply.sections.flatMap((section) => section.rows);
      if (rows.length > LIMITS.rows) problems.push(`${rows.length} rows (max ${LIMITS.rows})`);
      unique(
        'row id',
        rows.map((row) => row.id),
      );
      break;
    }
  }
  return problems;
}
