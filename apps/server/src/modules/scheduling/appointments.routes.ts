import {
  Appointment,
  AppointmentQuery,
  Availability,
  AvailabilityQuery,
  BookingInput,
  CancelInput,
  ConfirmHoldInput,
  HoldInput,
  MoveInput,
  StatusHistoryEntry,
  StatusInput,
  Uuid,
} from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import {
  bookAppointment,
  cancelAppointment,
  confirmHold,
  getAppointment,
  holdSlot,
  listAppointments,
  moveAppointment,
  patientAppointments,
  releaseHold,
  setAppointmentStatus,
} from './appointments.service.js';
import { availabilityBody } from './availability-json.js';
import { findAvailability } from './availability.service.js';

const tags = ['calendar'];
const PracticeParams = z.object({ practiceId: Uuid });
const AppointmentParams = PracticeParams.extend({ appointmentId: Uuid });
const HoldParams = PracticeParams.extend({ holdId: Uuid });
const Items = z.object({ items: z.array(Appointment) });

export async function appointmentsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/availability',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Free slots of an appointment type',
        params: PracticeParams,
        querystring: AvailabilityQuery,
        response: { 200: Availability },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const slots = await findAvailability(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        request: {
          appointmentTypeId: q.appointmentTypeId,
          from: new Date(q.from),
          to: new Date(q.to),
          providerId: q.providerId,
          chairId: q.chairId,
          movingAppointmentId: q.movingAppointmentId,
        },
        calendarRevision: request.calendarRevision,
      });
      // Up to a thousand slots the engine built to the schema, written as bytes (see availabilityBody):
      // the schema documents the answer, the bytes are sent as they are.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(availabilityBody(slots));
    },
  );

  api.get(
    '/practices/:practiceId/appointments',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'Appointments in a time range, optionally of one provider or chair',
        params: PracticeParams,
        querystring: AppointmentQuery,
        response: { 200: Items },
      },
    },
    async (request) => {
      const q = request.query;
      return {
        items: await listAppointments(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          from: new Date(q.from),
          to: new Date(q.to),
          providerId: q.providerId,
          chairId: q.chairId,
          includeCancelled: q.includeCancelled,
        }),
      };
    },
  );

  api.post(
    '/practices/:practiceId/appointments',
    {
      config: { permission: 'calendar:book' },
      schema: {
        tags,
        summary: 'Book an appointment (409 slot_taken when the chair or provider is busy)',
        params: PracticeParams,
        body: BookingInput,
        response: { 201: Appointment },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const appointment = await bookAppointment(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        booking: { ...b, start: new Date(b.start), end: b.end ? new Date(b.end) : undefined },
      });
      return reply.status(201).send(appointment);
    },
  );

  api.get(
    '/practices/:practiceId/appointments/:appointmentId',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: 'One appointment with its status history',
        params: AppointmentParams,
        response: { 200: z.object({ appointment: Appointment, history: z.array(StatusHistoryEntry) }) },
      },
    },
    async (request) => getAppointment(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.post(
    '/practices/:practiceId/appointments/:appointmentId/move',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Move to another time, provider or chair',
        params: AppointmentParams,
        body: MoveInput,
        response: { 200: Appointment },
      },
    },
    async (request) => {
      const m = request.body;
      return moveAppointment(ctx, {
        actor: actorOf(request),
        ...request.params,
        move: { ...m, start: new Date(m.start), end: m.end ? new Date(m.end) : undefined },
      });
    },
  );

  api.post(
    '/practices/:practiceId/appointments/:appointmentId/cancel',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Cancel with a reason; the slot is free at once',
        params: AppointmentParams,
        body: CancelInput,
        response: { 200: Appointment },
      },
    },
    async (request) =>
      cancelAppointment(ctx, { actor: actorOf(request), ...request.params, reason: request.body.reason }),
  );

  api.post(
    '/practices/:practiceId/appointments/:appointmentId/status',
    {
      config: { permission: 'calendar:status' },
      schema: {
        tags,
        summary: 'Confirmed, arrived, in chair, completed, no-show',
        params: AppointmentParams,
        body: StatusInput,
        response: { 200: Appointment },
      },
    },
    async (request) => setAppointmentStatus(ctx, { actor: actorOf(request), ...request.params, ...request.body }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/appointments',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary: "A patient's appointment history",
        params: PracticeParams.extend({ patientId: Uuid }),
        response: { 200: Items },
      },
    },
    async (request) => ({ items: await patientAppointments(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    '/practices/:practiceId/holds',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Hold a slot for a few minutes while a booking is confirmed',
        params: PracticeParams,
        body: HoldInput,
        response: { 201: Appointment },
      },
    },
    async (request, reply) => {
      const h = request.body;
      const hold = await holdSlot(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        hold: { ...h, start: new Date(h.start) },
      });
      return reply.status(201).send(hold);
    },
  );

  api.post(
    '/practices/:practiceId/holds/:holdId/confirm',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Turn a hold into a booked appointment (410 when it lapsed)',
        params: HoldParams,
        body: ConfirmHoldInput,
        response: { 200: Appointment },
      },
    },
    async (request) => confirmHold(ctx, { actor: actorOf(request), ...request.params, ...request.body }),
  );

  api.delete(
    '/practices/:practiceId/holds/:holdId',
    { config: { permission: 'calendar:write' }, schema: { tags, summary: 'Release a hold', params: HoldParams } },
    async (request, reply) => {
      await releaseHold(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );
}
