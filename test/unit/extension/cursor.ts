/** Test texts mark the cursor with ‸; returns the text without it and the cursor's offset. */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('‸');
  if (offset < 0 || marked.indexOf('‸', offset + 1) >= 0) throw new Error(`mark the cursor once with ‸: ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
