import { inflateSync } from 'node:zlib';
import type { Breach, PolicyVersion, PrivacyPolicy, ProcessingRecord } from '@dentalpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import type { DataOwner } from '../src/platform/data-owners.js';
import { notImplemented } from '../src/platform/data-owners.js';
import { parsePolicyFile, publishPolicyVersion } from '../src/modules/privacy/policy.service.js';
import { declaredCategories, processingRecord } from '../src/modules/privacy/records.service.js';
import { Client, type TestApp, createTestApp, loggedIn, makeMember, makePractice } from './harness.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';

// The privacy policy's versions and notice, the record of processing and the breach register
// (issue 14), over the real database; mail goes to the SMTP catcher.

const META = {
  kind: 'messaging' as const,
  name: 'Meta Platforms (WhatsApp Business Platform)',
  location: 'Ireland and the United States',
  outsideMauritius: true,
};
const HOST = { kind: 'hosting' as const, name: 'Example Hosting Ltd', location: 'Mauritius', outsideMauritius: false };

let t: TestApp;
let smtp: SmtpCatcher;
let a: Awaited<ReturnType<typeof makePractice>>;
let b: Awaited<ReturnType<typeof makePractice>>;
let ownerA: Client;
let ownerB: Client;
let receptionistA: Client;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  t = await createTestApp({
    config: {
      smtpUrl: smtp.url,
      privacy: { contactEmail: 'privacy@dentalpro.test', thirdParties: [HOST, META] },
    },
  });
  a = await makePractice(t.ctx, { name: 'Clinique Policy A' });
  b = await makePractice(t.ctx, { name: 'Clinique Policy B' });
  ownerA = await loggedIn(t.app, a.owner);
  ownerB = await loggedIn(t.app, b.owner);
  receptionistA = await loggedIn(t.app, await makeMember(t.ctx, a.practiceId, 'receptionist'));
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const policyFile = (summary: string, body: string) =>
  `summary.en: ${summary}\nsummary.fr: ${summary} (fr)\n=== en\n## Changed\n\n${body}\n\n{{third_parties}}\n=== fr\n## Modifié\n\n${body} (fr) {{contact_email}}\n`;

async function auditActions(practiceId: string, action: string) {
  return t.db
    .selectFrom('auditEvents')
    .selectAll()
    .where('practiceId', '=', practiceId)
    .where('action', '=', action)
    .execute();
}

