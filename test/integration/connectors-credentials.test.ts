import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
  tablesContaining,
} from '../support/application.js';
import { capturingLogger } from '../support/logger.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';

/**
 * Credential connectors against provider stand-ins (local HTTP servers following each vendor's documented API)
 * and AWS through aws-sdk-client-mock. Each connection must be validated with one read call before it is saved,
 * keep its credentials only in the secret store, and never echo them in responses, rows or logs.
 */
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);

const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
const serviceAccountEmail = 'aurora-reader@shop-prod.iam.gserviceaccount.com';
const serviceAccountKey = JSON.stringify({
  type: 'service_account',
  project_id: 'shop-prod',
  private_key_id: 'key-1',
  private_key: serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  client_email: serviceAccountEmail,
  token_uri: 'http://169.254.169.254/ignored-because-aurora-uses-its-configured-token-url',
});

const secrets = {
  awsSecretKey: `aws-secret-${randomBytes(12).toString('hex')}`,
  azureSecret: `azure-secret-${randomBytes(12).toString('hex')}`,
  grafanaToken: `glsa_${randomBytes(16).toString('hex')}`,
  datadogApiKey: `dd-api-${randomBytes(12).toString('hex')}`,
  datadogAppKey: `dd-app-${randomBytes(12).toString('hex')}`,
  githubToken: `ghp_${randomBytes(16).toString('hex')}`,
  pagerdutyToken: `pd-${randomBytes(12).toString('hex')}`,
  slackToken: `xoxb-${randomBytes(12).toString('hex')}`,
  kubeToken: `kube-${randomBytes(16).toString('hex')}`,
};
const azureClientId = '11111111-2222-3333-4444-555555555555';
const subscriptionId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('credential connectors (provider stand-ins, aws-sdk-client-mock)', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let standIn: ProviderApisStandIn;
  const capture = capturingLogger(new SecretRedactor());
  const responses: string[] = [];

  const create = async (provider: string, body: Record<string, unknown>) => {
    const response = await api(app, 'POST', `/api/v1/connectors/${provider}/connections`, {
      token: org.tokens.editor,
      body,
    });
    responses.push(response.text);
    return response;
  };

  beforeAll(async () => {
    standIn = await ProviderApisStandIn.start({
      serviceAccounts: new Map([
        [serviceAccountEmail, serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
      ]),
      acceptedTokens: new Set([secrets.githubToken, secrets.kubeToken]),
      azurePrincipals: new Map([[azureClientId, secrets.azureSecret]]),
      datadogKeys: { apiKey: secrets.datadogApiKey, applicationKey: secrets.datadogAppKey },
      grafanaToken: secrets.grafanaToken,
      pagerdutyToken: secrets.pagerdutyToken,
      slackToken: secrets.slackToken,
      subscriptions: [{ subscriptionId, displayName: 'Production' }],
      projects: [
        { projectId: 'shop-prod', name: 'Shop Prod' },
        { projectId: 'shop-staging', name: 'Shop Staging' },
      ],
    });
    app = await startTestApplication({
      logger: capture.logger,
      redactor: new SecretRedactor(),
      environment: {
        ...standIn.environment(),
        AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
        LOG_LEVEL: 'trace',
      },
    });
    org = await createTestOrganization(app, 'connectors');
  });
  afterAll(async () => {
    await app?.close();
    await standIn?.stop();
    sts.restore();
    ec2.restore();
  });

  it('lists every provider with its auth kinds; OAuth is unavailable until configured', async () => {
    const response = await api(app, 'GET', '/api/v1/connectors', { token: org.tokens.viewer });
    expect(response.status).toBe(200);
    const ids = response.body.providers.map((provider: { id: string }) => provider.id);
    expect(ids).toEqual([
      'gcp',
      'aws',
      'azure',
      'kubernetes',
      'prometheus',
      'grafana',
      'datadog',
      'github',
      'pagerduty',
      'slack',
    ]);
    const gcp = response.body.providers[0];
    expect(gcp.authKinds.map((kind: { kind: string }) => kind.kind)).toEqual(['oauth2', 'service_account']);
    expect(gcp.authKinds[0]).toMatchObject({
      available: false,
      reason: expect.stringContaining('CONNECTOR_GCP_CLIENT_ID'),
    });
    const start = await api(app, 'POST', '/api/v1/connectors/gcp/oauth/start', { token: org.tokens.editor, body: {} });
    expect(start.status).toBe(400);
    expect(start.body.detail).toContain('not configured');
  });

  it('connects AWS with access keys checked by STS GetCallerIdentity, then discovers regions', async () => {
    sts.reset();
    ec2.reset();
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/aurora',
      UserId: 'AIDAEXAMPLE',
    });
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    const response = await create('aws', {
      kind: 'aws_keys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: secrets.awsSecretKey,
      region: 'eu-west-1',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      provider: 'aws',
      authKind: 'aws_keys',
      account: '123456789012',
      status: 'active',
    });
    expect(response.body.name).toBe('AWS 123456789012');
    // The STS call was signed with exactly the keys the user gave.
    const credentials = await sts.call(0).thisValue.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secrets.awsSecretKey });

    await waitFor(async () => {
      const current = await api(app, 'GET', `/api/v1/connectors/connections/${response.body.id}`, {
        token: org.tokens.viewer,
      });
      return current.body.discovery?.regions?.length === 2 ? current : undefined;
    });
  });

  it('refuses AWS keys STS rejects, and saves nothing', async () => {
    sts.reset();
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const before = await connectionCount(app, org.orgId);
    const response = await create('aws', {
      kind: 'aws_keys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: secrets.awsSecretKey,
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('AWS refused GetCallerIdentity: InvalidClientTokenId');
    expect(await connectionCount(app, org.orgId)).toBe(before);
  });

  it("assumes an AWS role with the org's own external id", async () => {
    sts.reset();
    const externalId = (await api(app, 'GET', '/api/v1/connectors/aws/external-id', { token: org.tokens.viewer })).body
      .externalId;
    expect(externalId).toMatch(/^aurora-[0-9a-f]{32}$/);
    const other = await createTestOrganization(app, 'other');
    const otherId = (await api(app, 'GET', '/api/v1/connectors/aws/external-id', { token: other.tokens.viewer })).body
      .externalId;
    expect(otherId).not.toBe(externalId);

    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'temporary-secret',
        SessionToken: 'temporary-session',
        Expiration: new Date(Date.now() + 900_000),
      },
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::210987654321:assumed-role/AuroraReadOnly/aurora',
        AssumedRoleId: 'AROA:aurora',
      },
    });
    const response = await create('aws', {
      kind: 'aws_role',
      roleArn: 'arn:aws:iam::210987654321:role/AuroraReadOnly',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ account: '210987654321', settings: { externalId } });
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::210987654321:role/AuroraReadOnly',
      ExternalId: externalId,
    });
  });

  it('connects Azure with a service principal (token endpoint + one ARM read)', async () => {
    const response = await create('azure', {
      kind: 'service_principal',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: azureClientId,
      clientSecret: secrets.azureSecret,
      subscriptionId,
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ subscription: subscriptionId, name: 'Azure Production' });
    const wrong = await create('azure', {
      kind: 'service_principal',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: azureClientId,
      clientSecret: 'not-the-secret',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toContain('rejected the credentials');
  });

  it('connects GCP with a service-account key (JWT bearer exchange + projects.get)', async () => {
    const response = await create('gcp', { kind: 'service_account', key: serviceAccountKey });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ project: 'shop-prod', account: serviceAccountEmail, name: 'GCP Shop Prod' });
    // The key file's token_uri is ignored: the exchange went to the configured endpoint.
    expect(standIn.requestsTo('/google/token')).toHaveLength(1);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = JSON.stringify({
      ...JSON.parse(serviceAccountKey),
      private_key: other.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    const wrong = await create('gcp', { kind: 'service_account', key: forged });
    expect(wrong.status).toBe(400);
    expect((await create('gcp', { kind: 'service_account', key: '{"type":"user"}' })).status).toBe(400);
  });

  it('connects Kubernetes with a selected context; a wrong context or an exec plugin is refused clearly', async () => {
    const kubeconfig = kubeconfigYaml(`${standIn.url}/kubernetes`, secrets.kubeToken);
    const wrongContext = await create('kubernetes', { kind: 'kubeconfig', kubeconfig, context: 'nope' });
    expect(wrongContext.status).toBe(400);
    expect(wrongContext.body.detail).toBe('The kubeconfig has no context "nope"; it has: staging, prod');
    const exec = await create('kubernetes', {
      kind: 'kubeconfig',
      kubeconfig: kubeconfig.replace(
        `token: ${secrets.kubeToken}`,
        'exec: {command: /bin/sh, args: [-c, "id"], apiVersion: client.authentication.k8s.io/v1}',
      ),
      context: 'prod',
    });
    expect(exec.status).toBe(400);
    expect(exec.body.detail).toContain('exec');
    const response = await create('kubernetes', { kind: 'kubeconfig', kubeconfig, context: 'prod' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ account: 'prod-cluster', settings: { context: 'prod' } });
    expect(standIn.requestsTo('/kubernetes/api/v1/namespaces').at(-1)?.headers.authorization).toBe(
      `Bearer ${secrets.kubeToken}`,
    );
    const badToken = await create('kubernetes', {
      kind: 'kubeconfig',
      kubeconfig: kubeconfigYaml(`${standIn.url}/kubernetes`, 'wrong-token'),
      context: 'prod',
    });
    expect(badToken.status).toBe(400);
  });

  it('connects Grafana, Datadog, GitHub, PagerDuty and Slack, each with one read call', async () => {
    const grafana = await create('grafana', {
      kind: 'bearer',
      url: `${standIn.url}/grafana`,
      token: secrets.grafanaToken,
    });
    expect(grafana.status).toBe(201);
    expect(grafana.body).toMatchObject({ account: 'Main Org.', settings: { url: `${standIn.url}/grafana` } });
    expect((await create('grafana', { kind: 'bearer', url: `${standIn.url}/grafana`, token: 'wrong' })).status).toBe(
      400,
    );

    const datadog = await create('datadog', {
      kind: 'api_key',
      site: 'datadoghq.eu',
      apiKey: secrets.datadogApiKey,
      applicationKey: secrets.datadogAppKey,
    });
    expect(datadog.status).toBe(201);
    expect(standIn.requestsTo('/datadog/api/v1/validate').at(-1)?.headers['dd-application-key']).toBe(
      secrets.datadogAppKey,
    );
    expect(
      (await create('datadog', { kind: 'api_key', site: 'datadoghq.eu', apiKey: 'wrong', applicationKey: 'wrong' }))
        .status,
    ).toBe(400);

    const github = await create('github', { kind: 'token', token: secrets.githubToken });
    expect(github.status).toBe(201);
    expect(github.body).toMatchObject({ account: 'octocat', scopes: ['repo', 'read:org'] });
    expect((await create('github', { kind: 'token', token: 'ghp_wrong' })).status).toBe(400);
    await waitFor(async () => {
      const current = await api(app, 'GET', `/api/v1/connectors/connections/${github.body.id}`, {
        token: org.tokens.viewer,
      });
      return current.body.discovery?.repositories?.length === 1 ? current : undefined;
    });

    const pagerduty = await create('pagerduty', { kind: 'token', token: secrets.pagerdutyToken });
    expect(pagerduty.status).toBe(201);
    expect((await create('pagerduty', { kind: 'token', token: 'wrong' })).status).toBe(400);

    const slack = await create('slack', { kind: 'token', token: secrets.slackToken });
    expect(slack.status).toBe(201);
    expect(slack.body).toMatchObject({ account: 'Acme' });
    const wrongSlack = await create('slack', { kind: 'token', token: 'xoxb-wrong' });
    expect(wrongSlack.status).toBe(400);
    expect(wrongSlack.body.detail).toContain('invalid_auth');

    // A kind the provider does not take is refused before any call.
    const mismatch = await create('datadog', { kind: 'token', token: 'x' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.detail).toContain('use one of: api_key');
  });

  it('hands credentials to a tool only through withCredentials, auditing connection, tool and user', async () => {
    const connectors = app.services.connectors;
    const listed = await connectors.listConnectedProviders(org.orgId);
    const grafana = listed.find((entry) => entry.provider === 'grafana');
    expect(grafana).toMatchObject({
      name: 'Grafana Main Org.',
      scope: { account: 'Main Org.', url: `${standIn.url}/grafana` },
    });
    const gcp = listed.find((entry) => entry.provider === 'gcp');
    expect(gcp?.scope.project).toBe('shop-prod');
    expect(gcp?.summary).toContain('project shop-prod');

    const result = await connectors.withCredentials(
      org.orgId,
      grafana!.connectionId,
      { tool: 'grafana_query', userId: org.userIds.editor },
      async (credentials, connection) => {
        expect(credentials).toEqual({
          kind: 'http',
          url: `${standIn.url}/grafana`,
          authorization: `Bearer ${secrets.grafanaToken}`,
        });
        const response = await connection.fetch(`${credentials.kind === 'http' ? credentials.url : ''}/api/org`, {
          headers: { authorization: credentials.kind === 'http' ? credentials.authorization : '' },
        });
        return (await response.json()) as { name: string };
      },
    );
    expect(result.name).toBe('Main Org.');
    const audit = await app.platform.audit.list(org.orgId, { limit: 5, action: 'connector.credentials_read' });
    expect(audit.items[0]).toMatchObject({
      targetType: 'connector_connection',
      targetId: grafana!.connectionId,
      actor: { type: 'user', id: org.userIds.editor },
      details: { tool: 'grafana_query', userId: org.userIds.editor, provider: 'grafana' },
    });

    // The GCP service account yields a short-lived access token from the token endpoint, not the key.
    const token = await connectors.withCredentials(
      org.orgId,
      gcp!.connectionId,
      { tool: 'list_gke_clusters' },
      async (c) => c,
    );
    expect(token.kind).toBe('access_token');
    expect(standIn.issuedTokens.has((token as { accessToken: string }).accessToken)).toBe(true);

    // Another org cannot reach the connection at all.
    const other = await createTestOrganization(app, 'intruder');
    await expect(
      connectors.withCredentials(other.orgId, grafana!.connectionId, { tool: 'x' }, async () => 'reached'),
    ).rejects.toThrow('Connection not found');
  });

  it('disconnects: deletes the secret, clears the connection caches and counts cache hits and misses', async () => {
    const connectors = app.services.connectors;
    const [github] = (await connectors.listConnectedProviders(org.orgId)).filter(
      (entry) => entry.provider === 'github',
    );
    const keys = (await import('../../src/features/connectors/index.js')).connectionCacheKeys(
      org.orgId,
      github!.connectionId,
    );
    let loads = 0;
    const load = async () => {
      loads++;
      return ['octocat/hello-world'];
    };
    await connectors.cache.getOrLoad(keys.custom('github_repos', org.userIds.editor), load);
    await connectors.cache.getOrLoad(keys.custom('github_repos', org.userIds.editor), load);
    await connectors.cache.getOrLoad(keys.gcpProjects(org.userIds.editor), load);
    expect(loads).toBe(2);
    const metrics = await app.platform.metrics.registry.metrics();
    expect(metrics).toMatch(/aurora_connector_cache_requests_total\{cache="github_repos",result="hit"\} 1/);
    expect(metrics).toMatch(/aurora_connector_cache_requests_total\{cache="github_repos",result="miss"\} 1/);

    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      'select secret_reference from connector_connections where id = $1',
      [github!.connectionId],
    );
    const response = await api(app, 'DELETE', `/api/v1/connectors/connections/${github!.connectionId}`, {
      token: org.tokens.editor,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revocation: 'not_supported' });
    expect(await app.platform.cache.get(keys.custom('github_repos', org.userIds.editor))).toBeUndefined();
    expect(await app.platform.cache.get(keys.gcpProjects(org.userIds.editor))).toBeUndefined();
    await expect(
      app.platform.secrets.get({ orgId: org.orgId, actor: { type: 'system' } }, row!.secret_reference),
    ).rejects.toThrow('Secret not found');
    expect(
      (await api(app, 'GET', `/api/v1/connectors/connections/${github!.connectionId}`, { token: org.tokens.viewer }))
        .status,
    ).toBe(404);
  });

  it('never stores, returns or logs a credential', async () => {
    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      "select secret_reference from connector_connections where org_id = $1 and provider = 'grafana' limit 1",
      [org.orgId],
    );
    expect(row!.secret_reference).toMatch(/^local:[0-9a-f-]{36}$/);
    const catalog = await api(app, 'GET', '/api/v1/connectors', { token: org.tokens.viewer });
    responses.push(catalog.text);
    const plaintexts = [...Object.values(secrets), serviceAccountKey.slice(0, 80), 'BEGIN PRIVATE KEY'];
    for (const plaintext of plaintexts) {
      expect({ plaintext, tables: await tablesContaining(app, plaintext) }).toEqual({ plaintext, tables: [] });
      for (const text of responses) expect(text.includes(plaintext), plaintext).toBe(false);
      expect(capture.text().includes(plaintext), plaintext).toBe(false);
    }
    expect(capture.text()).toContain('request completed');
  });
});

function kubeconfigYaml(server: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: staging-cluster
  cluster: {server: "${server}", insecure-skip-tls-verify: true}
- name: prod-cluster
  cluster: {server: "${server}", insecure-skip-tls-verify: true}
users:
- name: staging-user
  user: {token: staging-token}
- name: prod-user
  user:
    token: ${token}
contexts:
- name: staging
  context: {cluster: staging-cluster, user: staging-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user, namespace: default}
current-context: staging
`;
}

async function connectionCount(app: TestApplication, orgId: string): Promise<number> {
  const [row] = await app.platform.database.query<{ count: number }>(
    'select count(*)::int as count from connector_connections where org_id = $1',
    [orgId],
  );
  return row?.count ?? 0;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
