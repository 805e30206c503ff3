import type { SandboxPhoneMessage } from '@dentalpro/contracts';

/**
 * What the sandbox phone shows for a message, read from Meta's own shapes: for the practice's
 * messages the body it POSTed to the Graph API, for the patient's the webhook message. Anything
 * unexpected is shown by its type rather than dropped.
 */
export interface ReplyOption {
  id: string;
  title: string;
  description?: string | undefined;
}

export type PhoneView =
  | { kind: 'text'; body: string }
  | { kind: 'buttons'; header?: string | undefined; body: string; footer?: string | undefined; buttons: ReplyOption[] }
  | {
      kind: 'list';
      header?: string | undefined;
      body: string;
      footer?: string | undefined;
      button: string;
      sections: { title?: string | undefined; rows: ReplyOption[] }[];
    }
  /** Quick replies carry the payload set when sending (the id the patient's tap sends back). */
  | { kind: 'template'; name: string; language: string; body: string; buttons: ReplyOption[] }
  | { kind: 'choice'; title: string; description?: string | undefined }
  | {
      kind: 'media';
      mediaType: string;
      caption?: string | undefined;
      fileName?: string | undefined;
      link?: string | undefined;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string | undefined; address?: string | undefined }
  | { kind: 'reaction'; emoji: string }
  | { kind: 'other'; type: string };

type Json = Record<string, unknown>;

const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'];

function option(value: unknown): ReplyOption {
  const o = obj(value);
  const title = str(o.title) ?? '';
  return { id: str(o.id) ?? title, title, description: str(o.description) };
}

function templateView(payload: Json): PhoneView {
  const template = obj(payload.template);
  const rendered = obj(payload._rendered);
  const components = arr(template.components).map(obj);
  const titles = arr(rendered.buttons).filter((b): b is string => typeof b === 'string');
  const payloadAt = (index: number) => {
    const button = components.find(
      (c) => c.type === 'button' && c.sub_type === 'quick_reply' && String(c.index) === String(index),
    );
    return str(obj(arr(button?.parameters)[0]).payload);
  };
  const parameters = components
    .filter((c) => c.type === 'body')
    .flatMap((c) => arr(c.parameters).map((p) => str(obj(p).text) ?? ''))
    .filter(Boolean);
  const name = str(template.name) ?? '';
  return {
    kind: 'template',
    name,
    language: str(obj(template.language).code) ?? '',
    // The sandbox renders the approved text into _rendered; without it, show what was sent.
    body: str(rendered.body) ?? [name, ...parameters].join(' · '),
    buttons: titles.map((title, index) => ({ id: payloadAt(index) ?? title, title })),
  };
}

function interactiveView(interactive: Json): PhoneView {
  const header = str(obj(interactive.header).text);
  const body = str(obj(interactive.body).text) ?? '';
  const footer = str(obj(interactive.footer).text);
  const action = obj(interactive.action);
  switch (interactive.type) {
    case 'button':
      return { kind: 'buttons', header, body, footer, buttons: arr(action.buttons).map((b) => option(obj(b).reply)) };
    case 'list':
      return {
        kind: 'list',
        header,
        body,
        footer,
        button: str(action.button) ?? '',
        sections: arr(action.sections).map((s) => ({ title: str(obj(s).title), rows: arr(obj(s).rows).map(option) })),
      };
    case 'button_reply':
      return { kind: 'choice', ...option(interactive.button_reply) };
    case 'list_reply':
      return { kind: 'choice', ...option(interactive.list_reply) };
    default:
      return { kind: 'other', type: `interactive/${str(interactive.type) ?? '?'}` };
  }
}

export function phoneView(message: Pick<SandboxPhoneMessage, 'payload'>): PhoneView {
  const payload = message.payload;
  const type = str(payload.type) ?? 'unknown';
  if (type === 'text') return { kind: 'text', body: str(obj(payload.text).body) ?? '' };
  if (type === 'template') return templateView(payload);
  if (type === 'interactive') return interactiveView(obj(payload.interactive));
  // A template quick reply in a webhook: {payload, text}.
  if (type === 'button') return { kind: 'choice', title: str(obj(payload.button).text) ?? '' };
  if (MEDIA_TYPES.includes(type)) {
    const media = obj(payload[type]);
    return {
      kind: 'media',
      mediaType: type,
      caption: str(media.caption),
      fileName: str(media.filename),
      link: str(media.link),
    };
  }
  if (type === 'location') {
    const location = obj(payload.location);
    return {
      kind: 'location',
      latitude: num(location.latitude),
      longitude: num(location.longitude),
      name: str(location.name),
      address: str(location.address),
    };
  }
  if (type === 'reaction') return { kind: 'reaction', emoji: str(obj(payload.reaction).emoji) ?? '' };
  return { kind: 'other', type };
}

/** The message this one answers: `context.message_id` in a Graph API body, `context.id` in a webhook. */
export function contextOf(message: SandboxPhoneMessage): string | null {
  const context = obj(message.payload.context);
  return str(context.message_id) ?? str(context.id) ?? null;
}

/** A reaction points at the message it reacts to. */
export function reactionTarget(message: SandboxPhoneMessage): string | null {
  return str(obj(message.payload.reaction).message_id) ?? null;
}

/** One line for a reply quote. */
export function previewOf(view: PhoneView): string {
  switch (view.kind) {
    case 'text':
    case 'buttons':
    case 'list':
    case 'template':
      return view.body;
    case 'choice':
      return view.title;
    case 'media':
      return view.caption ?? view.fileName ?? view.mediaType;
    case 'location':
      return view.name ?? `${view.latitude}, ${view.longitude}`;
    case 'reaction':
      return view.emoji;
    case 'other':
      return view.type;
  }
}

/** A new message is appended; a status change replaces the message with the same wamid. */
export function mergePhoneMessage(
  list: readonly SandboxPhoneMessage[],
  incoming: SandboxPhoneMessage,
): SandboxPhoneMessage[] {
  const index = list.findIndex((m) => m.wamid === incoming.wamid);
  if (index >= 0) return list.map((m, i) => (i === index ? incoming : m));
  const merged = [...list, incoming];
  // Events may arrive slightly out of order; the chat reads oldest to newest.
  return merged.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Exactly what the Graph API received: without the text the sandbox adds so the phone can show templates. */
export function graphBody(message: SandboxPhoneMessage): Json {
  const { _rendered: _ignored, ...body } = message.payload;
  return body;
}

export function isSandboxPhoneMessage(value: unknown): value is SandboxPhoneMessage {
  const o = obj(value);
  return (
    typeof o.wamid === 'string' &&
    (o.direction === 'to_phone' || o.direction === 'from_phone') &&
    typeof o.payload === 'object' &&
    o.payload !== null
  );
}
