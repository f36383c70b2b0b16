import { describe, expect, it } from 'vitest';
import {
  docxDocument,
  pdfDocument,
  prose,
  zipBombDocx,
} from '../../../../test/fixtures/knowledge/generate-documents.js';
import { ExtractionFailed } from './blocks.js';
import { extractDocument } from './extract-document.js';

const failure = async (bytes: Uint8Array) => {
  const error = await extractDocument(bytes).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExtractionFailed);
  return (error as Error).message;
};

describe('extractDocument', () => {
  it('reads a multi-page PDF with page numbers, headings by font size and code in a monospace font', async () => {
    const pdf = await pdfDocument([
      { heading: 'Disk full runbook', paragraphs: [prose('disk', 4)] },
      { subheading: 'Recovery', paragraphs: ['Free space first.'], code: 'df -h /var/lib/postgresql\ndu -sh /var/log' },
      { paragraphs: ['Page three closes the incident.'] },
    ]);
    const document = await extractDocument(pdf);
    expect(document).toMatchObject({ format: 'pdf', mediaType: 'application/pdf', pages: 3 });
    expect(document.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Disk full runbook', page: 1 },
      { kind: 'paragraph', text: prose('disk', 4), page: 1 },
      { kind: 'heading', level: 2, text: 'Recovery', page: 2 },
      { kind: 'paragraph', text: 'Free space first.', page: 2 },
      { kind: 'code', text: 'df -h /var/lib/postgresql\ndu -sh /var/log', page: 2 },
      { kind: 'paragraph', text: 'Page three closes the incident.', page: 3 },
    ]);
  });

  it('reads a DOCX with headings, a code-styled paragraph and a table', async () => {
    const docx = await docxDocument([
      {
        heading: 'Certificate rotation',
        paragraphs: ['Rotate TLS certificates before they expire.'],
        code: ['openssl x509 -in cert.pem -noout -enddate', 'kubectl rollout restart deploy/web'],
        table: [
          ['Host', 'Expiry'],
          ['web-1', '2027-01-01'],
        ],
      },
      { heading: 'Verification', level: 2, paragraphs: ['Check the new expiry date.'] },
    ]);
    const document = await extractDocument(docx);
    expect(document.format).toBe('docx');
    expect(document.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Certificate rotation', page: null },
      { kind: 'paragraph', text: 'Rotate TLS certificates before they expire.', page: null },
      {
        kind: 'code',
        text: 'openssl x509 -in cert.pem -noout -enddate\nkubectl rollout restart deploy/web',
        page: null,
      },
      { kind: 'paragraph', text: 'Host | Expiry\nweb-1 | 2027-01-01', page: null },
      { kind: 'heading', level: 2, text: 'Verification', page: null },
      { kind: 'paragraph', text: 'Check the new expiry date.', page: null },
    ]);
  });

  it('detects Markdown, HTML and plain text by content, whatever the file was called', async () => {
    const markdown = await extractDocument(
      Buffer.from('# Kafka lag\n\nConsumers fall behind.\n\n```sh\nkafka-consumer-groups --describe\n```\n'),
    );
    expect(markdown.format).toBe('markdown');
    expect(markdown.blocks.map((block) => block.kind)).toEqual(['heading', 'paragraph', 'code']);

    const html = await extractDocument(
      Buffer.from(
        '<!doctype html><html><head><title>x</title><script>alert(1)</script></head><body><h2>DNS</h2><p>Check the resolver.</p><pre>dig +trace example.com</pre></body></html>',
      ),
    );
    expect(html.format).toBe('html');
    expect(html.blocks).toEqual([
      { kind: 'heading', level: 2, text: 'DNS', page: null },
      { kind: 'paragraph', text: 'Check the resolver.', page: null },
      { kind: 'code', text: 'dig +trace example.com', page: null },
    ]);

    const text = await extractDocument(Buffer.from('\ufeffFirst paragraph.\n\nSecond paragraph.'));
    expect(text).toMatchObject({
      format: 'text',
      blocks: [{ text: 'First paragraph.' }, { text: 'Second paragraph.' }],
    });
  });

  it('fails every kind of bad input with a readable reason', async () => {
    expect(await failure(new Uint8Array())).toBe('The file is empty.');
    expect(await failure(await pdfDocument([{ paragraphs: ['secret'] }], { userPassword: 'hunter2' }))).toMatch(
      /encrypted \(password-protected\)/,
    );
    const pdf = await pdfDocument([{ paragraphs: [prose('x', 30)] }]);
    expect(await failure(pdf.subarray(0, Math.floor(pdf.length / 3)))).toMatch(/PDF.*(damaged|cannot be read)/);
    const docx = await docxDocument([{ heading: 'A', paragraphs: ['b'] }]);
    expect(await failure(docx.subarray(0, docx.length - 200))).toMatch(/DOCX file is damaged/);
    expect(await failure(await zipBombDocx())).toMatch(/more than 256 MB when decompressed/);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(512, 1)]);
    expect(await failure(elf)).toMatch(/executable program \(ELF\)/);
    const mixed = Buffer.concat([
      Buffer.from('caf\u00e9 in UTF-8, then Latin-1: ', 'utf8'),
      Buffer.from('caf\u00e9', 'latin1'),
    ]);
    expect(await failure(mixed)).toMatch(
      /not valid UTF-8 \(first invalid byte at offset 33\).*unknown or mixed encoding/,
    );
    expect(await failure(Buffer.from('PK\u0003\u0004 not really a zip'))).toMatch(/damaged/);
  });
});