describe('the privacy policy', () => {
  it('starts with the first version, its Last updated date, the register and the contact from configuration', async () => {
    const res = await new Client(t.app).get('/api/v1/privacy/policy');
    expect(res.statusCode).toBe(200);
    const policy = res.json() as PrivacyPolicy;
    expect(policy.current).toMatchObject({ version: 1, lastUpdated: '2026-12-06', material: false });
    expect(policy.versions.map((v) => v.version)).toEqual([1]);
    for (const text of [policy.current.text.en, policy.current.text.fr]) {
      expect(text).not.toContain('{{');
      expect(text).toContain('privacy@dentalpro.test');
      expect(text).toContain('Example Hosting Ltd (Mauritius)');
      expect(text).toContain('Meta Platforms (WhatsApp Business Platform) (Ireland and the United States');
    }
    expect(policy.current.text.en).toContain('## Who is responsible');
    expect(policy.current.text.en).toContain('never sold');
    expect(policy.current.text.fr).toContain('## Qui est responsable');
    // Sign-in has no third party here: the policy says so rather than naming none.
    expect(policy.current.text.en).toContain("Sign-in: DentalPro's own passwords");
  });

  it('refuses a version dated before the current one (422 policy_version_outdated), writing nothing', async () => {
    const doc = parsePolicyFile(policyFile('Too old', 'Old text.'));
    await expect(
      publishPolicyVersion(t.ctx, { document: doc, lastUpdated: '2026-12-05', material: false }),
    ).rejects.toMatchObject({ code: 'policy_version_outdated', status: 422 });
    await expect(
      publishPolicyVersion(t.ctx, { document: doc, lastUpdated: '2026-02-30', material: false }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(() => parsePolicyFile('summary.en: x\n=== en\ntext\n')).toThrow(/summary\.fr/);
    const versions = (await new Client(t.app).get('/api/v1/privacy/policy')).json().versions;
    expect(versions).toHaveLength(1);
    // The database keeps the order too, whatever writes to it.
    await expect(
      t.db
        .insertInto('privacyPolicyVersions')
        .values({ version: 9, effectiveDate: '2026-01-01', summaryEn: 'x', summaryFr: 'x', textEn: 'x', textFr: 'x' })
        .execute(),
    ).rejects.toThrow();
  });

  it('publishes a minor version: current, earlier versions still readable, no notice and no email', async () => {
    const published = await publishPolicyVersion(t.ctx, {
      document: parsePolicyFile(policyFile('Clearer words', 'Minor text.')),
      lastUpdated: today,
      material: false,
    });
    expect(published).toMatchObject({ version: 2, lastUpdated: today, material: false, ownersEmailed: 0 });
    const policy = (await new Client(t.app).get('/api/v1/privacy/policy')).json() as PrivacyPolicy;
    expect(policy.current.version).toBe(2);
    expect(policy.current.text.fr).toContain('Minor text. (fr) privacy@dentalpro.test');
    expect(policy.versions.map((v) => [v.version, v.lastUpdated])).toEqual([
      [2, today],
      [1, '2026-12-06'],
    ]);
    const first = (await new Client(t.app).get('/api/v1/privacy/policy/versions/1')).json() as PolicyVersion;
    expect(first.text.en).toContain('## Who is responsible');
    expect((await new Client(t.app).get('/api/v1/privacy/policy/versions/99')).json().code).toBe(
      'policy_version_not_found',
    );
    expect((await ownerA.get('/api/v1/privacy/policy/notice')).json()).toEqual({ notice: null });
    expect(smtp.messages).toHaveLength(0);
    expect(await auditActions(a.practiceId, 'privacy.policy_published')).toHaveLength(1);
  });

  it('a material version: every practice owner is emailed, staff see the notice until each acknowledges it', async () => {
    const published = await publishPolicyVersion(t.ctx, {
      document: parsePolicyFile(policyFile('We now use a new messaging provider', 'Material text.')),
      lastUpdated: today,
      material: true,
    });
    expect(published).toMatchObject({ version: 3, material: true, emailFailures: 0 });
    expect(published.ownersEmailed).toBeGreaterThanOrEqual(2);
    for (const owner of [a.owner, b.owner]) {
      const [mail] = smtp.to(owner.email);
      expect(mail?.subject).toContain('version 3');
      expect(mail?.text).toContain('We now use a new messaging provider');
      expect(mail?.text).toContain('http://dentalpro.test/privacy');
    }

    for (const client of [ownerA, receptionistA, ownerB])
      expect((await client.get('/api/v1/privacy/policy/notice')).json().notice).toMatchObject({
        version: 3,
        material: true,
      });
    expect((await new Client(t.app).get('/api/v1/privacy/policy/notice')).statusCode).toBe(401);

    const ack = await receptionistA.post('/api/v1/privacy/policy/acknowledgements', { version: 3 });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toEqual({ notice: null });
    expect((await receptionistA.get('/api/v1/privacy/policy/notice')).json()).toEqual({ notice: null });
    // The others still see it.
    expect((await ownerA.get('/api/v1/privacy/policy/notice')).json().notice.version).toBe(3);
    // Acknowledged again: stored and audited once.
    await receptionistA.post('/api/v1/privacy/policy/acknowledgements', { version: 3 });
    const audited = await auditActions(a.practiceId, 'privacy.policy_acknowledged');
    expect(audited).toHaveLength(1);
    expect(audited[0]!.changes).toEqual({ version: 3 });
    expect((await receptionistA.post('/api/v1/privacy/policy/acknowledgements', { version: 77 })).json().code).toBe(
      'policy_version_not_found',
    );
    expect((await verifyAuditChain(t.db, a.practiceId)).ok).toBe(true);

    // The owner sees who has acknowledged it; only owners do.
    const who = await ownerA.get(`/api/v1/practices/${a.practiceId}/privacy/policy/acknowledgements`);
    expect(who.statusCode).toBe(200);
    expect(who.json().version.version).toBe(3);
    const byRole = Object.fromEntries(
      who
        .json()
        .members.map((m: { role: string; acknowledgedAt: string | null }) => [m.role, m.acknowledgedAt !== null]),
    );
    expect(byRole).toEqual({ owner: false, receptionist: true });
    expect(
      (await receptionistA.get(`/api/v1/practices/${a.practiceId}/privacy/policy/acknowledgements`)).statusCode,
    ).toBe(403);
  });
});

/** The words drawn on the PDF's pages, line by line (pdfkit writes hex strings in TJ arrays). */
function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  const raw = pdf.toString('latin1');
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let body: string;
    try {
      body = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const tj of body.matchAll(/\[([^\]]*)\]\s*TJ/g))
      lines.push(
        [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
      );
  }
  return lines.join('\n');
}

