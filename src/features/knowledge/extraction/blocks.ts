/** What extraction produces from any format: the document as a sequence of typed blocks, each on a page. */
export type Block =
  | { kind: 'heading'; level: number; text: string; page: number | null }
  | { kind: 'paragraph'; text: string; page: number | null }
  /** Preformatted text kept whole by the chunker when it fits in one chunk. */
  | { kind: 'code'; text: string; page: number | null };

export const documentFormats = ['pdf', 'docx', 'markdown', 'html', 'text'] as const;
export type DocumentFormat = (typeof documentFormats)[number];

export interface ExtractedDocument {
  format: DocumentFormat;
  mediaType: string;
  /** Pages for PDFs; null for formats without pages. */
  pages: number | null;
  blocks: Block[];
}

/**
 * The document cannot be indexed, for a reason its owner can act on. The message is shown to users as the
 * document's `error`, so it says what is wrong in plain words; it never retries.
 */
export class ExtractionFailed extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExtractionFailed';
  }
}

/** Collapses runs of spaces and tabs and trims, keeping line breaks. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
