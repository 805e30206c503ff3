import type { ProcessingRecord } from '@dentalpro/contracts';
import PDFDocument from 'pdfkit';

type Lang = 'en' | 'fr';

const WORDS = {
  en: {
    title: 'Record of processing activities',
    subtitle: 'Data Protection Act 2017 (Mauritius)',
    controller: 'Controller',
    processor: 'Processor',
    contact: 'Contact',
    generated: 'Generated',
    category: 'Category',
    subjects: 'Data subjects',
    purposes: 'Purposes',
    bases: 'Legal bases',
    special: 'Special category: health data',
    retention: 'Retention',
    rule: 'Enforced rule',
    recipients: 'Recipients',
    transfers: 'Transfers outside Mauritius',
    none: 'None',
    pending: 'Not described yet (their declaration is being built)',
    days: (d: number, f: number, from: string) => `${d} days from ${from} (at least ${f})`,
  },
  fr: {
    title: 'Registre des activités de traitement',
    subtitle: 'Data Protection Act 2017 (Maurice)',
    controller: 'Responsable du traitement',
    processor: 'Sous-traitant',
    contact: 'Contact',
    generated: 'Établi le',
    category: 'Catégorie',
    subjects: 'Personnes concernées',
    purposes: 'Finalités',
    bases: 'Bases légales',
    special: 'Catégorie particulière : données de santé',
    retention: 'Conservation',
    rule: 'Règle appliquée',
    recipients: 'Destinataires',
    transfers: 'Transferts hors de Maurice',
    none: 'Aucun',
    pending: 'Pas encore décrits (leur déclaration est en cours)',
    days: (d: number, f: number, from: string) => `${d} jours à compter de ${from} (au moins ${f})`,
  },
} as const;

const PURPOSES: Record<Lang, Record<string, string>> = {
  en: {
    dental_care: 'Providing and documenting dental care',
    appointments: 'Booking and reminding appointments',
    patient_communication: 'Communicating with patients',
    legal_records: 'Keeping the records healthcare rules require',
    security_and_accountability: 'Security and accountability',
    staff_administration: 'Managing the team and its access',
    rights_requests: "Answering patients' requests about their data",
  },
  fr: {
    dental_care: 'Dispenser et documenter les soins dentaires',
    appointments: 'Prendre et rappeler les rendez-vous',
    patient_communication: 'Communiquer avec les patients',
    legal_records: 'Conserver les dossiers exigés par les règles de santé',
    security_and_accountability: 'Sécurité et traçabilité',
    staff_administration: "Gérer l'équipe et ses accès",
    rights_requests: 'Répondre aux demandes des patients sur leurs données',
  },
};

const BASES: Record<Lang, Record<string, string>> = {
  en: {
    health_care: 'Medical care by a health professional bound by secrecy (health data)',
    contract: "A contract with the person (the care a patient asks for, a staff member's work)",
    legal_obligation: 'A legal obligation of the practice',
    legitimate_interests: 'The legitimate interests of the practice',
    consent: 'Consent (may be withdrawn at any time)',
    vital_interests: 'Vital interests',
  },
  fr: {
    health_care: 'Soins par un professionnel de santé tenu au secret (données de santé)',
    contract: 'Un contrat avec la personne (les soins demandés par le patient, le travail d’un membre du personnel)',
    legal_obligation: 'Une obligation légale du cabinet',
    legitimate_interests: 'Les intérêts légitimes du cabinet',
    consent: 'Le consentement (retirable à tout moment)',
    vital_interests: 'Les intérêts vitaux',
  },
};

const SUBJECTS: Record<Lang, Record<string, string>> = {
  en: { patients: 'patients', guardians: 'guardians of minors', staff: 'staff' },
  fr: { patients: 'patients', guardians: 'tuteurs des mineurs', staff: 'personnel' },
};

/** The record as a readable A4 PDF (pdfkit's built-in Helvetica: nothing fetched, nothing embedded from elsewhere). */
export function processingRecordPdf(record: ProcessingRecord, lang: Lang): Promise<Buffer> {
  const w = WORDS[lang];
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${w.title} — ${record.controller.name}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(18).text(w.title);
  doc.font('Helvetica').fontSize(10).fillColor('#444').text(w.subtitle).moveDown();
  doc.fillColor('#000');
  const c = record.controller;
  line(doc, w.controller, [c.name, c.address, c.email, c.phone].filter(Boolean).join(' · '));
  line(
    doc,
    w.processor,
    `${record.processor.name}${record.processor.contactEmail ? ` · ${record.processor.contactEmail}` : ''}`,
  );
  line(doc, w.generated, `${record.generatedAt.slice(0, 16).replace('T', ' ')} UTC`);
  doc.moveDown();

  for (const a of record.activities) {
    if (doc.y > doc.page.height - 200) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12).text(`${a.description}`);
    doc.font('Helvetica').fontSize(9).fillColor('#555').text(`${w.category}: ${a.category} (${a.module})`);
    doc.fillColor('#000');
    line(doc, w.subjects, a.dataSubjects.map((s) => SUBJECTS[lang][s] ?? s).join(', '));
    line(doc, w.purposes, a.purposes.map((p) => PURPOSES[lang][p] ?? p).join('; '));
    line(doc, w.bases, a.legalBases.map((b) => BASES[lang][b] ?? b).join('; '));
    if (a.specialCategory) doc.font('Helvetica-Oblique').fontSize(10).text(w.special);
    line(doc, w.retention, `${a.keptFor}. ${a.why}`);
    if (a.rule) line(doc, w.rule, w.days(a.rule.defaultDays, a.rule.floorDays, a.rule.from));
    line(doc, w.recipients, a.recipients.map((r) => `${r.name} (${r.location})`).join('; ') || w.none);
    line(
      doc,
      w.transfers,
      a.transfers.map((r) => `${r.name}: ${r.location}${r.safeguards ? ` (${r.safeguards})` : ''}`).join('; ') ||
        w.none,
    );
    doc.moveDown(0.8);
  }
  if (record.pendingModules.length > 0) {
    doc.moveDown();
    line(doc, w.pending, record.pendingModules.join(', '));
  }
  doc.end();
  return done;
}

function line(doc: PDFKit.PDFDocument, label: string, value: string) {
  doc.font('Helvetica-Bold').fontSize(10).text(`${label}: `, { continued: true });
  doc.font('Helvetica').text(value);
}
