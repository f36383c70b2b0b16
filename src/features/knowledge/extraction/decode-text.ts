import { ExtractionFailed } from './blocks.js';

/**
 * Text must be UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark. Anything else — a
 * legacy code page, or a file mixing encodings — is refused rather than indexed as mojibake, with the byte
 * offset of the first invalid sequence so the owner can find it.
 */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = decodeStrict(bytes.subarray(2), 'utf-16le');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = decodeStrict(bytes.subarray(2), 'utf-16be');
  else {
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    text = decodeStrict(body, 'utf-8');
  }
  // NUL and most C0 controls never occur in text documents; their presence means a binary file.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const controls = text.slice(0, 65536).match(/[\0-\x08\x0e-\x1a\x1c-\x1f]/g)?.length ?? 0;
  if (controls > 0) {
    throw new ExtractionFailed(
      'The file contains binary data (control characters), so it is not a text document. Supported formats: PDF, DOCX, Markdown, HTML and plain text.',
    );
  }
  if (text.trim() === '') throw new ExtractionFailed('The file contains no text.');
  return text;
}

function decodeStrict(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = encoding === 'utf-8' ? firstInvalidUtf8(bytes) : undefined;
    throw new ExtractionFailed(
      `The text is not valid ${encoding.toUpperCase()}${offset === undefined ? '' : ` (first invalid byte at offset ${offset})`}: it is in an unknown or mixed encoding. Convert it to UTF-8 and upload it again.`,
    );
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Binary search on prefix validity would be wrong for a sequence cut in half, so walk the sequences instead.
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    const length = byte < 0x80 ? 1 : byte >> 5 === 0b110 ? 2 : byte >> 4 === 0b1110 ? 3 : byte >> 3 === 0b11110 ? 4 : 0;
    if (length === 0) return index;
    try {
      decoder.decode(bytes.subarray(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return undefined;
}
