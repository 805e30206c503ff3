import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import PDFDocument from 'pdfkit';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { type ExportedFile, type PatientExport, sealedStoresOf } from '../../platform/data-owners.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { exportPatientDetailsIn } from '../patients/patient-privacy.service.js';
import { findPatientIn, patientLanguageIn } from '../patients/patients.service.js';
import { findRequest } from './requests.repository.js';
import { closeRequest, requestAudit } from './requests.service.js';

/**
 * A copy of a patient's data (issue 14, deliver 2): a ZIP of one JSON file per module, built from
 * each module's data owner (`exportPatient`), the files they return (documents, media), a readable
 * PDF summary in the patient's language and a README.txt that explains the files.
 *
 * Where the ZIP lives: nowhere. It is built when it is downloaded and streamed straight to the
 * recipient (archiver, one file at a time: each module's JSON and each document is read only when
 * the archive is ready for it), so no copy of a patient's whole record sits on disk, in the clear
 * or sealed, and nothing has to be purged when the link expires. Clinical data is decrypted by its
 * owner for this copy only (the sealed stores are handed to `exportPatient`), inside the
 * download's transaction. The copy is of the data as it is at download time.
 *
 * A module whose export is not built yet (501 not_implemented) is named in the README and the
 * PDF as "not included yet" rather than failing the whole copy: the patient sees what is missing.
 */

export interface GatheredExport {
  patient: { id: string; givenName: string; familyName: string; dateOfBirth: string | null };
  language: 'en' | 'fr';
  modules: { module: string; data: Omit<PatientExport, 'files'>; files: ExportedFile[] }[];
  missing: string[];
  generatedAt: Date;
}

/** Every data owner's copy of one patient, inside the caller's practice-bound transaction. */
export async function gatherPatientExportIn(
  ctx: AppContext,
  tx: Tx,
  input: { practiceId: string; patientId: string; now: Date },
): Promise<GatheredExport> {
  const patient = await findPatientIn(tx, input.patientId);
  if (!patient) throw new AppError('patient_not_found');
  const language = (await patientLanguageIn(tx, input.patientId)) === 'fr' ? 'fr' : 'en';
  const stores = sealedStoresOf(ctx);
  const modules: GatheredExport['modules'] = [];
  const missing: string[] = [];
  // The patient's own record, phones, guardians, alerts, history and who opened it: the patients
  // module is the one every data owner hangs from, so it is asked directly rather than listed.
  const { files: detailFiles = [], ...details } = await exportPatientDetailsIn(tx, {
    practiceId: input.practiceId,
    patientId: input.patientId,
    stores,
  });
  modules.push({ module: 'patients', data: details, files: detailFiles });
  for (const owner of ctx.dataOwners) {
    try {
      const { files = [], ...data } = await owner.exportPatient(tx, {
        practiceId: input.practiceId,
        patientId: input.patientId,
        stores,
      });
      modules.push({ module: owner.module, data, files });
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_implemented') missing.push(owner.module);
      else throw error;
    }
  }
  return {
    patient: {
      id: patient.id,
      givenName: patient.givenName,
      familyName: patient.familyName,
      dateOfBirth: patient.dateOfBirth,
    },
    language,
    modules,
    missing,
    generatedAt: input.now,
  };
}

/**
 * An owner downloads an approved access request's copy at the desk to hand it over. Audited; the
 * request is fulfilled by it.
 */
export async function downloadRequestExport(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<{ filename: string; stream: Readable }> {
  requirePermission(input.actor, 'privacy:approve');
  const now = input.now ?? new Date();
  const gathered = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await findRequest(tx, input.requestId, { forUpdate: true });
    if (!row) throw new AppError('privacy_request_not_found');
    if (row.type !== 'access' || !row.approvedAt || row.state === 'refused')
      throw new AppError('privacy_export_not_ready', {
        detail: 'A copy of the data is made for an access request that an owner approved',
      });
    const gathered = await gatherPatientExportIn(ctx, tx, {
      practiceId: input.practiceId,
      patientId: row.patientId,
      now,
    });
    await requestAudit(tx, input, row, 'privacy.export_downloaded', {
      by: 'desk',
      modules: gathered.modules.map((m) => m.module),
      missing: gathered.missing,
    });
    if (row.state === 'in_progress') {
      await closeRequest(tx, row, { ...input, at: now });
    }
    return gathered;
  });
  return { filename: exportFileName(gathered), stream: exportZip(gathered) };
}