describe('the record of processing activities', () => {
  it('lists every declared category with purposes, legal bases, retention, recipients and transfers', async () => {
    const res = await ownerA.get(`/api/v1/practices/${a.practiceId}/privacy/records`);
    expect(res.statusCode).toBe(200);
    const record = res.json() as ProcessingRecord;
    expect(record.controller.name).toBe('Clinique Policy A');
    expect(record.processor.contactEmail).toBe('privacy@dentalpro.test');
    const { declared, pendingModules } = declaredCategories(t.ctx.dataOwners);
    const listed = new Set(record.activities.map((x) => x.category));
    for (const d of declared) expect(listed, d.category).toContain(d.category);
    expect(record.pendingModules).toEqual(pendingModules);
    for (const key of ['staff_accounts', 'sessions', 'audit_trail', 'breach_register']) expect(listed).toContain(key);
    for (const activity of record.activities) {
      expect(activity.purposes.length, activity.category).toBeGreaterThan(0);
      expect(activity.legalBases.length, activity.category).toBeGreaterThan(0);
      expect(activity.recipients.map((r) => r.name)).toContain('Example Hosting Ltd');
    }
    const reminders = record.activities.find((x) => x.category === 'appointment_reminders');
    expect(reminders?.transfers.map((r) => r.name)).toEqual([META.name]);
    expect(record.activities.find((x) => x.category === 'audit_trail')?.transfers).toEqual([]);
  });

  it('describes a category added later and names a module whose declaration is not built', async () => {
    const later: DataOwner = {
      ...t.ctx.dataOwners[0]!,
      module: 'clinical',
      retention: () => [
        {
          category: 'clinical_records',
          description: 'Clinical records',
          keptFor: '11 years after the last visit',
          why: 'Healthcare rules',
          rule: { defaultDays: 4018, floorDays: 4018, from: 'last_visit', tiedTo: 'patient' },
        },
        { category: 'whatsapp_voice_notes', description: 'Voice notes', keptFor: '2 years', why: 'Context' },
      ],
    };
    const pending: DataOwner = { ...later, module: 'imaging', retention: () => notImplemented('Imaging retention') };
    const record = await processingRecord(
      { ...t.ctx, dataOwners: [later, pending] },
      { actor: { ...systemActor('test'), role: 'owner' }, practiceId: a.practiceId },
    );
    const clinical = record.activities.find((x) => x.category === 'clinical_records');
    expect(clinical).toMatchObject({ specialCategory: true, source: 'declared', transfers: [] });
    expect(clinical?.legalBases).toContain('health_care');
    expect(clinical?.rule?.defaultDays).toBe(4018);
    const voice = record.activities.find((x) => x.category === 'whatsapp_voice_notes');
    expect(voice?.transfers.map((r) => r.name)).toEqual([META.name]);
    expect(record.pendingModules).toEqual(['imaging']);
  });

  it('downloads as a PDF naming every category (English and French), audited; owners only', async () => {
    const record = (await ownerA.get(`/api/v1/practices/${a.practiceId}/privacy/records`)).json() as ProcessingRecord;
    const res = await ownerA.get(`/api/v1/practices/${a.practiceId}/privacy/records/pdf?lang=fr`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('registre-des-traitements.pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Registre des activités de traitement');
    expect(text).toContain('Clinique Policy A');
    for (const activity of record.activities) expect(text, activity.category).toContain(activity.category);
    expect(text).toContain('Meta Platforms');
    expect(await auditActions(a.practiceId, 'privacy.records_downloaded')).toHaveLength(1);

    expect((await receptionistA.get(`/api/v1/practices/${a.practiceId}/privacy/records`)).statusCode).toBe(403);
    expect((await receptionistA.get(`/api/v1/practices/${a.practiceId}/privacy/records/pdf`)).statusCode).toBe(403);
    expect((await ownerB.get(`/api/v1/practices/${a.practiceId}/privacy/records`)).json().code).toBe(
      'practice_not_found',
    );
  });
});

describe('the breach register', () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  const breach = (over: Record<string, unknown> = {}) => ({
    discoveredAt: hoursAgo(80),
    occurredAt: hoursAgo(90),
    description: 'A laptop with an export of the day list was stolen from the reception',
    dataCategories: ['patient_identity', 'appointments'],
    peopleAffected: 40,
    likelyConsequences: 'Names and appointment times may be read by a stranger',
    measuresTaken: 'Laptop wiped remotely; passwords changed',
    commissionerNotifiedAt: null,
    peopleNotifiedAt: null,
    ...over,
  });
  const url = () => `/api/v1/practices/${a.practiceId}/privacy/breaches`;

  it('records a breach with its 72-hour deadline: overdue when past, due within', async () => {
    const old = await ownerA.post(url(), breach());
    expect(old.statusCode).toBe(201);
    const overdue = old.json() as Breach;
    expect(overdue.status).toBe('overdue');
    expect(Date.parse(overdue.commissionerDueAt) - Date.parse(overdue.discoveredAt)).toBe(72 * 3600_000);
    expect(overdue.recordedBy?.id).toBe(a.owner.id);

    const fresh = (await ownerA.post(url(), breach({ discoveredAt: hoursAgo(2), occurredAt: null }))).json() as Breach;
    expect(fresh.status).toBe('due');
    const list = (await ownerA.get(url())).json();
    expect(list.breaches.map((x: Breach) => x.id)).toEqual([fresh.id, overdue.id]);

    // Told late: the reasons for the delay are required, then it is notified_late.
    const late = { commissionerNotifiedAt: hoursAgo(1), peopleNotifiedAt: hoursAgo(1) };
    const refused = await ownerA.request(
      'PUT',
      `${url()}/${overdue.id}`,
      breach({ ...late, discoveredAt: overdue.discoveredAt }),
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'breach_invalid',
      errors: [{ path: 'delayReason', code: 'required' }],
    });
    const updated = await ownerA.request(
      'PUT',
      `${url()}/${overdue.id}`,
      breach({
        ...late,
        discoveredAt: overdue.discoveredAt,
        delayReason: 'The theft was understood only after the weekend',
      }),
    );
    expect(updated.statusCode).toBe(200);
    expect(updated.json().status).toBe('notified_late');
    const inTime = await ownerA.request(
      'PUT',
      `${url()}/${fresh.id}`,
      breach({ discoveredAt: fresh.discoveredAt, occurredAt: null, commissionerNotifiedAt: hoursAgo(1) }),
    );
    expect(inTime.json().status).toBe('notified');

    const recorded = await auditActions(a.practiceId, 'privacy.breach_recorded');
    expect(recorded).toHaveLength(2);
    expect(JSON.stringify(recorded)).not.toContain('laptop');
    const changed = await auditActions(a.practiceId, 'privacy.breach_updated');
    expect(changed).toHaveLength(2);
    expect(changed[0]!.changes).toMatchObject({
      changed: expect.arrayContaining(['commissionerNotifiedAt', 'delayReason']),
    });
  });

  it('refuses facts that do not hold together (422 breach_invalid) and bad input (400)', async () => {
    const discoveredAt = hoursAgo(10);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ discoveredAt, commissionerNotifiedAt: hoursAgo(12) }, 'commissionerNotifiedAt', 'before_discovery'],
      [{ discoveredAt, peopleNotifiedAt: hoursAgo(11) }, 'peopleNotifiedAt', 'before_discovery'],
      [{ discoveredAt, occurredAt: hoursAgo(5) }, 'occurredAt', 'after_discovery'],
      [
        { discoveredAt: new Date(Date.now() + 86400_000).toISOString(), occurredAt: null },
        'discoveredAt',
        'date_in_future',
      ],
      [
        { discoveredAt, occurredAt: null, commissionerNotifiedAt: hoursAgo(9), delayReason: 'none' },
        'delayReason',
        'not_applicable',
      ],
    ];
    for (const [over, path, code] of cases) {
      const res = await ownerA.post(url(), breach(over));
      expect([path, res.statusCode]).toEqual([path, 422]);
      expect(res.json()).toMatchObject({ code: 'breach_invalid' });
      expect(res.json().errors).toContainEqual(expect.objectContaining({ path, code }));
    }
    expect((await ownerA.post(url(), breach({ dataCategories: [] }))).statusCode).toBe(400);
    expect((await ownerA.post(url(), breach({ dataCategories: ['tattoos'] }))).statusCode).toBe(400);
    expect((await ownerA.post(url(), breach({ description: '  ' }))).statusCode).toBe(400);
    expect((await ownerA.post(url(), breach({ peopleAffected: -1 }))).statusCode).toBe(400);
    expect((await ownerA.get(`${url()}/00000000-0000-4000-8000-000000000000`)).json().code).toBe('breach_not_found');
  });

  it('is for owners only and stays in its practice', async () => {
    expect((await receptionistA.get(url())).statusCode).toBe(403);
    expect((await receptionistA.post(url(), breach())).statusCode).toBe(403);
    expect((await ownerB.get(`/api/v1/practices/${b.practiceId}/privacy/breaches`)).json().breaches).toEqual([]);
    expect((await ownerB.get(url())).json().code).toBe('practice_not_found');
  });
});
