import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findScenarioDirectories, loadScenario } from './scenario-loader.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const alert = JSON.stringify({
  receiver: 'aurora',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical' },
      annotations: { summary: 'Checkout failing' },
      startsAt: '2026-03-02T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'abc123',
    },
  ],
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager',
  version: '4',
  groupKey: '{}:{}',
});

const valid = `title: t
source: alertmanager
alert: alert.json
now: 2026-03-02T10:15:00Z
topology:
  services: [{name: checkout, kind: service}, {name: payments, kind: service}]
  dependencies: [[checkout, payments]]
changes: [{time: 2026-03-02T09:52:00Z, service: checkout, kind: deploy, summary: v2}]
metrics: [{service: checkout, name: error_ratio, points: [[2026-03-02T09:00:00Z, 0.1]]}]
logs: [{time: 2026-03-02T10:01:00Z, service: checkout, level: error, message: boom}]
kubernetes: {pods: [], events: []}
expected: {service: checkout, category: deploy, keywords: [v2], forbidden: []}
`;

function scenario(yaml: string, alertBody = alert): string {
  const directory = mkdtempSync(join(tmpdir(), 'aurora-scenario-'));
  directories.push(directory);
  writeFileSync(join(directory, 'scenario.yaml'), yaml);
  writeFileSync(join(directory, 'alert.json'), alertBody);
  return directory;
}

describe('scenario loader', () => {
  it('loads a valid scenario and normalises its alert with the source parser', async () => {
    const loaded = await loadScenario(scenario(valid));
    expect(loaded.alerts).toHaveLength(1);
    expect(loaded.alerts[0]).toMatchObject({ service: 'checkout', source: 'alertmanager' });
    expect(loaded.metrics[0]?.points).toEqual([[Date.parse('2026-03-02T09:00:00Z'), 0.1]]);
    expect(loaded.now.toISOString()).toBe('2026-03-02T10:15:00.000Z');
  });

  it.each([
    ['broken YAML', 'title: [unclosed', /scenario\.yaml: not valid YAML/],
    ['a missing field', valid.replace('title: t\n', ''), /scenario\.yaml: title: /],
    ['a misspelt section', `${valid}topolgy: {}\n`, /Unrecognized key.*topolgy|topolgy/],
    ['a bad change kind', valid.replace('kind: deploy, summary', 'kind: rollout, summary'), /changes\[0\]\.kind/],
    ['a bad time', valid.replace('now: 2026-03-02T10:15:00Z', 'now: yesterday'), /now: "yesterday" is not an ISO time/],
    [
      'an unknown service',
      valid.replace('service: checkout, level', 'service: ghost, level'),
      /logs\[0\]\.service: "ghost" is not in topology\.services/,
    ],
    ['an unknown category', valid.replace('category: deploy', 'category: gremlins'), /expected\.category/],
    [
      'an unknown source',
      valid.replace('source: alertmanager', 'source: nagios'),
      /source: "nagios" is not an intake source/,
    ],
    [
      'an alert path outside the directory',
      valid.replace('alert: alert.json', 'alert: ../alert.json'),
      /must be a file name next to scenario\.yaml/,
    ],
  ])('rejects %s with a message naming the file and field', async (_name, yaml, message) => {
    await expect(loadScenario(scenario(yaml))).rejects.toThrow(message);
  });

  it('rejects an alert file that is not JSON, one its parser rejects, and one with nothing firing', async () => {
    await expect(loadScenario(scenario(valid, '{nope'))).rejects.toThrow(/alert\.json: not valid JSON/);
    await expect(loadScenario(scenario(valid, JSON.stringify({ hello: 'world' })))).rejects.toThrow(
      /alert\.json: the alertmanager parser rejected it/,
    );
    const resolved = alert.replaceAll('"firing"', '"resolved"');
    await expect(loadScenario(scenario(valid, resolved))).rejects.toThrow(/holds no firing alert/);
  });

  it('rejects a missing directory or file clearly', async () => {
    await expect(loadScenario('/nonexistent/scenario')).rejects.toThrow(/scenario\.yaml: file not found/);
    await expect(findScenarioDirectories('/nonexistent')).rejects.toThrow(/no such scenarios directory/);
  });

  it('the shipped suite loads without errors', async () => {
    const found = await findScenarioDirectories(join(import.meta.dirname, '..', '..', '..', '..', 'eval', 'scenarios'));
    expect(found.length).toBeGreaterThanOrEqual(24);
    for (const directory of found) await loadScenario(directory);
    expect(readFileSync(join(found[0] as string, 'scenario.yaml'), 'utf8')).toMatch(/^# /);
  });
});
