import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { type Insertable, sql } from 'kysely';
import type { WhatsappConversationsTable, WhatsappMessagesTable } from '../apps/server/src/db/schema.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { createChannelIn } from '../apps/server/src/modules/messaging/channels.service.js';
import { listConversations } from '../apps/server/src/modules/messaging/conversations.service.js';
import { createPatientsInBulk } from '../apps/server/src/modules/patients/patients.service.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { addStaffMember } from '../apps/server/src/modules/staff/staff.service.js';
import { type Actor, systemActor } from '../apps/server/src/platform/access.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import {
  type LoadRequest,
  ms,
  openBenchEnvironment,
  percentile,
  startLoadGenerator,
  startServer,
} from './setup-practice.js';
import { makeSenders } from './whatsapp-setup.js';

/**
 * The staff inbox's conversation list (GET .../inbox/conversations): 2,000 WhatsApp
 * conversations, 1,700 of them linked to patients, 5 messages each, a third assigned to the
 * owner and a third to a receptionist, 70% open. Each list shows the patient's name and birth
 * date, the assignee's name and the last message. Timed through the service (its practice-bound
 * transaction included) and over HTTP (one request at a time, then 4 at a time): the first page
 * as the inbox opens it, the other filters, a search by name and by digits, and every page of
 * the whole list by cursor. The floor: the same client and server answering GET /healthz with
 * the session read every API request makes.
 *
 * On the PostgreSQL of DATABASE_URL (a scratch database created beside it, dropped at the end;
 * BENCH_KEEP_DB=1 keeps it), else on embedded PGlite. CONVERSATIONS (2000), QUERIES (200).
 */
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 2000);
const LINKED = Math.round(CONVERSATIONS * 0.85);
const MESSAGES_EACH = 5;
const QUERIES = Number(process.env.QUERIES ?? 200);
const WARM_UP = 20;
const PAGE = 50;
const CONCURRENCY = 4;
const PASSWORD = 'correct horse battery';
const DAY = 86_400_000;

