import type { MessageContent } from '@dentalpro/contracts';

/**
 * The messages the booking assistant sends, and how each becomes a Graph API message and the
 * inbox's MessageContent. Pure: no I/O. The shape is the assistant's `Reply` (structurally the
 * same; messaging does not import the assistant).
 */
export type AssistantReply =
  | { type: 'text'; body: string }
  | { type: 'buttons'; body: string; footer?: string; buttons: { id: string; title: string }[] }
  | {
      type: 'list';
      body: string;
      footer?: string;
      /** The label of the button that opens the list. */
      buttonLabel: string;
      sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    };

/** Meta's limits on what we send (characters, counts). A message past one is refused by Meta. */
export const WHATSAPP_LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  footer: 60,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButtonLabel: 20,
  listRows: 10,
  listSections: 10,
  sectionTitle: 24,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
} as const;

/** What in a reply breaks Meta's limits (empty when it may be sent), in words for a log. */
export function replyProblems(reply: AssistantReply): string[] {
  const L = WHATSAPP_LIMITS;
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const within = (text: string | undefined, max: number) =>
    text === undefined || (text.trim().length > 0 && text.length <= max);
  if (reply.type === 'text') {
    check(within(reply.body, L.textBody), `text body must be 1 to ${L.textBody} characters`);
    return problems;
  }
  check(within(reply.body, L.interactiveBody), `body must be 1 to ${L.interactiveBody} characters`);
  check(within(reply.footer, L.footer), `footer must be 1 to ${L.footer} characters`);
  if (reply.type === 'buttons') {
    const titles = reply.buttons.map((b) => b.title);
    check(reply.buttons.length >= 1 && reply.buttons.length <= L.buttons, `1 to ${L.buttons} buttons`);
    check(
      titles.every((t) => within(t, L.buttonTitle)),
      `button titles must be 1 to ${L.buttonTitle} characters`,
    );
    check(new Set(titles).size === titles.length, 'button titles must be different');
    check(
      reply.buttons.every((b) => b.id.length > 0 && b.id.length <= L.buttonId),
      `button ids must be 1 to ${L.buttonId} characters`,
    );
    return problems;
  }
  const rows = reply.sections.flatMap((s) => s.rows);
  check(within(reply.buttonLabel, L.listButtonLabel), `list button label must be 1 to ${L.listButtonLabel} characters`);
  check(reply.sections.length >= 1 && reply.sections.length <= L.listSections, `1 to ${L.listSections} sections`);
  check(rows.length >= 1 && rows.length <= L.listRows, `1 to ${L.listRows} rows in all`);
  check(
    reply.sections.every((s) => s.rows.length > 0),
    'every section needs a row',
  );
  // Meta needs a title on each section once there are several.
  check(
    reply.sections.length < 2 || reply.sections.every((s) => s.title !== undefined),
    'several sections each need a title',
  );
  check(
    reply.sections.every((s) => within(s.title, L.sectionTitle)),
    `section titles must be 1 to ${L.sectionTitle} characters`,
  );
  check(
    rows.every((r) => within(r.title, L.rowTitle)),
    `row titles must be 1 to ${L.rowTitle} characters`,
  );
  check(
    rows.every((r) => r.description === undefined || r.description.length <= L.rowDescription),
    `row descriptions must be at most ${L.rowDescription} characters`,
  );
  check(
    rows.every((r) => r.id.length > 0 && r.id.length <= L.rowId),
    `row ids must be 1 to ${L.rowId} characters`,
  );
  check(new Set(rows.map((r) => r.id)).size === rows.length, 'row ids must be different');
  return problems;
}

/** The Graph API message without its envelope (`to`, `messaging_product`...), as outbound.service wants it. */
export function graphMessageOf(reply: AssistantReply): Record<string, unknown> {
  if (reply.type === 'text') return { type: 'text', text: { preview_url: false, body: reply.body } };
  const common = {
    body: { text: reply.body },
    ...(reply.footer ? { footer: { text: reply.footer } } : {}),
  };
  if (reply.type === 'buttons') {
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        ...common,
        action: { buttons: reply.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
      },
    };
  }
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      ...common,
      action: {
        button: reply.buttonLabel,
        sections: reply.sections.map((s) => ({
          ...(s.title ? { title: s.title } : {}),
          rows: s.rows.map((r) => ({
            id: r.id,
            title: r.title,
            ...(r.description ? { description: r.description } : {}),
          })),
        })),
      },
    },
  };
}

/** The reply as the inbox shows it. */
export function contentOf(reply: AssistantReply): MessageContent {
  if (reply.type === 'text') return { type: 'text', body: reply.body };
  const footer = reply.footer ? { footer: reply.footer } : {};
  if (reply.type === 'buttons')
    return {
      type: 'buttons',
      body: reply.body,
      ...footer,
      buttons: reply.buttons.map((b) => ({ id: b.id, title: b.title })),
    };
  return {
    type: 'list',
    body: reply.body,
    ...footer,
    buttonLabel: reply.buttonLabel,
    sections: reply.sections.map((s) => ({
      ...(s.title ? { title: s.title } : {}),
      rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
    })),
  };
}
