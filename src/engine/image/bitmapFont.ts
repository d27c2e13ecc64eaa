/**
 * A 5 × 7 pixel font for the static image's labels (numbers, node names,
 * titles): the image is drawn without a browser, so it carries its own
 * letters. Each glyph is seven rows, top first; each row a base-32 digit
 * whose five bits, high bit leftmost, are its pixels. The letters with a
 * descender (g, p, q, y) are drawn two rows lower, below the baseline.
 */

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** A glyph and the column of space after it. */
export const GLYPH_ADVANCE = GLYPH_WIDTH + 1;

const ROWS: Readonly<Record<string, string>> = {
  0: 'ehjlphe', 1: '4c4444e', 2: 'eh1248v', 3: 'v2421he', 4: '26aiv22', 5: 'vgu11he', 6: '68guhhe', 7: 'v124888',
  8: 'ehhehhe', 9: 'ehhf12c', A: 'ehhvhhh', B: 'uhhuhhu', C: 'ehggghe', D: 'sihhhis', E: 'vgguggv', F: 'vgguggg',
  G: 'ehgnhhf', H: 'hhhvhhh', I: 'e44444e', J: '72222ic', K: 'hikokih', L: 'ggggggv', M: 'hrllhhh', N: 'hhpljhh',
  O: 'ehhhhhe', P: 'uhhuggg', Q: 'ehhhlid', R: 'uhhukih', S: 'fgge11u', T: 'v444444', U: 'hhhhhhe', V: 'hhhhha4',
  W: 'hhhllla', X: 'hha4ahh', Y: 'hha4444', Z: 'v1248gv', a: '00e1fhf', b: 'ggmphhu', c: '00egghe', d: '11djhhf',
  e: '00ehvge', f: '698s888', g: 'fhhhf1e', h: 'ggmphhh', i: '40c444e', j: '20622ic', k: 'ggikoki', l: 'c44444e',
  m: '00qllhh', n: '00mphhh', o: '00ehhhe', p: 'uhhhugg', q: 'fhhhf11', r: '00mpggg', s: '00ege1u', t: '88s8896',
  u: '00hhhjd', v: '00hhha4', w: '00hhlla', x: '00ha4ah', y: 'hhhhf1e', z: '00v248v', ".": '00000cc', ",": '0000c48',
  "-": '000v000', "+": '044v440', "=": '00v0v00', _: '000000v', "(": '2488842', ")": '8422248', "[": 'e88888e', "]": 'e22222e',
  ";": '0cc0c48', ":": '0cc0cc0', "/": '01248g0', "%": 'op248j3', "!": '4444404', "?": 'eh12404', "<": '248g842', ">": '8421248', "'": '4480000',
  "*": '04lel40', "|": '4444444', "#": 'aavavaa',
};

/** Rows a glyph is drawn below the others: descenders go under the baseline. */
export function glyphDrop(character: string): number {
  return DESCENDERS.has(character) ? 2 : 0;
}

const DESCENDERS = new Set(['g', 'p', 'q', 'y']);

/** Characters the font lacks are drawn as '?', so a label never silently loses a letter. */
const FALLBACK = ROWS['?']!;

/** The glyph's rows as bit masks (bit 4 is the leftmost pixel); a space is empty. */
export function glyphRows(character: string): readonly number[] {
  if (character === ' ') return EMPTY;
  const rows = ROWS[character] ?? FALLBACK;
  return [...rows].map((digit) => parseInt(digit, 32));
}

const EMPTY: readonly number[] = [0, 0, 0, 0, 0, 0, 0];

/** The width in pixels of `text` in this font. */
export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * GLYPH_ADVANCE - 1;
}
