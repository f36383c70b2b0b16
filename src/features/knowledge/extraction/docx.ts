import mammoth from 'mammoth';
import { type Block, ExtractionFailed } from './blocks.js';
import { htmlToBlocks } from './html.js';
import { assertInflatedSizeWithin, zipEntries } from './zip-archive.js';

// Word has no code-block element; code is a paragraph style. These are the names Word, Pandoc and LibreOffice use.
const codeStyles = ['Code', 'Code Block', 'Source Code', 'HTML Preformatted', 'Preformatted Text', 'Macro Text'];
const styleMap = codeStyles.map((name) => `p[style-name='${name}'] => pre:separator('\\n')`);

/**
 * DOCX through mammoth (as HTML, so headings, tables and code-styled paragraphs keep their structure), after
 * checking the archive: a Word document inside, and a capped total decompressed size.
 */
export async function docxToBlocks(bytes: Uint8Array, options: { maxUncompressedBytes: number }): Promise<Block[]> {
  const entries = zipEntries(bytes, 'DOCX file');
  if (!entries.some((entry) => entry.name === 'word/document.xml')) {
    throw new ExtractionFailed(
      'The file is a ZIP archive but not a Word document (no word/document.xml). Supported formats: PDF, DOCX, Markdown, HTML and plain text.',
    );
  }
  await assertInflatedSizeWithin(bytes, entries, options.maxUncompressedBytes, 'DOCX file');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap,
        // Images are not text; do not decode them into data URIs.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (error) {
    throw new ExtractionFailed(`The DOCX file is damaged and cannot be read (${(error as Error).message}).`, {
      cause: error,
    });
  }
  const blocks = htmlToBlocks(html);
  if (blocks.length === 0) throw new ExtractionFailed('The DOCX file contains no text.');
  return blocks;
}
