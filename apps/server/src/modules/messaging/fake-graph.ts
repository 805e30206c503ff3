import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphTemplate } from './graph-client.js';

/**
 * A stand-in for Meta's Graph API that speaks its wire format: the sandbox mounts it on the
 * server itself (no Meta account needed), tests and benchmarks run it on its own port. It
 * answers sends with wamids, reports statuses back through a signed webhook, enforces the
 * 24-hour window and Meta's interactive limits, serves media and templates, and can be told
 * to fail the way Meta fails.
 */
export interface FakeGraphOptions {
  /** The bearer token it accepts. */
  accessToken: string;
  templates: GraphTemplate[];
  /** Delivers a webhook body (already JSON) to the server under test, signed by the caller. */
  deliverWebhook?: (body: string) => Promise<void>;
  /** Added to every answer, to model Meta's latency. */
  latencyMs?: number;
  /** Emit sent and delivered statuses after a send (ms), or not at all (null). */
  statusDelaysMs?: { sent: number; delivered: number } | null;
  /** Refuse free-form sends to a number that has not written in 24 h (the sandbox does; most tests need not). */
  enforceWindow?: boolean;
  /** Called for every message the practice sends and every status change: the sandbox phone listens. */
  onPhoneEvent?: (event: PhoneEvent) => void;
  /**
   * Meta's daily messaging limit of the business portfolio (every number this fake serves): unique
   * people sent a template outside their 24-hour window in a rolling 24 hours. Past it, a send to
   * someone new is refused (131048). Undefined: not enforced.
   */
  messagingLimit?: number;
  /**
   * The `messaging_limit_tier` it reports for every number (GET /{phone_number_id}?fields=...), as
   * Meta writes it: "TIER_250", "TIER_1K", "TIER_UNLIMITED"... Default "TIER_UNLIMITED", as the
   * fake enforces no limit unless told (`messagingLimit` is enforced apart from what it reports).
   */
  messagingLimitTier?: string;
}

export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  to: string;
  body: Record<string, unknown>;
  receivedAt: number;
  status: 'sent' | 'delivered' | 'read';
}

export interface PhoneEvent {
  phoneNumberId: string;
  waId: string;
  wamid: string;
  direction: 'to_phone' | 'from_phone';
  payload: Record<string, unknown>;
  status: 'sent' | 'delivered' | 'read' | null;
  at: string;
}

/** A scripted answer for the next send(s): an HTTP status and body, or a dropped connection. */
export type ScriptedAnswer =
  | { status: number; body: unknown }
  | { hangUp: true }
  | { delayMs: number; afterwards?: ScriptedAnswer };

export class FakeGraph {
  readonly sent: SentMessage[] = [];
  readonly readReceipts: { phoneNumberId: string; wamid: string }[] = [];
  readonly media = new Map<string, { bytes: Buffer; mimeType: string }>();
  /** Every send request as received, including the ones answered with an error. */
  readonly requests: { phoneNumberId: string; body: Record<string, unknown>; at: number }[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private readonly numberReadScript: ScriptedAnswer[] = [];
  /** Every read of a phone number's fields (GET /{phone_number_id}?fields=...), answered or not. */
  readonly numberReads: { phoneNumberId: string; fields: string[]; at: number }[] = [];
  private readonly lastInbound = new Map<string, number>();
  /** Who the portfolio reached outside their window, and when (for the messaging limit). */
  private readonly reached = new Map<string, number>();
  /** Templates Meta paused or disabled, by `name:language`. */
  private readonly templateStates = new Map<string, 'PAUSED' | 'DISABLED'>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly options: FakeGraphOptions) {}

  /** The next sends get these answers, in order, before normal service resumes. */
  answerNext(...answers: ScriptedAnswer[]) {
    this.script.push(...answers);
  }

  /** The next reads of a phone number's fields get these answers, in order. */
  answerNextNumberRead(...answers: ScriptedAnswer[]) {
    this.numberReadScript.push(...answers);
  }

  /** Meta moved the portfolio to another tier (what its numbers' `messaging_limit_tier` now says). */
  setMessagingLimitTier(tier: string) {
    this.options.messagingLimitTier = tier;
  }