const env = await openBenchEnvironment({ scratch: true });
const { ctx } = env;
try {
  const setupStarted = performance.now();
  const random = seededRandom(2000);
  const suffix = randomUUID().slice(0, 8);
  const owner = { email: `bench-inbox-${suffix}@example.mu`, password: PASSWORD };
  const { practiceId, ownerId } = await ctx.db.transaction().execute(async (tx) => {
    const user = await createUser(tx, { email: owner.email, name: 'Dr Bench Owner', password: PASSWORD });
    const practice = await createPracticeIn(tx, {
      practice: { name: `Bench inbox ${suffix}` },
      ownerUserId: user.id,
      actor: systemActor('bench'),
    });
    return { practiceId: practice.id, ownerId: user.id };
  });
  const actor: Actor = { userId: ownerId, role: 'owner', ip: null, requestId: 'bench' };
  const receptionist = await addStaffMember(ctx, {
    actor,
    practiceId,
    email: `bench-inbox-desk-${suffix}@example.mu`,
    name: 'Front Desk',
    password: PASSWORD,
    role: 'receptionist',
  });
  const senders = makeSenders(CONVERSATIONS, 2000);
  // Patients are not always known by the name they use on WhatsApp.
  const patientIds = await createPatientsInBulk(ctx, {
    actor,
    practiceId,
    patients: senders.slice(0, LINKED).map((s) => ({
      givenName: random.pick(GIVEN_NAMES),
      familyName: random.pick(FAMILY_NAMES),
      phone: `+${s.waId}`,
      dateOfBirth: `19${random.int(40, 99)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
    })),
  });
  const now = Date.now();
  await inPractice(ctx.db, practiceId, async (tx) => {
    const channel = await createChannelIn(tx, {
      actor,
      practiceId,
      phoneNumberId: '106540352242999',
      accessToken: 'bench-graph-token',
      masterKey: ctx.config.encryptionKey,
      sandbox: false,
    });
    const conversations: Insertable<WhatsappConversationsTable>[] = [];
    const messages: Insertable<WhatsappMessagesTable>[] = [];
    for (const [i, sender] of senders.entries()) {
      const id = randomUUID();
      const last = now - random.int(0, 60 * DAY);
      const assignee = random.int(0, 2);
      conversations.push({
        id,
        practiceId,
        channelId: channel.id,
        waId: sender.waId,
        profileName: sender.name,
        patientId: i < LINKED ? patientIds[i]! : null,
        status: random.chance(0.7) ? 'open' : 'closed',
        assignedUserId: assignee === 0 ? ownerId : assignee === 1 ? receptionist.userId : null,
        needsHuman: random.chance(0.1),
        unreadCount: random.int(0, 3),
        lastMessageAt: new Date(last),
        lastInboundAt: new Date(last - 600_000),
      });
      for (let m = MESSAGES_EACH - 1; m >= 0; m--) {
        const inbound = m % 2 === 1 || m === MESSAGES_EACH - 1;
        messages.push({
          practiceId,
          conversationId: id,
          channelId: channel.id,
          direction: inbound ? 'inbound' : 'outbound',
          origin: inbound ? 'patient' : 'staff',
          wamid: `wamid.bench.${i}.${m}`,
          content: JSON.stringify({
            type: 'text',
            body: inbound ? 'Bonjour, eski mo kapav gagn enn randevou pou detartraz?' : 'Yes, Tuesday at 10:00?',
          }),
          status: inbound ? 'received' : 'read',
          sentByUserId: inbound ? null : ownerId,
          occurredAt: new Date(last - m * 300_000),
        });
      }
    }
    for (let i = 0; i < conversations.length; i += 500)
      await tx
        .insertInto('whatsappConversations')
        .values(conversations.slice(i, i + 500))
        .execute();
    for (let i = 0; i < messages.length; i += 1000)
      await tx
        .insertInto('whatsappMessages')
        .values(messages.slice(i, i + 1000))
        .execute();
  });
  await sql`ANALYZE whatsapp_conversations, whatsapp_messages, patients, users`.execute(ctx.db);
  const setupMs = performance.now() - setupStarted;

  // The searches: a family name of a linked patient, and a run of digits of a number.
  const names = FAMILY_NAMES.slice(0, 20);
  const digits = senders.slice(0, 20).map((s) => s.waId.slice(5, 9));
  type Filter = { label: string; query: (i: number) => Record<string, string> };
  const filters: Filter[] = [
    { label: 'first page (open)', query: () => ({}) },
    { label: 'first page (all)', query: () => ({ status: 'all' }) },
    { label: 'assigned to me', query: () => ({ assigned: 'me' }) },
    { label: 'unassigned', query: () => ({ assigned: 'unassigned' }) },
    { label: 'search by name', query: (i) => ({ status: 'all', q: names[i % names.length]! }) },
    { label: 'search by digits', query: (i) => ({ status: 'all', q: digits[i % digits.length]! }) },
  ];

  // Every page of the whole list, by cursor, as the service walks it (its cursors replayed over HTTP).
  const pageQueries: Record<string, string>[] = [];
  const walk: number[] = [];
  let listed = 0;
  for (let round = 0; round < 3; round++) {
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { status: 'all', ...(cursor ? { cursor } : {}) };
      const started = performance.now();
      const page = await listConversations(ctx, {
        actor,
        practiceId,
        status: 'all',
        assigned: 'any',
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (round > 0) walk.push(performance.now() - started);
      if (round === 0) {
        pageQueries.push(query);
        listed += page.items.length;
      }
      cursor = page.nextCursor;
    } while (cursor);
  }

  const serviceRows: { label: string; figures: number[] }[] = [];
  for (const filter of filters) {
    const figures: number[] = [];
    for (let i = 0; i < WARM_UP + QUERIES; i++) {
      const q = filter.query(i);
      const started = performance.now();
      await listConversations(ctx, {
        actor,
        practiceId,
        status: (q.status ?? 'open') as 'open' | 'all',
        assigned: (q.assigned ?? 'any') as 'any' | 'me' | 'unassigned',
        q: q.q,
        limit: PAGE,
      });
      if (i >= WARM_UP) figures.push(performance.now() - started);
    }
    serviceRows.push({ label: filter.label, figures });
  }
  serviceRows.push({ label: `every page, by cursor (${pageQueries.length} pages)`, figures: walk });

  const server = await startServer(ctx, owner);
  const load = startLoadGenerator();
  const httpRows: { label: string; one: number[]; many: number[]; perSecond: number; errors: number }[] = [];
  let floor: number[] = [];
  try {
    const url = (q: Record<string, string>) =>
      `${server.baseUrl}/api/v1/practices/${practiceId}/inbox/conversations?${new URLSearchParams({ limit: String(PAGE), ...q })}`;
    const run = async (label: string, requests: LoadRequest[]) => {
      await load.run(requests.slice(0, WARM_UP), { concurrency: 1 });
      const one = await load.run(requests.slice(WARM_UP), { concurrency: 1 });
      const many = await load.run(requests.slice(WARM_UP), { concurrency: CONCURRENCY });
      httpRows.push({
        label,
        one: one.results.map((r) => r.ms),
        many: many.results.map((r) => r.ms),
        perSecond: ((requests.length - WARM_UP) / many.wallMs) * 1000,
        errors: [...one.results, ...many.results].filter((r) => r.status !== 200).length,
      });
    };
    for (const filter of filters)
      await run(
        filter.label,
        Array.from({ length: WARM_UP + QUERIES }, (_, i) => ({
          method: 'GET' as const,
          url: url(filter.query(i)),
          headers: server.headers,
        })),
      );
    await run(
      `every page, by cursor (${pageQueries.length} pages)`,
      Array.from({ length: WARM_UP + QUERIES }, (_, i) => ({
        method: 'GET' as const,
        url: url(pageQueries[i % pageQueries.length]!),
        headers: server.headers,
      })),
    );
    const health = Array.from({ length: WARM_UP + QUERIES }, () => ({
      method: 'GET' as const,
      url: `${server.baseUrl}/healthz`,
      headers: server.headers,
    }));
    await load.run(health.slice(0, WARM_UP), { concurrency: 1 });
    floor = (await load.run(health.slice(WARM_UP), { concurrency: 1 })).results.map((r) => r.ms);
  } finally {
    await load.close();
    await server.close();
  }

  const figures = (xs: number[]) =>
    [50, 95, 99].map((p) => ms(percentile(xs, p)).padStart(7)).join('') + ms(Math.max(...xs)).padStart(8);
  console.log(`inbox conversation list — ${env.label}`);
  console.log(
    `  ${CONVERSATIONS} conversations (${LINKED} linked to patients, ${listed} listed by the full walk), ${MESSAGES_EACH} messages each, pages of ${PAGE}; built in ${(setupMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  ${QUERIES} requests per row after ${WARM_UP} warm-up; ms; machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`  ${''.padEnd(44)}    p50    p95    p99     max`);
  console.log('  service (listConversations)');
  for (const row of serviceRows) console.log(`    ${row.label.padEnd(42)}${figures(row.figures)}`);
  console.log('  HTTP GET, one at a time');
  for (const row of httpRows)
    console.log(`    ${row.label.padEnd(42)}${figures(row.one)}${row.errors ? `   ! ${row.errors} errors` : ''}`);
  console.log(`  HTTP GET, ${CONCURRENCY} at a time`);
  for (const row of httpRows)
    console.log(`    ${row.label.padEnd(42)}${figures(row.many)}   ${row.perSecond.toFixed(0)} req/s`);
  console.log('  the floor: GET /healthz with a session (one read), one at a time');
  console.log(`    ${''.padEnd(42)}${figures(floor)}`);
} finally {
  await env.close();
}