export function exportFileName(g: GatheredExport): string {
  return `dentalpro-copy-${g.patient.id.slice(0, 8)}-${g.generatedAt.toISOString().slice(0, 10)}.zip`;
}

/** The archive as a stream; entries are added one by one as the reader drains it. */
export function exportZip(g: GatheredExport): Readable {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const add = async (source: Buffer | string | Readable, name: string) => {
    const added = once(archive, 'entry');
    archive.append(source, { name });
    await added;
  };
  (async () => {
    await add(readme(g), 'README.txt');
    const pdf = summaryPdf(g);
    await add(pdf, 'summary.pdf');
    await add(`${JSON.stringify(g.patient, null, 2)}\n`, 'patient.json');
    for (const m of g.modules) {
      await add(`${JSON.stringify(m.data, null, 2)}\n`, `${m.module}.json`);
      for (const file of m.files) await add(await file.read(), `${m.module}/${safePath(file.name)}`);
    }
    await archive.finalize();
  })().catch((error: unknown) => archive.destroy(error instanceof Error ? error : new Error(String(error))));
  return archive;
}

/** A path inside the archive: no leading slash, no climbing out of the module's folder. */
function safePath(name: string): string {
  return name
    .split('/')
    .filter((part) => part && part !== '.' && part !== '..')
    .join('/');
}

const WORDS = {
  en: {
    title: 'A copy of your data',
    intro: (name: string, date: string) =>
      `This is everything your dental practice keeps about you (${name}) in DentalPro, as it was on ${date}.`,
    what: 'What is in this copy',
    files: 'The files',
    missing: 'Not included yet (this part of DentalPro cannot make a copy yet; ask the practice for it):',
    items: (n: number) => (n === 1 ? '1 entry' : `${n} entries`),
    rights:
      'You can ask the practice to correct anything that is wrong, to delete what the law lets it delete, or to stop WhatsApp messages. Ask at the desk or write to the practice on WhatsApp.',
    modules: {
      scheduling: 'Appointments, recalls and the waiting list',
      clinical: 'Your dental chart, treatment plans, clinical notes and documents',
      messaging: 'Your WhatsApp messages with the practice',
      assistant: 'Conversations with the booking assistant',
      notifications: 'Notes the team received about you (for example an undelivered reminder)',
      reminders: 'Appointment reminders sent to you',
      privacy: 'Your privacy requests, legal holds and erasures',
      patients: 'Your details and who opened your record',
      consent: 'What you agreed to, and when',
    } as Record<string, string>,
  },
  fr: {
    title: 'Une copie de vos données',
    intro: (name: string, date: string) =>
      `Voici tout ce que votre cabinet dentaire conserve sur vous (${name}) dans DentalPro, tel que c'était le ${date}.`,
    what: 'Ce que contient cette copie',
    files: 'Les fichiers',
    missing:
      'Pas encore inclus (cette partie de DentalPro ne sait pas encore en faire une copie ; demandez-la au cabinet) :',
    items: (n: number) => (n <= 1 ? `${n} élément` : `${n} éléments`),
    rights:
      "Vous pouvez demander au cabinet de corriger ce qui est faux, d'effacer ce que la loi permet d'effacer, ou d'arrêter les messages WhatsApp. Demandez à l'accueil ou écrivez au cabinet sur WhatsApp.",
    modules: {
      scheduling: "Rendez-vous, rappels de contrôle et liste d'attente",
      clinical: 'Votre schéma dentaire, vos plans de traitement, notes cliniques et documents',
      messaging: 'Vos messages WhatsApp avec le cabinet',
      assistant: "Conversations avec l'assistant de réservation",
      notifications: "Notes reçues par l'équipe à votre sujet (par exemple un rappel non remis)",
      reminders: 'Rappels de rendez-vous qui vous ont été envoyés',
      privacy: 'Vos demandes sur vos données, gels juridiques et effacements',
      patients: 'Vos coordonnées et qui a ouvert votre dossier',
      consent: 'Ce que vous avez accepté, et quand',
    } as Record<string, string>,
  },
};

