// Timestamped progress lines on stderr (stdout carries the test runner's report).
const start = Date.now();
let prefix = 'e2e';

/** The word each line starts with ("e2e" by default). */
export function setLogPrefix(word) {
  prefix = word;
}

export function log(...parts) {
  const now = new Date();
  const clock = now.toISOString().slice(11, 19);
  const elapsed = ((now.getTime() - start) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${prefix} ${clock} +${elapsed}s] ${parts.join(' ')}\n`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
