/** Ready-to-paste configuration for each monitoring tool, given the full webhook URL and the secret. */
export interface Snippet {
  label: string;
  language: 'shell' | 'yaml' | 'text';
  text: string;
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

function curlSnippet(url: string, secret: string, body: unknown): Snippet {
  return {
    label: 'Test with curl',
    language: 'shell',
    text: [
      `curl -sS -X POST ${shellQuote(url)} \\`,
      `  -H ${shellQuote(`Authorization: Bearer ${secret}`)} \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  --data ${shellQuote(JSON.stringify(body))}`,
    ].join('\n'),
  };
}

export function snippetsFor(source: string, url: string, secret: string, now = new Date()): Snippet[] {
  const startsAt = now.toISOString();
  switch (source) {
    case 'alertmanager':
      return [
        {
          label: 'alertmanager.yml',
          language: 'yaml',
          text: [
            'receivers:',
            '  - name: aurora',
            '    webhook_configs:',
            `      - url: ${url}`,
            '        send_resolved: true',
            '        http_config:',
            '          authorization:',
            '            type: Bearer',
            `            credentials: ${secret}`,
          ].join('\n'),
        },
        curlSnippet(url, secret, {
          version: '4',
          status: 'firing',
          receiver: 'aurora',
          groupKey: '{}:{alertname="AuroraTestAlert"}',
          groupLabels: { alertname: 'AuroraTestAlert' },
          commonLabels: {},
          commonAnnotations: {},
          externalURL: '',
          truncatedAlerts: 0,
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'AuroraTestAlert', severity: 'warning', service: 'aurora-test' },
              annotations: { summary: 'Test alert sent with curl' },
              startsAt,
              endsAt: '0001-01-01T00:00:00Z',
              generatorURL: '',
              fingerprint: 'aurora-test-alert',
            },
          ],
        }),
      ];
    case 'grafana':
      return [
        {
          label: 'Grafana contact point',
          language: 'text',
          text: [
            'Alerting → Contact points → Add contact point → Integration: Webhook',
            `URL: ${url}`,
            'HTTP method: POST',
            'Optional Webhook settings → Authorization Header - Scheme: Bearer',
            `Authorization Header - Credentials: ${secret}`,
          ].join('\n'),
        },
      ];
    case 'generic':
      return [
        curlSnippet(url, secret, {
          title: 'Test alert sent with curl',
          status: 'firing',
          severity: 'warning',
          service: 'aurora-test',
          fingerprint: 'aurora-test-alert',
          startsAt,
        }),
      ];
    case 'cloudwatch': {
      const withCredentials = new URL(url);
      withCredentials.username = 'aurora';
      withCredentials.password = secret;
      return [
        {
          label: 'Amazon SNS subscription',
          language: 'text',
          text: [
            'SNS → your alarm topic → Create subscription → Protocol: HTTPS',
            `Endpoint: ${withCredentials.toString()}`,
            'Aurora confirms the subscription by itself.',
          ].join('\n'),
        },
      ];
    }
    default:
      return [
        {
          label: 'Webhook settings',
          language: 'text',
          text: [`URL: ${url}`, 'Method: POST, body: JSON', `Header: Authorization: Bearer ${secret}`].join('\n'),
        },
      ];
  }
}
