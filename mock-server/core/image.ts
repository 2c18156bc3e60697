// Just enough vision for a mock: the colour of an inline PNG, so "What colour is this
// image?" gets the answer a real vision model gives. The first pixel is read: every PNG
// filter leaves the first pixel of the first row unchanged, so no unfiltering is needed,
// and for the solid images probes send it is the colour. Pure, bounded, never throws.
import { inflateSync } from 'node:zlib';

/** Inline images larger than this are not decoded (base64 characters). */
const MAX_DATA_URL_CHARS = 2 * 1024 * 1024;
/** A guard against decompression bombs. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

const NAMED: readonly [string, number, number, number][] = [
  ['red', 220, 20, 20],
  ['green', 20, 160, 40],
  ['blue', 20, 40, 220],
  ['yellow', 240, 220, 30],
  ['orange', 250, 140, 20],
  ['purple', 130, 40, 160],
  ['pink', 250, 150, 190],
  ['brown', 130, 80, 30],
  ['black', 0, 0, 0],
  ['white', 255, 255, 255],
  ['gray', 128, 128, 128],
  ['cyan', 20, 210, 220],
];

/** The nearest common colour name for an RGB value. */
export function colourName(r: number, g: number, b: number): string {
  let best = NAMED[0]!;
  let bestDistance = Infinity;
  for (const named of NAMED) {
    const d = (named[1] - r) ** 2 + (named[2] - g) ** 2 + (named[3] - b) ** 2;
    if (d < bestDistance) {
      best = named;
      bestDistance = d;
    }
  }
  return best[0];
}

/** The RGB of the first pixel of a PNG, or null when it is not an 8-bit PNG we can read. */
export function firstPixel(png: Buffer): [number, number, number] | null {
  try {
    if (png.length < 33 || png.readUInt32BE(0) !== 0x89504e47) return null;
    let at = 8;
    let colourType = -1;
    let bitDepth = 0;
    let palette: Buffer | undefined;
    const data: Buffer[] = [];
    while (at + 8 <= png.length) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const body = png.subarray(at + 8, at + 8 + length);
      if (type === 'IHDR') {
        bitDepth = body[8] ?? 0;
        colourType = body[9] ?? -1;
      } else if (type === 'PLTE') palette = body;
      else if (type === 'IDAT') data.push(body);
      else if (type === 'IEND') break;
      at += 12 + length;
    }
    if (bitDepth !== 8 || data.length === 0) return null;
    const raw = inflateSync(Buffer.concat(data), { maxOutputLength: MAX_INFLATED_BYTES });
    const p = raw.subarray(1); // after the first row's filter byte
    switch (colourType) {
      case 0:
      case 4:
        return [p[0]!, p[0]!, p[0]!];
      case 2:
      case 6:
        return [p[0]!, p[1]!, p[2]!];
      case 3: {
        const i = (p[0] ?? 0) * 3;
        return palette && palette.length >= i + 3 ? [palette[i]!, palette[i + 1]!, palette[i + 2]!] : null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** The colour name of an inline `data:image/png;base64,...` URL, or null. */
export function imageColour(url: string): string | null {
  const match = /^data:image\/png;base64,/i.exec(url);
  if (!match || url.length > MAX_DATA_URL_CHARS) return null;
  const pixel = firstPixel(Buffer.from(url.slice(match[0].length), 'base64'));
  return pixel ? colourName(...pixel) : null;
}
