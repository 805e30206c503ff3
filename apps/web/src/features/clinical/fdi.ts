/**
 * FDI tooth numbering for drawing the chart. The server is the judge of what is valid
 * (invalid_tooth / invalid_surface); this only knows enough to lay the chart out and label it.
 */

export type StoredSurface = 'M' | 'O' | 'I' | 'D' | 'B' | 'L';

/** Chart rows as the dentist faces the patient: the patient's right is on the left of the screen. */
export const PERMANENT_ROWS = {
  upper: [18, 17, 16, 15, 14, 13, 12, 11, 21, 22, 23, 24, 25, 26, 27, 28],
  lower: [48, 47, 46, 45, 44, 43, 42, 41, 31, 32, 33, 34, 35, 36, 37, 38],
};
export const PRIMARY_ROWS = {
  upper: [55, 54, 53, 52, 51, 61, 62, 63, 64, 65],
  lower: [85, 84, 83, 82, 81, 71, 72, 73, 74, 75],
};

export function isAnterior(tooth: number): boolean {
  return tooth % 10 <= 3;
}

export function isUpper(tooth: number): boolean {
  return [1, 2, 5, 6].includes(Math.floor(tooth / 10));
}

/** Quadrants 1, 4, 5, 8 are drawn left of the midline, so their mesial side faces right. */
export function mesialOnRight(tooth: number): boolean {
  return [1, 4, 5, 8].includes(Math.floor(tooth / 10));
}

/** The five surfaces of a tooth, stored letters: the centre is O on back teeth, I on incisors and canines. */
export function surfacesOfTooth(tooth: number): StoredSurface[] {
  return ['M', isAnterior(tooth) ? 'I' : 'O', 'D', 'B', 'L'];
}

/** The letter a chart shows: B reads F on anterior teeth, L reads P on upper teeth. */
export function surfaceLetter(tooth: number, surface: StoredSurface): string {
  if (surface === 'B' && isAnterior(tooth)) return 'F';
  if (surface === 'L' && isUpper(tooth)) return 'P';
  return surface;
}

/** The translation key of a surface's name on a tooth (mesial, occlusal, incisal, buccal, facial, lingual, palatal). */
export function surfaceNameKey(tooth: number, surface: StoredSurface): string {
  const letter = surfaceLetter(tooth, surface);
  return `clinical.surface.${letter}`;
}

export function orderSurfaces(surfaces: Iterable<StoredSurface>): StoredSurface[] {
  const set = new Set(surfaces);
  return (['M', 'O', 'I', 'D', 'B', 'L'] as const).filter((s) => set.has(s));
}
