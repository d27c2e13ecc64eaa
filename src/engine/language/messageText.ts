/**
 * Text from inputs (model text, data files, file names) inside messages: a
 * message may quote the offending token, but it must stay one short, plain
 * line whatever the input holds. Control characters (a terminal would obey
 * ESC sequences), bidirectional overrides (they reorder what is shown) and
 * unpaired surrogates are written as \u{…} escapes; a quoted token longer
 * than a few dozen characters is cut.
 */

/**
 * C0 and C1 controls and DEL; bidirectional marks, embeddings, overrides and isolates; the line
 * and paragraph separators; the byte-order mark; and (with the u flag, which reads a surrogate
 * pair as one character) unpaired surrogates.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/gu;

const escape = (c: string): string => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`;

/** The text with its unprintable characters escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/** The longest quoted input kept whole. */
const QUOTED_LIMIT = 40;

/** An input token as a message quotes it: printable, and cut after QUOTED_LIMIT characters. */
export function quoted(token: string): string {
  const cut = token.length > QUOTED_LIMIT ? `${token.slice(0, QUOTED_LIMIT)}… (${token.length} characters)` : token;
  return `'${printable(cut)}'`;
}

/** The longest message kept whole: a message quotes one token and says where it is. */
const MESSAGE_LIMIT = 600;

/**
 * A message built around inputs (the tokens in it quoted by quoted()), made safe as a whole:
 * unprintable characters escaped and the message cut at MESSAGE_LIMIT.
 */
export function boundedMessage(message: string): string {
  return printable(message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message);
}
