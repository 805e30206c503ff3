import {
  AppointmentType,
  AppointmentTypeInput,
  AppointmentTypePatch,
  Block,
  BlockInput,
  BlockPatch,
  Chair,
  ChairInput,
  ChairPatch,
  Closure,
  ClosureInput,
  ClosurePatch,
  Holiday,
  HolidayInput,
  Instant,
  OpeningHours,
  OpeningHoursInput,
  Provider,
  ProviderHoursInput,
  ProviderInput,
  ProviderPatch,
  Uuid,
} from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import {
  createAppointmentType,
  deactivateAppointmentType,
  listAppointmentTypes,
  updateAppointmentType,
} from './appointment-types.service.js';
import { createProvider, listProviders, replaceProviderHours, updateProvider } from './providers.service.js';
import {
  createChair,
  getOpeningHours,
  listChairs,
  removeChair,
  replaceOpeningHours,
  updateChair,
} from './settings.service.js';
import {
  createBlock,
  createClosure,
  createHoliday,
  deleteBlock,
  deleteClosure,
  deleteHoliday,
  importMauritiusHolidays,
  listBlocks,
  listClosures,
  listHolidays,
  updateBlock,
  updateClosure,
  updateHoliday,
} from './unavailability.service.js';

const tags = ['scheduling settings'];
const P = z.object({ practiceId: Uuid });
const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const WindowQuery = z.object({ from: Instant.optional(), to: Instant.optional() });
const HolidayQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const HolidayPatch = HolidayInput.partial();

