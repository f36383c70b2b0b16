import { type ExtractedDocument, ExtractionFailed } from './blocks.js';
import { decodeText } from './decode-text.js';
import { detectType } from './detect-type.js';
import { docxToBlocks } from './docx.js';
import { htmlToBlocks } from './html.js';
import { markdownToBlocks, plainTextToBlocks } from './markdown.js';
import { pdfToBlocks } from './pdf.js';

export interface ExtractionOptions {
  /** Cap on the decompressed size of a DOCX archive (zip bombs). */
  maxUncompressedBytes: number;
}

export const defaultExtractionOptions: ExtractionOptions = { maxUncompressedBytes: 256 * 1024 * 1024 };

/** Any supported document → blocks. Every problem with the input is an ExtractionFailed with a readable reason. */
export async function extractDocument(
  bytes: Uint8Array,
  options: ExtractionOptions = defaultExtractionOptions,
): Promise<ExtractedDocument> {
  const detected = detectType(bytes);
  switch (detected.format) {
    case 'pdf': {
      const { pages, blocks } = await pdfToBlocks(bytes);
      return { ...detected, pages, blocks };
    }
    case 'docx':
      return { ...detected, pages: null, blocks: await docxToBlocks(bytes, options) };
    case 'html': {
      const blocks = htmlToBlocks(decodeText(bytes));
      if (blocks.length === 0) throw new ExtractionFailed('The HTML page contains no text.');
      return { ...detected, pages: null, blocks };
    }
    case 'markdown':
      return { ...detected, pages: null, blocks: markdownToBlocks(decodeText(bytes)) };
    case 'text':
      return { ...detected, pages: null, blocks: plainTextToBlocks(decodeText(bytes)) };
  }
}