  /** People reached outside their window in the last 24 hours (Meta's count for the messaging limit). */
  reachedLast24h(now = Date.now()): number {
    return [...this.reached.values()].filter((at) => now - at < 24 * 3600_000).length;
  }

  /** Time passes for Meta's count: every person reached counts as reached `ms` earlier. */
  ageReached(ms: number) {
    for (const [to, at] of this.reached) this.reached.set(to, at - ms);
  }

  /** Meta paused (quality) or disabled a template: sends of it are refused with 132015 / 132016. */
  setTemplateState(name: string, language: string, state: 'PAUSED' | 'DISABLED' | 'APPROVED') {
    if (state === 'APPROVED') this.templateStates.delete(`${name}:${language}`);
    else this.templateStates.set(`${name}:${language}`, state);
  }

  /** The patient wrote (the sandbox phone or a test): opens the 24-hour window. */
  noteInbound(phoneNumberId: string, waId: string, at = Date.now()) {
    this.lastInbound.set(`${phoneNumberId}:${waId}`, at);
  }

  addMedia(bytes: Buffer, mimeType: string): string {
    const id = String(10 ** 15 + Math.floor(Math.random() * 9 * 10 ** 15));
    this.media.set(id, { bytes, mimeType });
    return id;
  }

  /** The patient opened the chat: their delivered messages turn read. */
  async markReadByPhone(phoneNumberId: string, waId: string) {
    for (const m of this.sent) {
      if (m.phoneNumberId === phoneNumberId && m.to === waId && m.status !== 'read') await this.setStatus(m, 'read');
    }
  }

