import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('architecture', () => {
  it('keeps the dependency direction cli/server/worker → features → platform → config', async () => {
    const rules = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));
    const result = await cruise(['src'], {
      ...rules.options,
      validate: true,
      ruleSet: { forbidden: rules.forbidden },
      baseDir: root,
    });
    const output = result.output as {
      summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
    };
    const violations = output.summary.violations.map(
      (violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`,
    );
    expect(violations).toEqual([]);
  });

  it('reads process.env only in src/config', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((path) => !relative(root, path).startsWith('src/config/'))
      .filter((path) =>
        readFileSync(path, 'utf8')
          .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
          .includes('process.env'),
      )
      .map((path) => relative(root, path));
    expect(offenders).toEqual([]);
  });

  it('never runs a shell string', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((path) => {
        const text = readFileSync(path, 'utf8');
        const importsShellExec =
          /import\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/.test(text);
        return importsShellExec || /shell:\s*true/.test(text) || /child_process['"]\)?\.exec(Sync)?\(/.test(text);
      })
      .map((path) => relative(root, path));
    expect(offenders).toEqual([]);
  });
});