/** Chairs, providers and hours, opening hours, closures, holidays, blocks and appointment types. */
export async function schedulingSettingsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId';

  // Chairs
  api.get(
    `${base}/chairs`,
    {
      config: { permission: 'calendar:read' },
      schema: { tags, summary: 'Chairs, in display order', params: P, response: { 200: items(Chair) } },
    },
    async (request) => ({
      items: await listChairs(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
    }),
  );
  api.post(
    `${base}/chairs`,
    {
      config: { permission: 'schedule:manage' },
      schema: { tags, summary: 'Add a chair', params: P, body: ChairInput, response: { 201: Chair } },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createChair(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          chair: request.body,
        }),
      ),
  );
  api.patch(
    `${base}/chairs/:chairId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Rename, recolour, reorder or (de)activate a chair',
        params: P.extend({ chairId: Uuid }),
        body: ChairPatch,
        response: { 200: Chair },
      },
    },
    async (request) => updateChair(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.delete(
    `${base}/chairs/:chairId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Delete an unused chair (204), or deactivate one that has appointments, hours or blocks (200)',
        params: P.extend({ chairId: Uuid }),
        response: { 200: Chair },
      },
    },
    async (request, reply) => {
      const deactivated = await removeChair(ctx, { actor: actorOf(request), ...request.params });
      if (deactivated) return reply.status(200).send(deactivated);
      // 204 carries no body, so it has no response schema to type the reply against.
      return (reply as unknown as FastifyReply).status(204).send();
    },
  );

  // Providers and their weekly hours
  api.get(
    `${base}/providers`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Providers with their role and weekly hours',
        params: P,
        response: { 200: items(Provider) },
      },
    },
    async (request) => ({
      items: await listProviders(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
    }),
  );
  api.post(
    `${base}/providers`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Make an owner, dentist or hygienist bookable',
        params: P,
        body: ProviderInput,
        response: { 201: Provider },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createProvider(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          provider: request.body,
        }),
      ),
  );
  api.patch(
    `${base}/providers/:userId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: "Change a provider's name, colour or active flag",
        params: P.extend({ userId: Uuid }),
        body: ProviderPatch,
        response: { 200: Provider },
      },
    },
    async (request) => updateProvider(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.put(
    `${base}/providers/:userId/hours`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: "Replace a provider's weekly hours",
        params: P.extend({ userId: Uuid }),
        body: ProviderHoursInput,
        response: { 200: Provider },
      },
    },
    async (request) =>
      replaceProviderHours(ctx, { actor: actorOf(request), ...request.params, hours: request.body.hours }),
  );

  // Practice-wide settings
  api.get(
    `${base}/opening-hours`,
    {
      config: { permission: 'calendar:read' },
      schema: { tags, summary: 'Weekly opening hours', params: P, response: { 200: OpeningHours } },
    },
    async (request) => getOpeningHours(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
  api.put(
    `${base}/opening-hours`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Replace the weekly opening hours',
        params: P,
        body: OpeningHoursInput,
        response: { 200: OpeningHours },
      },
    },
    async (request) =>
      replaceOpeningHours(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        hours: request.body.hours,
      }),
  );
  // Closures
  api.get(
    `${base}/closures`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Closures meeting [from, to)',
        params: P,
        querystring: WindowQuery,
        response: { 200: items(Closure) },
      },
    },
    async (request) => ({
      items: await listClosures(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        window: request.query,
      }),
    }),
  );
  api.post(
    `${base}/closures`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Close the practice for a period',
        params: P,
        body: ClosureInput,
        response: { 201: Closure },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createClosure(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          closure: request.body,
        }),
      ),
  );
  api.patch(
    `${base}/closures/:closureId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: "Change a closure's period or reason",
        params: P.extend({ closureId: Uuid }),
        body: ClosurePatch,
        response: { 200: Closure },
      },
    },
    async (request) => updateClosure(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.delete(
    `${base}/closures/:closureId`,
    {
      config: { permission: 'schedule:manage' },
      schema: { tags, summary: 'Remove a closure', params: P.extend({ closureId: Uuid }) },
    },
    async (request, reply) => {
      await deleteClosure(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );

  // Public holidays
  api.get(
    `${base}/holidays`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Public holidays, of one year or all',
        params: P,
        querystring: HolidayQuery,
        response: { 200: items(Holiday) },
      },
    },
    async (request) => ({
      items: await listHolidays(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        year: request.query.year,
      }),
    }),
  );
  api.post(
    `${base}/holidays`,
    {
      config: { permission: 'schedule:manage' },
      schema: { tags, summary: 'Add a public holiday', params: P, body: HolidayInput, response: { 201: Holiday } },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createHoliday(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          holiday: request.body,
        }),
      ),
  );
  api.post(
    `${base}/holidays/import-mauritius`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: "Add Mauritius' public holidays (2026–2027); keeps dates already set",
        params: P,
        response: { 200: z.object({ added: z.number().int() }) },
      },
    },
    async (request) => importMauritiusHolidays(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
  api.patch(
    `${base}/holidays/:holidayId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: "Correct a holiday's date or names",
        params: P.extend({ holidayId: Uuid }),
        body: HolidayPatch,
        response: { 200: Holiday },
      },
    },
    async (request) => updateHoliday(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.delete(
    `${base}/holidays/:holidayId`,
    {
      config: { permission: 'schedule:manage' },
      schema: { tags, summary: 'Remove a holiday', params: P.extend({ holidayId: Uuid }) },
    },
    async (request, reply) => {
      await deleteHoliday(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );

  // Blocks (front desk may set these)
  api.get(
    `${base}/blocks`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Blocks meeting [from, to)',
        params: P,
        querystring: WindowQuery,
        response: { 200: items(Block) },
      },
    },
    async (request) => ({
      items: await listBlocks(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        window: request.query,
      }),
    }),
  );
  api.post(
    `${base}/blocks`,
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Block a provider, a chair, both, or (neither) the whole practice for a period',
        params: P,
        body: BlockInput,
        response: { 201: Block },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createBlock(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          block: request.body,
        }),
      ),
  );
  api.patch(
    `${base}/blocks/:blockId`,
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: "Change a block's period, provider, chair, kind or note",
        params: P.extend({ blockId: Uuid }),
        body: BlockPatch,
        response: { 200: Block },
      },
    },
    async (request) => updateBlock(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.delete(
    `${base}/blocks/:blockId`,
    {
      config: { permission: 'calendar:write' },
      schema: { tags, summary: 'Remove a block', params: P.extend({ blockId: Uuid }) },
    },
    async (request, reply) => {
      await deleteBlock(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );

  // Appointment types
  api.get(
    `${base}/appointment-types`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Appointment types, active first',
        params: P,
        response: { 200: items(AppointmentType) },
      },
    },
    async (request) => ({
      items: await listAppointmentTypes(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
    }),
  );
  api.post(
    `${base}/appointment-types`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Add an appointment type',
        params: P,
        body: AppointmentTypeInput,
        response: { 201: AppointmentType },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createAppointmentType(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          appointmentType: request.body,
        }),
      ),
  );
  api.patch(
    `${base}/appointment-types/:typeId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Change an appointment type',
        params: P.extend({ typeId: Uuid }),
        body: AppointmentTypePatch,
        response: { 200: AppointmentType },
      },
    },
    async (request) => updateAppointmentType(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );
  api.delete(
    `${base}/appointment-types/:typeId`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary: 'Deactivate an appointment type (appointments keep it)',
        params: P.extend({ typeId: Uuid }),
        response: { 200: AppointmentType },
      },
    },
    async (request) => deactivateAppointmentType(ctx, { actor: actorOf(request), ...request.params }),
  );
}