  close() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  register(app: FastifyInstance) {
    const auth = (request: FastifyRequest, reply: FastifyReply) => {
      if (request.headers.authorization !== `Bearer ${this.options.accessToken}`) {
        void reply
          .status(401)
          .send(metaError(190, 'Error validating access token: The session has been invalidated.', 'OAuthException'));
        return false;
      }
      return true;
    };

    app.post<{ Params: { version: string; phoneNumberId: string } }>(
      '/:version/:phoneNumberId/messages',
      async (request, reply) => {
        if (this.options.latencyMs) await sleep(this.options.latencyMs);
        if (!auth(request, reply)) return reply;
        const body = (request.body ?? {}) as Record<string, unknown>;
        const { phoneNumberId } = request.params;
        this.requests.push({ phoneNumberId, body, at: Date.now() });
        const scripted = this.script.shift();
        if (scripted) {
          const answer = await this.play(scripted, request);
          if (answer) return reply.status(answer.status).send(answer.body);
        }
        if (body.messaging_product !== 'whatsapp')
          return reply
            .status(400)
            .send(metaError(100, 'Invalid parameter', 'OAuthException', 'messaging_product must be whatsapp'));
        if (body.status === 'read') {
          if (typeof body.message_id !== 'string')
            return reply
              .status(400)
              .send(metaError(100, 'Invalid parameter', 'OAuthException', 'message_id is required'));
          this.readReceipts.push({ phoneNumberId, wamid: body.message_id });
          return { success: true };
        }
        const problem = this.check(phoneNumberId, body);
        if (problem) return reply.status(problem.status).send(problem.body);
        const to = String(body.to);
        const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
        const message: SentMessage = { wamid, phoneNumberId, to, body, receivedAt: Date.now(), status: 'sent' };
        this.sent.push(message);
        this.emitPhone(message, null);
        const delays =
          this.options.statusDelaysMs === undefined ? { sent: 150, delivered: 600 } : this.options.statusDelaysMs;
        if (delays) {
          this.later(delays.sent, () => this.setStatus(message, 'sent'));
          this.later(delays.delivered, () =>
            message.status === 'sent' ? this.setStatus(message, 'delivered') : undefined,
          );
        }
        return { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid }] };
      },
    );

    app.get<{ Params: { version: string; wabaId: string } }>(
      '/:version/:wabaId/message_templates',
      async (request, reply) => {
        if (!auth(request, reply)) return reply;
        return { data: this.options.templates, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } };
      },
    );

    // One path for both nodes, as at Meta: a media id, or a phone number read with `fields`.
    app.get<{ Params: { version: string; mediaId: string }; Querystring: { fields?: string } }>(
      '/:version/:mediaId',
      async (request, reply) => {
        if (!auth(request, reply)) return reply;
        const media = this.media.get(request.params.mediaId);
        if (!media && typeof request.query.fields === 'string') {
          const fields = request.query.fields
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean);
          this.numberReads.push({ phoneNumberId: request.params.mediaId, fields, at: Date.now() });
          const scripted = this.numberReadScript.shift();
          if (scripted) {
            const answer = await this.play(scripted, request);
            if (answer) return reply.status(answer.status).send(answer.body);
          }
          return this.phoneNumber(request.params.mediaId, fields);
        }
        if (!media) return reply.status(404).send(metaError(100, 'Unsupported get request', 'GraphMethodException'));
        const base = `${request.protocol}://${request.headers.host}${request.url.slice(0, request.url.indexOf(`/${request.params.version}/`))}`;
        return {
          messaging_product: 'whatsapp',
          url: `${base}/media-download/${request.params.mediaId}`,
          mime_type: media.mimeType,
          sha256: createHash('sha256').update(media.bytes).digest('hex'),
          file_size: media.bytes.length,
          id: request.params.mediaId,
        };
      },
    );

    app.get<{ Params: { mediaId: string } }>('/media-download/:mediaId', async (request, reply) => {
      if (!auth(request, reply)) return reply;
      const media = this.media.get(request.params.mediaId);
      if (!media) return reply.status(404).send('not found');
      return reply.type(media.mimeType).send(media.bytes);
    });
  }

  /** A phone number node (WhatsAppAccountNumber) with the fields asked for; the id always. */
  private phoneNumber(phoneNumberId: string, fields: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      id: phoneNumberId,
      display_phone_number: '+230 5200 0000',
      verified_name: 'DentalPro Sandbox',
      status: 'CONNECTED',
      quality_rating: 'GREEN',
      code_verification_status: 'VERIFIED',
      name_status: 'APPROVED',
      messaging_limit_tier: this.options.messagingLimitTier ?? 'TIER_UNLIMITED',
      account_mode: 'LIVE',
      is_official_business_account: false,
    };
    const wanted = fields.length > 0 ? fields : ['display_phone_number', 'status'];
    return Object.fromEntries(Object.entries(all).filter(([key]) => key === 'id' || wanted.includes(key)));
  }

  private async play(
    answer: ScriptedAnswer,
    request: FastifyRequest,
  ): Promise<{ status: number; body: unknown } | null> {
    if ('hangUp' in answer) {
      request.raw.socket.destroy();
      return { status: 500, body: {} };
    }
    if ('delayMs' in answer) {
      await sleep(answer.delayMs);
      return answer.afterwards ? this.play(answer.afterwards, request) : null;
    }
    return answer;
  }

  /** Meta's own checks on a send, with Meta's codes. */
  private check(phoneNumberId: string, body: Record<string, unknown>): { status: number; body: unknown } | null {
    const invalid = (details: string) => ({
      status: 400,
      body: metaError(131009, 'Parameter value is not valid', 'OAuthException', details),
    });
    if (typeof body.to !== 'string' || !/^[0-9]{6,15}$/.test(body.to)) return invalid('to must be a phone number');
    const type = body.type;
    if (type !== 'template' && this.options.enforceWindow) {
      const last = this.lastInbound.get(`${phoneNumberId}:${body.to}`);
      if (!last || Date.now() - last > 24 * 3600_000) {
        return {
          status: 400,
          body: metaError(
            131047,
            'Re-engagement message',
            'OAuthException',
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          ),
        };
      }
    }
    if (type === 'text') {
      const text = body.text as { body?: unknown } | undefined;
      if (typeof text?.body !== 'string' || text.body.length === 0 || text.body.length > 4096)
        return invalid('text.body must be 1 to 4096 characters');
      return null;
    }
    if (type === 'template') {
      const t = body.template as
        | { name?: string; language?: { code?: string }; components?: { type: string; parameters?: unknown[] }[] }
        | undefined;
      const known = this.options.templates.find((x) => x.name === t?.name && x.language === t?.language?.code);
      if (!known)
        return {
          status: 404,
          body: metaError(
            132001,
            'Template name does not exist in the translation',
            'OAuthException',
            `template name (${t?.name}) does not exist in ${t?.language?.code}`,
          ),
        };
      const expected = [
        ...new Set((known.components?.find((c) => c.type === 'BODY')?.text ?? '').match(/\{\{[^}]+\}\}/g) ?? []),
      ].length;
      const given = t?.components?.find((c) => c.type === 'body')?.parameters?.length ?? 0;
      if (expected !== given)
        return {
          status: 400,
          body: metaError(
            132000,
            'Number of parameters does not match the expected number of params',
            'OAuthException',
            `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
          ),
        };
      const state = this.templateStates.get(`${known.name}:${known.language}`);
      if (state === 'PAUSED')
        return {
          status: 400,
          body: metaError(
            132015,
            'Template is Paused',
            'OAuthException',
            `Template ${known.name} is paused due to low quality`,
          ),
        };
      if (state === 'DISABLED')
        return {
          status: 400,
          body: metaError(132016, 'Template is Disabled', 'OAuthException', `Template ${known.name} has been disabled`),
        };
      return this.countAgainstLimit(phoneNumberId, body.to as string);
    }
    if (type === 'interactive') {
      const i = body.interactive as
        | {
            type?: string;
            body?: { text?: string };
            action?: {
              buttons?: { reply?: { id?: string; title?: string } }[];
              button?: string;
              sections?: { rows?: { id?: string; title?: string; description?: string }[] }[];
            };
          }
        | undefined;
      const text = i?.body?.text;
      if (typeof text !== 'string' || text.length === 0 || text.length > 1024)
        return invalid('interactive.body.text must be 1 to 1024 characters');
      if (i?.type === 'button') {
        const buttons = i.action?.buttons ?? [];
        const titles = buttons.map((b) => b.reply?.title ?? '');
        if (buttons.length < 1 || buttons.length > 3) return invalid('between 1 and 3 buttons');
        if (titles.some((t) => t.length === 0 || t.length > 20) || new Set(titles).size !== titles.length)
          return invalid('button titles must be unique and at most 20 characters');
        return null;
      }
      if (i?.type === 'list') {
        const rows = (i.action?.sections ?? []).flatMap((s) => s.rows ?? []);
        if (!i.action?.button || i.action.button.length > 20) return invalid('list button label at most 20 characters');
        if (rows.length < 1 || rows.length > 10) return invalid('between 1 and 10 rows');
        if (
          rows.some(
            (r) => !r.title || r.title.length > 24 || (r.description?.length ?? 0) > 72 || !r.id || r.id.length > 200,
          )
        )
          return invalid('row limits exceeded');
        return null;
      }
      return invalid('interactive.type not supported');
    }
    if (type === 'image' || type === 'document' || type === 'location' || type === 'reaction') return null;
    return invalid(`type ${String(type)} not supported`);
  }

  /** A template to someone outside their window counts once a day against the portfolio's limit. */
  private countAgainstLimit(phoneNumberId: string, to: string): { status: number; body: unknown } | null {
    if (this.options.messagingLimit === undefined) return null;
    const now = Date.now();
    const last = this.lastInbound.get(`${phoneNumberId}:${to}`);
    if (last && now - last < 24 * 3600_000) return null;
    const reachedAt = this.reached.get(to);
    if (reachedAt !== undefined && now - reachedAt < 24 * 3600_000) return null;
    if (this.reachedLast24h(now) >= this.options.messagingLimit)
      return {
        status: 400,
        body: metaError(
          131048,
          'Spam rate limit hit',
          'OAuthException',
          'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
        ),
      };
    this.reached.set(to, now);
    return null;
  }

  private async setStatus(message: SentMessage, status: 'sent' | 'delivered' | 'read') {
    const rank = { sent: 0, delivered: 1, read: 2 };
    if (rank[status] < rank[message.status]) return;
    message.status = status;
    this.emitPhone(message, status);
    if (!this.options.deliverWebhook) return;
    const body = statusWebhook({
      wabaId: '100000000000001',
      phoneNumberId: message.phoneNumberId,
      wamid: message.wamid,
      status,
      recipientId: message.to,
    });
    await this.options.deliverWebhook(JSON.stringify(body)).catch(() => undefined);
  }

  private emitPhone(message: SentMessage, status: SentMessage['status'] | null) {
    this.options.onPhoneEvent?.({
      phoneNumberId: message.phoneNumberId,
      waId: message.to,
      wamid: message.wamid,
      direction: 'to_phone',
      payload: message.body,
      status: status ?? message.status,
      at: new Date(message.receivedAt).toISOString(),
    });
  }

  private later(ms: number, fn: () => unknown) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

export function metaError(code: number, message: string, type: string, details?: string) {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type,
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- Webhook bodies in Meta's shapes (the sandbox phone and tests send these) ---

export interface Envelope {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
}

const unix = (at = Date.now()) => String(Math.floor(at / 1000));

export function inboundWebhook(
  e: Envelope & { from: string; profileName: string; message: Record<string, unknown>; userId?: string },
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: e.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: e.displayPhoneNumber ?? '23052000000',
                phone_number_id: e.phoneNumberId,
              },
              contacts: [
                { profile: { name: e.profileName }, wa_id: e.from, ...(e.userId ? { user_id: e.userId } : {}) },
              ],
              messages: [
                { from: e.from, id: `wamid.${randomBytes(24).toString('base64url')}`, timestamp: unix(), ...e.message },
              ],
            },
          },
        ],
      },
    ],
  };
}

export function statusWebhook(
  e: Envelope & { wamid: string; status: string; recipientId: string; errors?: unknown[]; at?: number },
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: e.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: e.displayPhoneNumber ?? '23052000000',
                phone_number_id: e.phoneNumberId,
              },
              statuses: [
                {
                  id: e.wamid,
                  status: e.status,
                  timestamp: unix(e.at),
                  recipient_id: e.recipientId,
                  ...(e.status === 'failed'
                    ? {}
                    : {
                        conversation: { id: randomBytes(8).toString('hex'), origin: { type: 'service' } },
                        pricing: {
                          billable: false,
                          pricing_model: 'PMP',
                          category: 'service',
                          type: 'free_customer_service',
                        },
                      }),
                  ...(e.errors ? { errors: e.errors } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Meta's news of the portfolio's messaging limit (field phone_number_quality_update). */
export function qualityUpdateWebhook(e: {
  wabaId: string;
  displayPhoneNumber?: string;
  event?: string;
  /** As Meta writes it: "TIER_2K", "TIER_UNLIMITED", ... */
  maxDailyConversationsPerBusiness: string;
  at?: number;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: e.wabaId,
        time: Math.floor((e.at ?? Date.now()) / 1000),
        changes: [
          {
            field: 'phone_number_quality_update',
            value: {
              display_phone_number: e.displayPhoneNumber ?? '23052000000',
              event: e.event ?? 'UPGRADE',
              max_daily_conversations_per_business: e.maxDailyConversationsPerBusiness,
            },
          },
        ],
      },
    ],
  };
}

/** Meta moved an approved template to another category (field template_category_update). */
export function templateCategoryWebhook(e: {
  wabaId: string;
  templateName: string;
  language: string;
  previousCategory: string;
  newCategory: string;
  at?: number;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: e.wabaId,
        time: Math.floor((e.at ?? Date.now()) / 1000),
        changes: [
          {
            field: 'template_category_update',
            value: {
              message_template_id: Number.parseInt(randomBytes(6).toString('hex'), 16),
              message_template_name: e.templateName,
              message_template_language: e.language,
              previous_category: e.previousCategory,
              new_category: e.newCategory,
            },
          },
        ],
      },
    ],
  };
}

/** Meta changed a template's status: PAUSED, DISABLED, APPROVED... (field message_template_status_update). */
export function templateStatusWebhook(e: {
  wabaId: string;
  templateName: string;
  language: string;
  event: string;
  reason?: string;
  at?: number;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: e.wabaId,
        time: Math.floor((e.at ?? Date.now()) / 1000),
        changes: [
          {
            field: 'message_template_status_update',
            value: {
              event: e.event,
              message_template_id: Number.parseInt(randomBytes(6).toString('hex'), 16),
              message_template_name: e.templateName,
              message_template_language: e.language,
              reason: e.reason ?? 'NONE',
            },
          },
        ],
      },
    ],
  };
}
