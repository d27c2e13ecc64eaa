/**
 * A short fingerprint of an output item's text (FNV-1a over its UTF-16 code
 * units, with its length), by which the renderer names an output to the
 * extension host: the stable API gives the host no output ids, but both sides
 * hold the same JSON text.
 */
export function textFingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length.toString(36)}-${hash.toString(36)}`;
}
