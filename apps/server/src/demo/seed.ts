import type { AppContext } from '../app.js';
import { systemActor } from '../platform/access.js';
import { createUser, findUserByEmail } from '../modules/auth/users.js';
import { createPracticeIn } from '../modules/practices/practices.service.js';
import { addStaffMember } from '../modules/staff/staff.service.js';
import { seedDemoCalendar } from './calendar.js';
import { createChannelIn } from '../modules/messaging/channels.service.js';
import { inPractice } from '../platform/tenancy.js';

const DEMO_PRACTICE = {
  name: 'Demo Dental Clinic',
  address: '12 Rue Desforges, Port Louis, Mauritius',
  phone: '+230 212 3456',
  email: 'hello@demo.dentalpro.mu',
  timeZone: 'Indian/Mauritius',
  defaultLanguage: 'en' as const,
};

/** Demo accounts: the passwords are printed on purpose; this practice holds only made-up data. */
export const DEMO_STAFF = [
  { role: 'owner', name: 'Dr Anjali Ramgoolam', email: 'owner@demo.dentalpro.mu', password: 'demo-owner-2026' },
  { role: 'dentist', name: 'Dr Jean-Marc Lagesse', email: 'dentist@demo.dentalpro.mu', password: 'demo-dentist-2026' },
  { role: 'hygienist', name: 'Nadia Hossenbux', email: 'hygienist@demo.dentalpro.mu', password: 'demo-hygienist-2026' },
  { role: 'receptionist', name: 'Priya Doorgakant', email: 'reception@demo.dentalpro.mu', password: 'demo-reception-2026' },
] as const;

/**
 * Creates the demo practice with its staff, or finds it when it exists: running it twice
 * changes nothing. Later capabilities add their demo data (chairs, patients, ...) here.
 */
export async function seedDemo(ctx: AppContext, opts: { whatsappPhoneNumberId?: string } = {}) {
  const [owner, ...others] = DEMO_STAFF;
  let ownerUser = await findUserByEmail(ctx.db, owner.email);
  let practiceId = ownerUser
    ? (
        await ctx.db
          .selectFrom('memberships')
          .innerJoin('practices', 'practices.id', 'memberships.practiceId')
          .select('practices.id')
          .where('memberships.userId', '=', ownerUser.id)
          .where('practices.name', '=', DEMO_PRACTICE.name)
          .executeTakeFirst()
      )?.id
    : undefined;
  const created = !practiceId;
  if (!practiceId) {
    practiceId = await ctx.db.transaction().execute(async (tx) => {
      const ownerId = ownerUser?.id ?? (await createUser(tx, { email: owner.email, name: owner.name, password: owner.password })).id;
      return (await createPracticeIn(tx, { practice: DEMO_PRACTICE, ownerUserId: ownerId, actor: systemActor('demo seed') })).id;
    });
    ownerUser = await findUserByEmail(ctx.db, owner.email);
  }
  for (const member of others) {
    const existing = await ctx.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.userId')
      .select('users.id')
      .where('memberships.practiceId', '=', practiceId)
      .where('users.email', '=', member.email)
      .executeTakeFirst();
    if (!existing) {
      await addStaffMember(ctx, { actor: systemActor('demo seed'), practiceId, email: member.email, name: member.name, password: member.password, role: member.role });
    }
  }
  const whatsapp = opts.whatsappPhoneNumberId ? await connectDemoWhatsApp(ctx, practiceId, opts.whatsappPhoneNumberId) : undefined;
  const idOf = async (email: string) => (await findUserByEmail(ctx.db, email))!.id;
  const calendar = await seedDemoCalendar(ctx, practiceId, {
    ownerId: await idOf('owner@demo.dentalpro.mu'),
    dentistId: await idOf('dentist@demo.dentalpro.mu'),
    hygienistId: await idOf('hygienist@demo.dentalpro.mu'),
  });
  return {
    practiceId,
    practiceName: DEMO_PRACTICE.name,
    created,
    calendar,
    ...(whatsapp ? { whatsappPhoneNumberId: whatsapp } : {}),
    staff: DEMO_STAFF.map((s) => ({ role: s.role, name: s.name, email: s.email, password: s.password })),
  };
}

/** Connects the demo practice to a WhatsApp number once; running again with the same id changes nothing. */
async function connectDemoWhatsApp(ctx: AppContext, practiceId: string, phoneNumberId: string) {
  await inPractice(ctx.db, practiceId, async (tx) => {
    const existing = await tx.selectFrom('whatsappChannels').select('id').where('phoneNumberId', '=', phoneNumberId).executeTakeFirst();
    if (existing) return;
    await createChannelIn(tx, { actor: systemActor('demo seed'), practiceId, phoneNumberId, accessToken: ctx.config.whatsappAccessToken, masterKey: ctx.config.encryptionKey });
  });
  return phoneNumberId;
}
