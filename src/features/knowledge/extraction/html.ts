import { Parser } from 'htmlparser2';
import { type Block, tidyText } from './blocks.js';

const skipped = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object']);
const breaks = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'nav',
  'aside',
  'blockquote',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'figure',
  'figcaption',
  'form',
  'fieldset',
  'hr',
  'address',
  'details',
  'summary',
  'caption',
]);

/**
 * HTML into blocks: h1–h6 become headings, <pre> becomes code (whitespace kept), everything else paragraphs
 * split at block elements; table rows become `cell | cell` lines. Scripts, styles and the <head> are dropped.
 */
export function htmlToBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let skipDepth = 0;
  let heading: { level: number; text: string } | undefined;
  let preDepth = 0;
  let pre = '';
  let paragraph = '';
  let cellsInRow = 0;
  let tableDepth = 0;

  const flushParagraph = () => {
    const text = tidyText(paragraph);
    if (text) blocks.push({ kind: 'paragraph', text, page: null });
    paragraph = '';
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (skipped.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth > 0) return;
        if (/^h[1-6]$/.test(name)) {
          flushParagraph();
          heading = { level: Number(name[1]), text: '' };
        } else if (name === 'pre') {
          flushParagraph();
          preDepth++;
        } else if (name === 'br') {
          if (preDepth > 0) pre += '\n';
          else paragraph += '\n';
        } else if (tableDepth > 0 && name !== 'table' && name !== 'tr' && name !== 'td' && name !== 'th') {
          // Inside a table cell, paragraphs and lists are just text of the cell.
          if (name === 'p' || name === 'li' || name === 'div') paragraph += ' ';
        } else if (name === 'tr') {
          paragraph += '\n';
          cellsInRow = 0;
        } else if (name === 'td' || name === 'th') {
          if (cellsInRow++ > 0) paragraph += ' | ';
        } else if (breaks.has(name) && preDepth === 0) {
          if (name === 'table') tableDepth++;
          if (name === 'li') paragraph += '\n- ';
          else if (name === 'table' || name === 'p' || name === 'div' || name === 'section' || name === 'article')
            flushParagraph();
          else paragraph += '\n';
        }
      },
      ontext(text) {
        if (skipDepth > 0) return;
        if (heading) heading.text += text;
        else if (preDepth > 0) pre += text;
        else paragraph += text;
      },
      onclosetag(name) {
        if (skipped.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (/^h[1-6]$/.test(name) && heading) {
          const text = tidyText(heading.text).replace(/\n/g, ' ');
          if (text) blocks.push({ kind: 'heading', level: heading.level, text, page: null });
          heading = undefined;
        } else if (name === 'pre' && preDepth > 0) {
          preDepth--;
          if (preDepth === 0) {
            const code = pre.replace(/^\n+|\s+$/g, '');
            if (code) blocks.push({ kind: 'code', text: code, page: null });
            pre = '';
          }
        } else if (name === 'table') {
          tableDepth = Math.max(0, tableDepth - 1);
          if (tableDepth === 0) flushParagraph();
        } else if (tableDepth === 0 && (name === 'p' || name === 'div' || name === 'section' || name === 'article')) {
          flushParagraph();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flushParagraph();
  return blocks;
}
