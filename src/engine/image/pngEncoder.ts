import { deflateSync } from 'node:zlib';
import type { Raster } from './raster';

/**
 * A raster as a PNG file (8-bit RGB, no interlace), with Node's zlib for the
 * compression: flat plot colours compress to a few tens of kilobytes. Rows
 * use the "Sub" filter (each byte minus the one a pixel to its left), which
 * turns runs of one colour into runs of zeros. Text chunks (tEXt, Latin-1)
 * say what made the image.
 */
export function encodePng(raster: Raster, text: Readonly<Record<string, string>> = {}): Uint8Array {
  const { width, height, pixels } = raster;
  const stride = width * 3;
  const filtered = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    filtered[row] = SUB_FILTER;
    for (let i = 0; i < stride; i++) {
      const value = pixels[y * stride + i]!;
      const left = i >= 3 ? pixels[y * stride + i - 3]! : 0;
      filtered[row + 1 + i] = (value - left) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, COLOUR_TYPE_RGB, 0, 0, 0], 8);
  const texts = Object.entries(text).map(([keyword, value]) => chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1')));
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), ...texts, chunk('IDAT', deflateSync(filtered)), chunk('IEND', Buffer.alloc(0))]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_TYPE_RGB = 2;
const SUB_FILTER = 1;

/** A chunk: its length, type, data and the CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG defines it (polynomial 0xEDB88320, reflected). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
