import PDFDocument from 'pdfkit';
import { crc32, deflateSync } from 'node:zlib';
import type { SeededRandom } from './random.js';

/**
 * Made-up documents for the demo's clinical records: a bitewing x-ray drawn as a greyscale PNG
 * (bright crowns and fillings, greyer roots, dark gaps, film grain) and a one-page referral letter
 * as a PDF. Nothing here resembles a real patient's image; it is only enough for the Documents tab
 * to show what a practice keeps there.
 */

const WIDTH = 640;
const HEIGHT = 400;

/** A bitewing: an upper and a lower row of four teeth meeting at the bite, with a filling or two. */
export function bitewingPng(rng: SeededRandom): Buffer {
  const random = rng.next;
  const grey = new Uint8Array(WIDTH * HEIGHT);
  const bite = HEIGHT / 2;
  const teeth = [0, 1, 2, 3].map((i) => ({
    centre: 90 + i * 150 + (random() - 0.5) * 16,
    halfWidth: 58 + random() * 10,
    fillingUpper: random() < 0.35,
    fillingLower: random() < 0.35,
  }));
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      // Soft tissue: a dim glow strongest at the bite.
      let value = 28 + 30 * Math.exp(-(((y - bite) / 150) ** 2));
      for (const tooth of teeth) {
        const dx = Math.abs(x - tooth.centre) / tooth.halfWidth;
        const fromBite = Math.abs(y - bite);
        if (fromBite < 4) continue; // the gap between the rows
        // Crown: wide near the bite, narrowing into the root further away.
        const width = fromBite < 110 ? 1 - (fromBite / 110) ** 4 * 0.25 : Math.max(0, 0.75 - (fromBite - 110) / 160);
        if (dx < width) {
          const enamel = fromBite < 95 ? 150 + 70 * (1 - dx) : 110 + 40 * (1 - dx);
          const pulp = dx < 0.18 && fromBite > 55 ? -55 : 0;
          const upper = y < bite;
          const filled =
            (upper ? tooth.fillingUpper : tooth.fillingLower) && dx < 0.45 && fromBite > 10 && fromBite < 45;
          value = filled ? 250 : Math.max(value, enamel + pulp);
        }
      }
      const grain = (random() - 0.5) * 18;
      grey[y * WIDTH + x] = Math.max(0, Math.min(255, Math.round(value + grain)));
    }
  }
  return encodeGreyscalePng(grey, WIDTH, HEIGHT);
}

/** PNG, 8-bit greyscale, one deflated IDAT. */
function encodeGreyscalePng(pixels: Uint8Array, width: number, height: number): Buffer {
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0; // filter: none
    rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A referral to an orthodontist, as a practice writes one: letterhead, the patient, the reason. */
export function referralLetterPdf(input: {
  practiceName: string;
  practiceAddress: string;
  patientName: string;
  dateOfBirth: string | null;
  dentistName: string;
  date: string;
}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: 'Referral letter', Author: input.practiceName },
    });
    const parts: Buffer[] = [];
    doc.on('data', (part: Buffer) => parts.push(part));
    doc.on('end', () => resolve(Buffer.concat(parts)));
    doc.on('error', reject);
    doc.fontSize(16).text(input.practiceName);
    doc.fontSize(10).fillColor('#555555').text(input.practiceAddress).moveDown(2);
    doc.fillColor('#000000').fontSize(11).text(input.date, { align: 'right' }).moveDown();
    doc.text('To the orthodontist,').moveDown();
    doc.text(`Re: ${input.patientName}${input.dateOfBirth ? `, born ${input.dateOfBirth}` : ''}`, { underline: true });
    doc.moveDown();
    doc.text(
      'Thank you for seeing this patient for an orthodontic assessment. Crowding of the lower incisors and a ' +
        'deep overbite were noted at the last check-up; oral hygiene is good and there is no active decay. ' +
        'Recent bitewing radiographs are attached to the record and can be sent on request.',
    );
    doc.moveDown();
    doc.text('With kind regards,').moveDown(2);
    doc.text(input.dentistName);
    doc.fontSize(8).fillColor('#777777').moveDown(4).text('Demo document: made-up patient, for trying DentalPro.');
    doc.end();
  });
}
