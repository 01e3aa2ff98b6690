/**
 * base64url without padding (RFC 4648 §5): the alphabet A-Z a-z 0-9 - _, safe in a URL fragment,
 * in Markdown and in mail clients. Pure, so the CLI and the tests use the same code as the app.
 */

const ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

export function toBase64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >> 18]! +
      ALPHABET[(n >> 12) & 63]! +
      ALPHABET[(n >> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** The bytes, or a message naming what is wrong (the first bad character and where it is). */
export function fromBase64url(text: string): Uint8Array | string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || INDEX[c]! < 0)
      return `malformed base64url: character ${i + 1} (${JSON.stringify(text[i])}) is not one of A-Z a-z 0-9 - _`;
  }
  if (text.length % 4 === 1)
    return `malformed base64url: ${text.length} characters cannot encode whole bytes (the link may be cut short)`;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < text.length; i += 4) {
    const n =
      (INDEX[text.charCodeAt(i)]! << 18) |
      (INDEX[text.charCodeAt(i + 1)]! << 12) |
      (INDEX[text.charCodeAt(i + 2)]! << 6) |
      INDEX[text.charCodeAt(i + 3)]!;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = text.length - i;
  if (rest >= 2) {
    let n =
      (INDEX[text.charCodeAt(i)]! << 18) |
      (INDEX[text.charCodeAt(i + 1)]! << 12);
    if (rest === 3) n |= INDEX[text.charCodeAt(i + 2)]! << 6;
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out.subarray(0, o);
}
