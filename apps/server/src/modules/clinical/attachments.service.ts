import { randomUUID } from 'node:crypto';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MIME_TYPES,
  type Attachment,
  type AttachmentUpload,
} from '@dentalpro/contracts';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { sha256 } from '../../platform/crypto.js';
import { openForPractice, sealForPractice } from '../../platform/data-keys.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { type FileStore, fileStoreOf } from '../../platform/file-store.js';
import { type ClinicalCall, openPatientRecord, requirePatient, userNames } from './patient-record.js';
import { attachmentAad } from './sealing.js';

/**
 * Attachments (x-rays, photos, PDFs): the type is decided by the file's first bytes, not by what
 * the browser declared; bytes are sealed under the practice's data key before they reach the
 * file store; the row keeps the metadata and the SHA-256 of the plaintext.
 */

type MimeType = (typeof ATTACHMENT_MIME_TYPES)[number];
/** Where an attachment's sealed bytes are kept in the file store. */
const attachmentKey = (practiceId: string, attachmentId: string) => `${practiceId}/${attachmentId}`;

const SIGNATURES: { mime: MimeType; magic: number[]; label: string }[] = [
  { mime: 'image/jpeg', magic: [0xff, 0xd8, 0xff], label: 'a JPEG image' },
  { mime: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], label: 'a PNG image' },
  { mime: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d], label: 'a PDF document' },
];

/** The allowed type these bytes really are, or undefined. */
export function sniffMimeType(bytes: Buffer): MimeType | undefined {
  return SIGNATURES.find((s) => bytes.length >= s.magic.length && s.magic.every((b, i) => bytes[i] === b))?.mime;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes and checks an upload: size (413) and type, declared and actual (415). */
export function checkUpload(upload: { mimeType: string; contentBase64: string }): {
  bytes: Buffer;
  mimeType: MimeType;
} {
  const text = upload.contentBase64.replace(/\s/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'contentBase64', code: 'base64_invalid', message: 'The file content is not valid base64' }],
    });
  }
  const size = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (size > ATTACHMENT_MAX_BYTES) {
    throw new AppError('attachment_too_large', {
      detail: `The file is ${(size / 1048576).toFixed(1)} MB; the limit is ${ATTACHMENT_MAX_BYTES / 1048576} MB`,
    });
  }
  if (size === 0)
    throw new AppError('validation_failed', {
      errors: [{ path: 'contentBase64', code: 'file_empty', message: 'The file is empty' }],
    });
  const declared = upload.mimeType.toLowerCase() === 'image/jpg' ? 'image/jpeg' : upload.mimeType.toLowerCase();
  if (!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(declared)) {
    throw new AppError('attachment_type_not_allowed', {
      detail: `${upload.mimeType} files are not accepted; attach a JPEG, PNG or PDF`,
    });
  }
  const bytes = Buffer.from(text, 'base64');
  const actual = sniffMimeType(bytes);
  if (actual !== declared) {
    const expected = SIGNATURES.find((s) => s.mime === declared)!.label;
    throw new AppError('attachment_type_not_allowed', {
      detail: `The file is not ${expected}${actual ? ` (it looks like ${SIGNATURES.find((s) => s.mime === actual)!.label})` : ''}; attach a JPEG, PNG or PDF`,
    });
  }
  return { bytes, mimeType: actual };
}

type AttachmentRow = {
  id: string;
  patientId: string;
  kind: Attachment['kind'];
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: Buffer;
  uploadedBy: string | null;
  uploadedAt: Date;
};
const COLUMNS = [
  'id',
  'patientId',
  'kind',
  'fileName',
  'mimeType',
  'sizeBytes',
  'sha256',
  'uploadedBy',
  'uploadedAt',
] as const;

async function toAttachments(tx: Tx, rows: AttachmentRow[]): Promise<Attachment[]> {
  const names = await userNames(
    tx,
    rows.map((r) => r.uploadedBy),
  );
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patientId,
    kind: r.kind,
    fileName: r.fileName,
    mimeType: r.mimeType as MimeType,
    sizeBytes: r.sizeBytes,
    sha256: r.sha256.toString('hex'),
    uploadedBy: r.uploadedBy,
    uploadedByName: r.uploadedBy ? (names.get(r.uploadedBy) ?? null) : null,
    uploadedAt: r.uploadedAt.toISOString(),
  }));
}

/** check the file → seal it → metadata row + audit → store the sealed bytes; a failed commit removes the file. */
export async function uploadAttachment(
  ctx: AppContext,
  input: ClinicalCall & { upload: z.output<typeof AttachmentUpload>; files?: FileStore },
): Promise<Attachment> {
  requirePermission(input.actor, 'clinical:write');
  const { bytes, mimeType } = checkUpload(input.upload);
  const files = input.files ?? fileStoreOf(ctx);
  const id = randomUUID();
  const key = attachmentKey(input.practiceId, id);
  let stored = false;
  try {
    return await inPractice(ctx.db, input.practiceId, async (tx) => {
      await requirePatient(tx, input.patientId);
      const sealed = await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, bytes, attachmentAad(id));
      const row = await tx
        .insertInto('attachments')
        .values({
          id,
          practiceId: input.practiceId,
          patientId: input.patientId,
          kind: input.upload.kind,
          fileName: input.upload.fileName.replace(/[\\/\p{Cc}]/gu, '_'),
          mimeType,
          sizeBytes: bytes.length,
          sha256: sha256(bytes),
          storageKey: key,
          uploadedBy: input.actor.userId,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'clinical.document_attached',
        targetType: 'patient',
        targetId: input.patientId,
        changes: { attachmentId: id, kind: input.upload.kind, mimeType, sizeBytes: bytes.length },
      });
      await files.put(key, sealed);
      stored = true;
      return (await toAttachments(tx, [row]))[0]!;
    });
  } catch (e) {
    if (stored) await files.delete(key).catch(() => undefined);
    throw e;
  }
}

/** A patient's documents, newest first: a read of the clinical record (audited). */
export async function listAttachments(ctx: AppContext, input: ClinicalCall): Promise<Attachment[]> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await openPatientRecord(tx, input, 'documents');
    const rows = await tx
      .selectFrom('attachments')
      .select(COLUMNS)
      .where('patientId', '=', input.patientId)
      .orderBy('uploadedAt', 'desc')
      .orderBy('id')
      .execute();
    return toAttachments(tx, rows);
  });
}

/** The decrypted bytes of one document; each opening is audited as clinical.document_opened. */
export async function openAttachment(
  ctx: AppContext,
  input: ClinicalCall & { attachmentId: string; files?: FileStore },
): Promise<{ attachment: Attachment; bytes: Buffer }> {
  requirePermission(input.actor, 'clinical:read');
  const files = input.files ?? fileStoreOf(ctx);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, input.patientId);
    const row = await tx
      .selectFrom('attachments')
      .select([...COLUMNS, 'storageKey'])
      .where('id', '=', input.attachmentId)
      .where('patientId', '=', input.patientId)
      .executeTakeFirst();
    if (!row) throw new AppError('attachment_not_found');
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.document_opened',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { attachmentId: row.id, kind: row.kind, section: 'documents' },
    });
    const bytes = await openForPractice(
      tx,
      ctx.config.encryptionKey,
      input.practiceId,
      await files.get(row.storageKey),
      attachmentAad(row.id),
    );
    if (!sha256(bytes).equals(row.sha256)) throw new Error(`Attachment ${row.id} does not match its checksum`);
    return { attachment: (await toAttachments(tx, [row]))[0]!, bytes };
  });
}
