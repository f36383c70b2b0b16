import { type DocumentFormat, ExtractionFailed } from './blocks.js';
import { decodeText } from './decode-text.js';

export interface DetectedType {
  format: DocumentFormat;
  mediaType: string;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));

/** Binary formats we recognise only to refuse them with a useful message. */
const refused: Array<{ signature: number[]; offset?: number; message: string }> = [
  { signature: [0x7f, 0x45, 0x4c, 0x46], message: 'an executable program (ELF)' },
  { signature: ascii('MZ'), message: 'an executable program (Windows PE)' },
  { signature: [0xfe, 0xed, 0xfa, 0xce], message: 'an executable program (Mach-O)' },
  { signature: [0xfe, 0xed, 0xfa, 0xcf], message: 'an executable program (Mach-O)' },
  { signature: [0xcf, 0xfa, 0xed, 0xfe], message: 'an executable program (Mach-O)' },
  { signature: [0xce, 0xfa, 0xed, 0xfe], message: 'an executable program (Mach-O)' },
  { signature: [0xca, 0xfe, 0xba, 0xbe], message: 'an executable program or Java class file' },
  { signature: ascii('\0asm'), message: 'a WebAssembly module' },
  {
    signature: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    message: 'a legacy Office file (.doc/.xls); save it as .docx',
  },
  { signature: [0x89, 0x50, 0x4e, 0x47], message: 'a PNG image' },
  { signature: [0xff, 0xd8, 0xff], message: 'a JPEG image' },
  { signature: ascii('GIF8'), message: 'a GIF image' },
  { signature: [0x1f, 0x8b], message: 'a gzip archive' },
  { signature: ascii('7z'), message: 'a 7-Zip archive' },
  { signature: ascii('Rar!'), message: 'a RAR archive' },
  { signature: ascii('ustar'), offset: 257, message: 'a tar archive' },
  { signature: ascii('{\\rtf'), message: 'an RTF document; save it as .docx' },
];

/**
 * The document's format from its content (magic bytes), never from its name. Text formats are told apart by
 * what the text looks like: HTML by its tags, Markdown by its headings or fences, anything else is plain text.
 */
export function detectType(bytes: Uint8Array): DetectedType {
  if (bytes.length === 0) throw new ExtractionFailed('The file is empty.');
  // PDF readers accept the header anywhere in the first kilobyte.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return { format: 'pdf', mediaType: 'application/pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    // The DOCX check (word/document.xml inside) happens when the archive is opened.
    return {
      format: 'docx',
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    };
  }
  for (const candidate of refused) {
    if (startsWith(bytes, candidate.signature, candidate.offset)) {
      throw new ExtractionFailed(
        `The file is ${candidate.message}, not a document. Supported formats: PDF, DOCX, Markdown, HTML and plain text.`,
      );
    }
  }
  const text = decodeText(bytes);
  return detectTextFormat(text);
}

export function detectTextFormat(text: string): DetectedType {
  const start = text.slice(0, 4096).trimStart().toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<!doctype html/.test(start) || /^<html[\s>]/.test(start)) {
    return { format: 'html', mediaType: 'text/html' };
  }
  if (/<(head|body)[\s>]/.test(start) && /<\/(p|div|h[1-6]|body)>/.test(text.slice(0, 65536).toLowerCase())) {
    return { format: 'html', mediaType: 'text/html' };
  }
  if (/^#{1,6}[ \t]+\S/m.test(text) || /^(```|~~~)/m.test(text) || /^\S.*\n(=+|-+)[ \t]*$/m.test(text)) {
    return { format: 'markdown', mediaType: 'text/markdown' };
  }
  return { format: 'text', mediaType: 'text/plain' };
}
