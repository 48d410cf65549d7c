/** One replacement that turns `oldText` into `newText`: `oldText[from, to)` becomes `insert`. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/**
 * The smallest single replacement between two texts (common prefix and suffix kept), or null when
 * they are equal. Replacing only the changed middle lets the editor map the cursor, selection and
 * scroll position through an outside edit instead of resetting them with the whole document.
 * Never splits a UTF-16 surrogate pair, so the kept parts stay valid text.
 */
export function minimalChange(oldText: string, newText: string): TextChange | null {
  if (oldText === newText) return null;
  const shorter = Math.min(oldText.length, newText.length);
  let prefix = 0;
  while (prefix < shorter && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(oldText.charCodeAt(prefix - 1))) prefix--;
  // The suffix may not reach into the prefix: with repeated text ("aa" → "aaa") both would claim it.
  const maxSuffix = shorter - prefix;
  let suffix = 0;
  while (
    suffix < maxSuffix &&
    oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(oldText.charCodeAt(oldText.length - suffix))) suffix--;
  return {
    from: prefix,
    to: oldText.length - suffix,
    insert: newText.slice(prefix, newText.length - suffix),
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