function entries(data: Record<string, unknown>): { kind: string; count: number }[] {
  return Object.entries(data).map(([kind, value]) => ({
    kind,
    count: Array.isArray(value) ? value.length : value && typeof value === 'object' ? 1 : value == null ? 0 : 1,
  }));
}

function readme(g: GatheredExport): string {
  const lines = [
    "DentalPro: a copy of a patient's data / une copie des données d'un patient",
    '',
    `Patient: ${g.patient.givenName} ${g.patient.familyName} (${g.patient.id})`,
    `Made: ${g.generatedAt.toISOString()}`,
    '',
    'What the files are:',
    "- summary.pdf: a readable summary of this copy, in the patient's language.",
    "- patient.json: who this copy is about (the record's id, name and date of birth).",
    '- <module>.json: everything one part of DentalPro keeps about the patient, as JSON (UTF-8).',
    '  Each top-level key is one kind of data: a list of records, or one record. Times are ISO 8601',
    '  in UTC (2026-12-06T09:30:00.000Z); dates are YYYY-MM-DD. Clinical text is decrypted.',
    '- <module>/...: files kept by that part (documents, x-rays, WhatsApp media), as they were received.',
    '',
  ];
  for (const m of g.modules) {
    lines.push(`${m.module}.json — ${WORDS.en.modules[m.module] ?? m.module}`);
    for (const e of entries(m.data)) lines.push(`  ${e.kind}: ${WORDS.en.items(e.count)}`);
    if (m.files.length > 0) lines.push(`  files in ${m.module}/: ${m.files.length}`);
  }
  if (g.missing.length > 0) lines.push('', WORDS.en.missing, ...g.missing.map((m) => `  - ${m}`));
  lines.push(
    '',
    'Les fichiers : summary.pdf est un résumé lisible ; chaque <module>.json contient ce que cette partie',
    'de DentalPro conserve sur le patient (JSON, UTF-8, heures ISO 8601 en UTC) ; les dossiers <module>/',
    'contiennent les fichiers (documents, radiographies, médias WhatsApp) tels que reçus.',
    '',
  );
  return lines.join('\n');
}

function summaryPdf(g: GatheredExport): Readable {
  const w = WORDS[g.language];
  const name = `${g.patient.givenName} ${g.patient.familyName}`.trim();
  const date = g.generatedAt.toISOString().slice(0, 10);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${w.title} — ${name}` } });
  doc.fontSize(20).text(w.title);
  doc.moveDown(0.5).fontSize(11).text(w.intro(name, date));
  doc.moveDown().fontSize(14).text(w.what);
  for (const m of g.modules) {
    doc
      .moveDown(0.5)
      .fontSize(12)
      .text(w.modules[m.module] ?? m.module, { continued: false });
    doc.fontSize(10).fillColor('#444');
    const list = entries(m.data).map((e) => `${e.kind}: ${w.items(e.count)}`);
    if (m.files.length > 0) list.push(`${w.files}: ${m.files.length}`);
    doc.text(list.join(' · ') || '—').fillColor('black');
    doc.fontSize(9).fillColor('#666').text(`${m.module}.json`).fillColor('black');
  }
  if (g.missing.length > 0) {
    doc.moveDown().fontSize(11).text(w.missing);
    for (const m of g.missing) doc.fontSize(10).text(`• ${w.modules[m] ?? m}`);
  }
  doc.moveDown().fontSize(10).text(w.rights);
  doc.end();
  return doc as unknown as Readable;
}
