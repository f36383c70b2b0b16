import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kbAddCommand, kbSearchCommand } from '../../src/cli/kb.command.js';
import { run } from '../../src/cli/main.js';
import { pdfDocument, prose } from '../fixtures/knowledge/generate-documents.js';
import {
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

const capture = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += String(chunk);
  });
  return { stream, text: () => text };
};

describe('aurora kb add / search (against a running server)', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let directory: string;

  beforeAll(async () => {
    app = await startTestApplication();
    org = await createTestOrganization(app, 'kb-cli');
    directory = mkdtempSync(join(tmpdir(), 'aurora-kb-cli-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('uploads files with a progress bar, waits for indexing, and reports each file', async () => {
    const pdf = join(directory, 'disk-full.pdf');
    writeFileSync(pdf, await pdfDocument([{ heading: 'Disk full runbook', paragraphs: [prose('disk cleanup', 30)] }]));
    const broken = join(directory, 'broken.pdf');
    writeFileSync(broken, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
    const stdout = capture();
    const stderr = capture();
    const exitCode = await kbAddCommand(
      { url: app.url, token: org.tokens.editor },
      [pdf, broken],
      { kind: 'runbook', wait: true },
      { stdout: stdout.stream, stderr: stderr.stream },
    );
    expect(exitCode).toBe(1);
    const lines = stdout.text().trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/broken\.pdf\t[0-9a-f-]{36}\tfailed\tThe file is an executable program \(ELF\)/);
    expect(lines[1]).toMatch(/disk-full\.pdf\t[0-9a-f-]{36}\tindexed\t\d+/);
    // The bar reached 100% and showed the outcome.
    expect(stderr.text()).toContain('100%');
    expect(stderr.text()).toMatch(/indexed: \d+ chunks, 1 pages/);
  });

  it('prints search results with scores, and explains a missing token', async () => {
    const stdout = capture();
    expect(
      await kbSearchCommand(
        { url: app.url, token: org.tokens.viewer },
        'disk cleanup procedure',
        {},
        { stdout: stdout.stream },
      ),
    ).toBe(0);
    expect(stdout.text()).toMatch(
      /^(\(.*\)\n)?1\. \[\d+\.\d{4}\] disk full \(runbook\) p\. 1, § Disk full runbook\n {3}Disk full runbook/,
    );

    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await run(['node', 'aurora', 'kb', 'search', 'disk', '--url', app.url], { AURORA_TOKEN: '' });
      expect(process.exitCode).toBe(1);
      expect(write.mock.calls.map((call) => String(call[0])).join('')).toContain('An API token is needed');
    } finally {
      write.mockRestore();
      process.exitCode = 0;
    }
  });
});
