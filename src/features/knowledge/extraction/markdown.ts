import { type Block, tidyText } from './blocks.js';

/**
 * Markdown into blocks: ATX and setext headings, fenced code blocks (kept verbatim), and paragraphs (lists and
 * tables included) separated by blank lines. Inline markup is kept: it is searchable text too.
 */
export function markdownToBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const joined = tidyText(paragraph.join('\n'));
    if (joined) blocks.push({ kind: 'paragraph', text: joined, page: null });
    paragraph = [];
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] as string;
      const code: string[] = [line];
      index++;
      while (index < lines.length) {
        const current = lines[index] as string;
        code.push(current);
        if (current.trim().startsWith(marker[0]!.repeat(marker.length)) && current.trim().replace(/[`~]/g, '') === '')
          break;
        index++;
      }
      blocks.push({ kind: 'code', text: code.join('\n').trimEnd(), page: null });
      continue;
    }
    const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, text: heading[2] as string, page: null });
      continue;
    }
    const next = lines[index + 1];
    if (paragraph.length === 0 && line.trim() !== '' && next !== undefined && /^ {0,3}(=+|-{2,})[ \t]*$/.test(next)) {
      blocks.push({ kind: 'heading', level: next.trim().startsWith('=') ? 1 : 2, text: line.trim(), page: null });
      index++;
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Plain text: paragraphs separated by blank lines, no structure. */
export function plainTextToBlocks(text: string): Block[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => tidyText(paragraph))
    .filter(Boolean)
    .map((paragraph) => ({ kind: 'paragraph' as const, text: paragraph, page: null }));
}
