import type { AppContext } from '../context.js';
import { systemActor } from '../platform/access.js';
import { createUser, findUserByEmail } from '../modules/auth/users.js';
import { createPracticeIn } from '../modules/practices/practices.service.js';
import { addStaffMember } from '../modules/staff/staff.service.js';
import { seedDemoAssistant } from './assistant.js';
import { seedDemoCalendar } from './calendar.js';
import { seedDemoClinical } from './clinical.js';
import { seedDemoInbox } from './inbox.js';
import { seedDemoRecalls } from './recalls.js';
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
  {
    role: 'receptionist',
    name: 'Priya Doorgakant',
    email: 'reception@demo.dentalpro.mu',
    password: 'demo-reception-2026',
  },
] as const;

/**
 * Creates the demo practice with its staff, or finds it when it exists: running it twice
 * changes nothing. Later capabilities add their demo data (chairs, patients, clinical records, ...) here.
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
      const ownerId =
        ownerUser?.id ?? (await createUser(tx, { email: owner.email, name: owner.name, password: owner.password })).id;
      return (
        await createPracticeIn(tx, { practice: DEMO_PRACTICE, ownerUserId: ownerId, actor: systemActor('demo seed') })
      ).id;
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
      await addStaffMember(ctx, {
        actor: systemActor('demo seed'),
        practiceId,
        email: member.email,
        name: member.name,
        password: member.password,
        role: member.role,
      });
    }
  }
  // In sandbox mode the demo practice always gets a (pretend) number, so the sandbox phone has someone to write to.
  const demoNumber =
    opts.whatsappPhoneNumberId ?? (ctx.config.whatsapp.sandbox ? await freeSandboxNumber(ctx) : undefined);
  const whatsapp = demoNumber ? await connectDemoWhatsApp(ctx, practiceId, demoNumber) : undefined;
  const idOf = async (email: string) => (await findUserByEmail(ctx.db, email))!.id;
  const clinicians = {
    ownerId: await idOf('owner@demo.dentalpro.mu'),
    dentistId: await idOf('dentist@demo.dentalpro.mu'),
    hygienistId: await idOf('hygienist@demo.dentalpro.mu'),
  };
  const receptionistId = await idOf('reception@demo.dentalpro.mu');
  const calendar = await seedDemoCalendar(ctx, practiceId, { ...clinicians, receptionistId });
  // After the calendar: notes are written for its past visits.
  const clinical = await seedDemoClinical(ctx, practiceId, clinicians);
  // After the calendar too: recalls and the waitlist name its visit types and providers.
  const recalls = await seedDemoRecalls(ctx, practiceId, clinicians);
  // After both: it switches the number over to the assistant and publishes prices from the price list.
  const assistant = await seedDemoAssistant(ctx, practiceId);
  // Last: the assistant answers the demo conversations' messages as it would the sandbox phone's.
  const inbox = whatsapp
    ? await seedDemoInbox(ctx, practiceId, { phoneNumberId: whatsapp, receptionistId })
    : undefined;
  return {
    practiceId,
    practiceName: DEMO_PRACTICE.name,
    created,
    calendar,
    clinical,
    recalls,
    assistant,
    ...(inbox ? { inbox } : {}),
    ...(whatsapp ? { whatsappPhoneNumberId: whatsapp } : {}),
    staff: DEMO_STAFF.map((s) => ({ role: s.role, name: s.name, email: s.email, password: s.password })),
  };
}

/** The usual sandbox number, or another when a practice already has it (ids are unique across the deployment). */
async function freeSandboxNumber(ctx: AppContext) {
  const taken = await ctx.db
    .selectFrom('whatsappChannels')
    .select('phoneNumberId')
    .where('phoneNumberId', 'like', '10654035224292%')
    .execute();
  const used = new Set(taken.map((t) => t.phoneNumberId));
  for (let i = 2; i < 10; i++) {
    const candidate = `10654035224292${i}`;
    if (!used.has(candidate)) return candidate;
  }
  return `1${Date.now()}`;
}

/**
 * Connects the demo practice to a WhatsApp number once, greeting and away messages on;
 * running again changes nothing.
 */
async function connectDemoWhatsApp(ctx: AppContext, practiceId: string, phoneNumberId: string) {
  return inPractice(ctx.db, practiceId, async (tx) => {
    const existing = await tx
      .selectFrom('whatsappChannels')
      .select('phoneNumberId')
      .where('practiceId', '=', practiceId)
      .executeTakeFirst();
    if (existing) return existing.phoneNumberId;
    const channel = await createChannelIn(tx, {
      actor: systemActor('demo seed'),
      practiceId,
      phoneNumberId,
      accessToken: ctx.config.whatsappAccessToken,
      masterKey: ctx.config.encryptionKey,
      sandbox: ctx.config.whatsapp.sandbox,
    });
    await tx
      .updateTable('whatsappChannels')
      .set({
        displayPhoneNumber: '+230 5200 0000',
        wabaId: '102290129340398',
        greetingEnabled: true,
        greetingEn:
          'Welcome to Demo Dental Clinic! We will answer you shortly. To book, reschedule or cancel an appointment, just tell us here.',
        greetingFr:
          'Bienvenue chez Demo Dental Clinic ! Nous vous répondons très vite. Pour prendre, déplacer ou annuler un rendez-vous, écrivez-nous ici.',
        awayEnabled: true,
        awayEn: 'Thank you for your message. The clinic is closed right now; we will reply as soon as we open.',
        awayFr: 'Merci pour votre message. Le cabinet est fermé en ce moment ; nous vous répondrons dès l’ouverture.',
      })
      .where('id', '=', channel.id)
      .execute();
    return phoneNumberId;
  });
}
