import type { Logger } from '../../src/platform/logger/logger.js';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface SuiteResult {
  /** How each figure was obtained, one sentence per line; printed before the tables and kept in the JSON. */
  method: string[];
  tables: Table[];
  /** Machine-readable figures (milliseconds unless the key says otherwise). */
  figures: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
}

export interface SuiteContext {
  /** DATABASE_URL when set: PostgreSQL figures are measured on a throwaway database created from it. */
  databaseUrl?: string;
  /** Warnings from the code under test, on stderr. */
  logger: Logger;
  progress(message: string): void;
}

export interface Suite {
  name: string;
  title: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}

export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = table.headers.map((_, column) =>
    table.rows.every((row) => /^[-–\d.,×% <>=≤≥()]*$/.test(row[column] ?? '')),
  );
  const line = (cells: string[]) =>
    `| ${cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join(' | ')} |`;
  return [
    table.title,
    line(table.headers),
    `|${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`,
    ...table.rows.map(line),
  ].join('\n');
}

export function renderSuite(title: string, result: SuiteResult): string {
  const parts = [`\n=== ${title} ===`, 'Method:', ...result.method.map((line) => `  - ${line}`), ''];
  for (const table of result.tables) parts.push(renderTable(table), '');
  if (result.targets.length > 0) {
    parts.push('Targets:');
    for (const target of result.targets) {
      parts.push(
        `  ${target.met ? 'MET    ' : 'MISSED '} ${target.name}: measured ${target.measured}, target ${target.target}`,
      );
    }
    parts.push('');
  }
  if (result.notes.length > 0) parts.push('Notes:', ...result.notes.map((note) => `  - ${note}`), '');
  return parts.join('\n');
}
