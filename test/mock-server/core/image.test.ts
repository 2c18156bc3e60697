import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { colourName, firstPixel, imageColour } from '../../../mock-server/core/image.js';
import { solidPng, solidPngDataUrl } from '../../../suites/wire/png.js';

describe('the mock reads the colour of an inline PNG', () => {
  it.each([
    [[255, 0, 0], 'red'],
    [[0, 128, 0], 'green'],
    [[0, 0, 255], 'blue'],
    [[255, 255, 0], 'yellow'],
    [[0, 0, 0], 'black'],
    [[255, 255, 255], 'white'],
  ] as const)('%j is %s', (rgb, name) => {
    expect(firstPixel(solidPng(rgb))).toEqual(rgb);
    expect(imageColour(solidPngDataUrl(rgb))).toBe(name);
  });

  it('names the nearest colour for an off-shade', () => {
    expect(colourName(200, 30, 40)).toBe('red');
    expect(colourName(120, 120, 130)).toBe('gray');
  });

  it('gives null, never an exception, for what it cannot read', () => {
    expect(imageColour('https://example.com/cat.png')).toBeNull();
    expect(imageColour('data:image/jpeg;base64,/9j/4AAQ')).toBeNull();
    expect(imageColour('data:image/png;base64,not-a-png')).toBeNull();
    const png = solidPng([255, 0, 0]);
    expect(firstPixel(png.subarray(0, 40))).toBeNull(); // truncated
  });

  it('refuses to inflate a decompression bomb', () => {
    const png = solidPng([255, 0, 0]);
    // Swap the IDAT for 64 MB of zeros compressed to a few KB.
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    const ihdrEnd = 8 + 12 + 13;
    const idat = Buffer.alloc(12 + bomb.length);
    idat.writeUInt32BE(bomb.length, 0);
    idat.write('IDAT', 4, 'latin1');
    bomb.copy(idat, 8);
    const crafted = Buffer.concat([png.subarray(0, ihdrEnd), idat]);
    expect(firstPixel(crafted)).toBeNull();
  });
});
