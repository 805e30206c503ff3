import {
  type PrivacyDraft,
  type Reply,
  RIGHT_OF_INTENT,
  type RightsRequestType,
  type StateName,
  type Step,
  type Understanding,
} from './assistant.types.js';
import { type Ctx, after, goIdle, leaveFlow } from './conversation-context.js';
import { buttonsReply, listReply, textReply } from './prompts.js';
import { LIMITS } from './reply-limits.js';
import { normalisedWords } from './understanding/normalise.js';

/**
 * A patient's rights over their data, asked in the chat: "I want a copy of my data", "supprimez
 * mes données", "koriz mo bann detay", "stop using my data". The request is the practice's to
 * answer (privacy's requests); the assistant only makes sure it is meant, and for whom, then sends
 * it: the runtime announces it (assistant.events.ts), and privacy records it and tells the patient
 * by when it is answered. Privacy sits above the assistant in the module map, so it listens.
 *
 *   any state ──privacy_*──▶ choosing_privacy_patient (a number shared by several patients: first names)
 *                            confirming_privacy        ("You'd like … Send request / Cancel")
 *                            idle + hand over          (a number with no patient: a person takes it)
 *   confirming_privacy ──Send request / yes──▶ idle + record_privacy_request (privacy says the due date)
 *   confirming_privacy ──Cancel / no / "cancel"──▶ idle, nothing sent
 *
 * "Talk to someone", urgent and STOP act in these states as in any other. Withdrawing consent to
 * WhatsApp messages is STOP, not a request: it takes effect at once.
 */

/** The right a message asks for, if it asks for one. */
export function rightAskedFor(understood: Understanding): RightsRequestType | null {
  return RIGHT_OF_INTENT[understood.intent] ?? null;
}

/** A rights request, read in any state: the flow the patient was in is left (its held time released). */
export function startPrivacyRequest(c: Ctx, type: RightsRequestType, requestMessageId: string | undefined): Step {
  const left = leaveFlow(c);
  const { t, facts } = left.c;
  const draft: PrivacyDraft = { type, ...(requestMessageId ? { requestMessageId } : {}) };
  const [only, ...others] = facts.patients;
  // No patient has this number: there is nobody to record it for, so a person takes it from here.
  if (!only) {
    return after(
      left.commands,
      goIdle(left.c, [textReply(t.privacyUnknownNumber)], [{ kind: 'hand_over', reason: 'needs_staff' }]),
    );
  }
  if (others.length === 0) return after(left.commands, confirmPrivacy(left.c, { ...draft, patientId: only.id }));
  return after(left.commands, toPrivacyState(left.c, 'choosing_privacy_patient', draft, [privacyWhoList(left.c)]));
}

/** A first name tapped on a shared number's list. */
export function choosePrivacyPatient(c: Ctx, patientId: string): Step | null {
  const draft = c.state.privacy;
  const patient = c.facts.patients.find((p) => p.id === patientId);
  if (!draft || !patient) return null;
  return confirmPrivacy(c, { ...draft, patientId: patient.id, givenName: patient.givenName });
}

/** A first name typed (or a row's number, "2") instead of tapped. */
export function privacyPatientInText(c: Ctx, text: string): Step | null {
  const { patients } = c.facts;
  const words = normalisedWords(text);
  const byNumber = words.length === 1 && /^\d{1,2}$/.test(words[0]!) ? patients[Number(words[0]) - 1] : undefined;
  const byName = patients.filter((p) => {
    const first = normalisedWords(p.givenName)[0];
    return first !== undefined && words.includes(first);
  });
  const patient = byNumber ?? (byName.length === 1 ? byName[0] : undefined);
  return patient ? choosePrivacyPatient(c, patient.id) : null;
}

/** Send request (or yes): the request goes to the practice, whose answer (the due date) follows. */
export function sendPrivacyRequest(c: Ctx): Step | null {
  const draft = c.state.privacy;
  if (!draft) return null;
  const patientIds = draft.patientId ? [draft.patientId] : c.facts.patients.map((p) => p.id);
  const { requestMessageId } = draft;
  return goIdle(
    c,
    [],
    [
      {
        kind: 'record_privacy_request',
        type: draft.type,
        patientIds,
        ...(requestMessageId ? { requestMessageId } : {}),
      },
    ],
  );
}

/** Cancel (or no): nothing is sent. */
export function dropPrivacyRequest(c: Ctx): Step {
  return goIdle(c, [textReply(c.t.privacyNotSent)]);
}

/** The question of the state, asked again. */
export function privacyQuestion(c: Ctx): Reply[] {
  if (c.state.name === 'choosing_privacy_patient') return [privacyWhoList(c)];
  return c.state.privacy ? [privacyButtons(c, c.state.privacy)] : [];
}

function confirmPrivacy(c: Ctx, draft: PrivacyDraft): Step {
  return toPrivacyState(c, 'confirming_privacy', draft, [privacyButtons(c, draft)]);
}

function privacyButtons(c: Ctx, draft: PrivacyDraft): Reply {
  const { t } = c;
  // Named only when the number speaks for several patients (the patient chose whom it is for).
  const what = t.privacyWhat(draft.type, draft.givenName);
  return buttonsReply(t.privacyConfirm(what), [
    { id: 'privacy_send', title: t.privacySend },
    { id: 'privacy_cancel', title: t.privacyCancel },
  ]);
}

function privacyWhoList(c: Ctx): Reply {
  const { t, facts } = c;
  return listReply(
    t.privacyWhoFor,
    t.chooseButton,
    facts.patients
      .slice(0, LIMITS.rows)
      .map((patient) => ({ id: `privacy_who:${patient.id}`, title: patient.givenName.trim() || '…' })),
  );
}

function toPrivacyState(c: Ctx, name: StateName, privacy: PrivacyDraft, replies: Reply[]): Step {
  return { state: { ...c.state, name, draft: null, privacy, misses: 0 }, replies, commands: [] };
}
