import { getDocumentProxy } from 'unpdf';
import { type Block, ExtractionFailed, tidyText } from './blocks.js';

interface Line {
  page: number;
  text: string;
  size: number;
  y: number;
  monospace: boolean;
}

interface TextItemLike {
  str: string;
  transform: number[];
  height: number;
  fontName: string;
  hasEOL: boolean;
}

/**
 * PDF text with its page numbers (pdf.js through unpdf). Lines are rebuilt from positioned text runs; a line in a
 * clearly larger font than the body becomes a heading (levels by size), runs in a monospace font become code,
 * and a vertical gap ends a paragraph. Encrypted and damaged files fail with a reason.
 */
export async function pdfToBlocks(bytes: Uint8Array): Promise<{ pages: number; blocks: Block[] }> {
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given, so hand it a copy.
    document = await getDocumentProxy(new Uint8Array(bytes), {
      verbosity: 0,
      isEvalSupported: false,
      stopAtErrors: false,
    });
  } catch (error) {
    throw describePdfError(error);
  }
  try {
    const lines: Line[] = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
      const page = await document.getPage(pageNumber);
      const content = await page.getTextContent();
      const styles = content.styles as Record<string, { fontFamily?: string }>;
      let current: Line | undefined;
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        const item = raw as TextItemLike;
        const size = Math.round(Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0) * 10) / 10 || item.height;
        const y = item.transform[5] ?? 0;
        const monospace = styles[item.fontName]?.fontFamily === 'monospace';
        if (current && Math.abs(current.y - y) > Math.max(current.size, size) * 0.5) {
          lines.push(current);
          current = undefined;
        }
        if (!current) current = { page: pageNumber, text: '', size: 0, y, monospace: true };
        current.text += item.str;
        if (item.str.trim()) {
          current.size = Math.max(current.size, size);
          current.monospace &&= monospace;
        }
        if (item.hasEOL) {
          lines.push(current);
          current = undefined;
        }
      }
      if (current) lines.push(current);
      page.cleanup();
    }
    const pages = document.numPages;
    const blocks = linesToBlocks(lines.filter((line) => line.text.trim() !== ''));
    if (blocks.length === 0) {
      throw new ExtractionFailed(
        `The PDF has ${pages} page(s) but no extractable text (scanned images?). Text recognition (OCR) is not supported; upload a PDF with a text layer.`,
      );
    }
    return { pages, blocks };
  } catch (error) {
    throw error instanceof ExtractionFailed ? error : describePdfError(error);
  } finally {
    await document.destroy().catch(() => undefined);
  }
}

function describePdfError(error: unknown): ExtractionFailed {
  const name = (error as { name?: string }).name;
  const message = (error as Error).message ?? String(error);
  if (name === 'PasswordException') {
    return new ExtractionFailed('The PDF is encrypted (password-protected). Remove the password and upload it again.', {
      cause: error,
    });
  }
  if (name === 'InvalidPDFException' || name === 'FormatError' || name === 'UnknownErrorException') {
    return new ExtractionFailed(`The PDF is damaged and cannot be read (${message}).`, { cause: error });
  }
  return new ExtractionFailed(`The PDF cannot be read: ${message}`, { cause: error });
}

function linesToBlocks(lines: Line[]): Block[] {
  // The body font is the size carrying the most characters; headings are clearly larger, ranked by size.
  const charactersBySize = new Map<number, number>();
  for (const line of lines) charactersBySize.set(line.size, (charactersBySize.get(line.size) ?? 0) + line.text.length);
  const bodySize = [...charactersBySize.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const isHeading = (line: Line) => !line.monospace && line.size >= bodySize * 1.15 && line.text.trim().length <= 150;
  const headingSizes = [...new Set(lines.filter(isHeading).map((line) => line.size))].sort((a, b) => b - a);

  const blocks: Block[] = [];
  let paragraph: Line[] = [];
  let code: Line[] = [];
  const flushParagraph = () => {
    const text = tidyText(joinLines(paragraph.map((line) => line.text)));
    if (text) blocks.push({ kind: 'paragraph', text, page: paragraph[0]?.page ?? null });
    paragraph = [];
  };
  const flushCode = () => {
    if (code.length > 0) {
      blocks.push({
        kind: 'code',
        text: code.map((line) => line.text.trimEnd()).join('\n'),
        page: code[0]?.page ?? null,
      });
    }
    code = [];
  };

  for (const line of lines) {
    if (line.monospace) {
      flushParagraph();
      if (code.length > 0 && code.at(-1)?.page !== line.page) flushCode();
      code.push(line);
      continue;
    }
    flushCode();
    if (isHeading(line)) {
      flushParagraph();
      const level = Math.min(headingSizes.indexOf(line.size) + 1, 6);
      blocks.push({ kind: 'heading', level, text: tidyText(line.text), page: line.page });
      continue;
    }
    const previous = paragraph.at(-1);
    // A new page, or a gap of more than about one and a half lines, starts a new paragraph.
    if (previous && (previous.page !== line.page || previous.y - line.y > Math.max(previous.size, line.size) * 1.9)) {
      flushParagraph();
    }
    paragraph.push(line);
  }
  flushParagraph();
  flushCode();
  return blocks;
}

/** Joins wrapped lines with spaces, re-joining words hyphenated at a line end. */
function joinLines(lines: string[]): string {
  let text = '';
  for (const line of lines) {
    const trimmed = line.trim();
    if (!text) text = trimmed;
    else if (/[A-Za-z]-$/.test(text) && /^[a-z]/.test(trimmed)) text = text.slice(0, -1) + trimmed;
    else text += ` ${trimmed}`;
  }
  return text;
}
