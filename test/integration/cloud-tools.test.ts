import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/features/accounts/index.js';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { cloudApiRoutes } from '../support/cloud-apis-stand-in.js';
import { capturingLogger, silentLogger } from '../support/logger.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

/**
 * The read-only cloud and observability tools against provider stand-ins (GCP, Azure, Datadog and Grafana REST on a
 * local server in each vendor's documented shapes) and AWS SDK v3 through aws-sdk-client-mock with recorded
 * responses: pagination, output caps, caches, audited credential reads, the telemetry ports built from an org's
 * connections, and the chat path "list my GKE clusters" with a scripted model. No credential may reach a tool
 * output, a log line or a model prompt.
 */
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const rds = mockClient(RDSClient);
const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);

const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
const serviceAccountEmail = 'aurora-reader@shop-prod.iam.gserviceaccount.com';
const serviceAccountKey = JSON.stringify({
  type: 'service_account',
  project_id: 'shop-prod',
  private_key_id: 'key-1',
  private_key: serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  client_email: serviceAccountEmail,
});
const secrets = {
  awsSecretKey: `aws-secret-${randomBytes(12).toString('hex')}`,
  azureSecret: `azure-secret-${randomBytes(12).toString('hex')}`,
  grafanaToken: `glsa_${randomBytes(16).toString('hex')}`,
  datadogApiKey: `dd-api-${randomBytes(12).toString('hex')}`,
  datadogAppKey: `dd-app-${randomBytes(12).toString('hex')}`,
};
const azureClientId = '11111111-2222-3333-4444-555555555555';
const subscriptionId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('read-only cloud and observability tools (provider stand-ins, aws-sdk-client-mock)', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let standIn: ProviderApisStandIn;
  let script: ScriptedModel | undefined;
  const models: ScriptedModel[] = [];
  const capture = capturingLogger(new SecretRedactor());
  const outputs: string[] = [];
  const clients: ChatClient[] = [];
  const connections: Record<string, string> = {};

  const editor = (): Principal => ({
    kind: 'api_token',
    userId: org.userIds.editor,
    email: 'editor@example.com',
    orgId: org.orgId,
    role: 'editor',
    tokenId: 'test',
  });

  /** Runs a registered tool as the agent runner does: input through its schema, the editor as the principal. */
  async function run(name: string, raw: Record<string, unknown>, orgId = org.orgId, principal = editor()) {
    const tool = app.services.agent.registry.get(name);
    if (!tool) throw new Error(`no tool ${name}`);
    const input = tool.input.parse(raw);
    const output = await tool.execute(input, {
      orgId,
      runId: randomUUID(),
      principal,
      signal: AbortSignal.timeout(30_000),
      logger: silentLogger(),
    });
    const text = JSON.stringify(output, null, 2);
    outputs.push(text);
    // The agent runner cuts what exceeds the tool's cap; our tools must already fit.
    expect(text.length).toBeLessThanOrEqual(tool.outputCapChars ?? 16_000);
    // biome-ignore lint/suspicious/noExplicitAny: outputs are asserted field by field
    return output as any;
  }

  beforeAll(async () => {
    standIn = await ProviderApisStandIn.start({
      serviceAccounts: new Map([
        [serviceAccountEmail, serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
      ]),
      acceptedTokens: new Set<string>(),
      azurePrincipals: new Map([[azureClientId, secrets.azureSecret]]),
      datadogKeys: { apiKey: secrets.datadogApiKey, applicationKey: secrets.datadogAppKey },
      grafanaToken: secrets.grafanaToken,
      subscriptions: [{ subscriptionId, displayName: 'Production' }],
      projects: [
        { projectId: 'shop-prod', name: 'Shop Prod' },
        { projectId: 'big-project', name: 'Big Project' },
      ],
      routes: cloudApiRoutes({
        datadogApiKey: secrets.datadogApiKey,
        grafanaToken: secrets.grafanaToken,
        subscriptionId,
        computeInstances: 7,
      }),
    });
    app = await startTestApplication({
      logger: capture.logger,
      redactor: new SecretRedactor(),
      environment: { ...standIn.environment(), AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'trace' },
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    org = await createTestOrganization(app, 'cloud-tools');
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/aurora' });
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'eu-west-1' }] });
    const bodies: Record<string, Record<string, unknown>> = {
      gcp: { kind: 'service_account', key: serviceAccountKey },
      azure: {
        kind: 'service_principal',
        tenantId: 'contoso.onmicrosoft.com',
        clientId: azureClientId,
        clientSecret: secrets.azureSecret,
        subscriptionId,
      },
      datadog: {
        kind: 'api_key',
        site: 'datadoghq.eu',
        apiKey: secrets.datadogApiKey,
        applicationKey: secrets.datadogAppKey,
      },
      grafana: { kind: 'bearer', url: `${standIn.url}/grafana`, token: secrets.grafanaToken },
      aws: {
        kind: 'aws_keys',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: secrets.awsSecretKey,
        region: 'eu-west-1',
      },
    };
    for (const [provider, body] of Object.entries(bodies)) {
      const response = await api(app, 'POST', `/api/v1/connectors/${provider}/connections`, {
        token: org.tokens.editor,
        body,
      });
      expect(response.status, `${provider}: ${response.text}`).toBe(201);
      connections[provider] = response.body.id;
    }
  });
  beforeEach(() => {
    for (const mock of [ec2, eks, rds, lambda, cloudwatch, logs]) mock.reset();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    await standIn?.stop();
    for (const mock of [sts, ec2, eks, rds, lambda, cloudwatch, logs]) mock.restore();
  });

  it('registers every tool as read-only with a connector, a timeout and an output cap', () => {
    const names = [
      'gcp_list_projects',
      'list_gke_clusters',
      'gcp_list_compute_instances',
      'gcp_list_sql_instances',
      'gcp_query_logs',
      'gcp_query_metrics',
      'aws_list_ec2_instances',
      'aws_list_eks_clusters',
      'aws_list_rds_instances',
      'aws_list_lambda_functions',
      'aws_get_metric_data',
      'aws_describe_alarms',
      'aws_query_logs',
      'azure_list_vms',
      'azure_list_aks_clusters',
      'azure_list_sql_databases',
      'azure_list_app_services',
      'azure_query_metrics',
      'azure_query_logs',
      'datadog_query_metrics',
      'datadog_search_logs',
      'datadog_list_monitors',
      'datadog_list_events',
      'grafana_list_datasources',
      'grafana_query',
      'grafana_list_alert_rules',
      'prometheus_query_range',
      'kubernetes_describe_workload',
      'github_list_changes',
    ];
    for (const name of names) {
      const tool = app.services.agent.registry.get(name);
      expect(tool, name).toBeDefined();
      expect(tool).toMatchObject({ access: 'readOnly', connector: expect.any(String) });
      expect(tool?.timeoutMs).toBeGreaterThan(0);
      expect(tool?.outputCapChars).toBeGreaterThan(0);
    }
  });

  it('GCP: GKE clusters, Compute pages, Cloud SQL, logs and metrics with the service account token', async () => {
    const clusters = await run('list_gke_clusters', {});
    expect(clusters.connection.id).toBe(connections.gcp);
    expect(clusters.items.map((cluster: { name: string }) => cluster.name)).toEqual(['shop-prod-eu', 'shop-batch']);
    expect(clusters.items[0]).toMatchObject({
      location: 'europe-west1',
      status: 'RUNNING',
      version: '1.30.5-gke.1014001',
    });
    expect(clusters.items[0].nodePools[0]).toMatchObject({
      name: 'pool-0',
      machineType: 'e2-standard-4',
      autoscaling: '1-6',
    });
    const gkeCall = standIn.requestsTo('/google/container/v1/projects/shop-prod/locations/-/clusters').at(-1);
    expect(standIn.issuedTokens.has(gkeCall?.headers.authorization?.replace('Bearer ', '') ?? '')).toBe(true);

    const first = await run('gcp_list_compute_instances', { limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.items[0]).toMatchObject({
      name: 'web-0',
      zone: 'europe-west1-c',
      status: 'TERMINATED',
      machineType: 'e2-medium',
      internalIp: '10.0.0.2',
    });
    const second = await run('gcp_list_compute_instances', { limit: 3, pageToken: first.nextPageToken });
    const third = await run('gcp_list_compute_instances', { limit: 3, pageToken: second.nextPageToken });
    // Grouped by zone within a page, as the aggregated list answers; every instance exactly once across pages.
    expect([...first.items, ...second.items, ...third.items].map((item: { name: string }) => item.name).sort()).toEqual(
      Array.from({ length: 7 }, (_, index) => `web-${index}`),
    );
    expect(third.nextPageToken).toBeUndefined();

    const sql = await run('gcp_list_sql_instances', {});
    expect(sql.items).toEqual([
      {
        name: 'orders-db',
        databaseVersion: 'POSTGRES_15',
        region: 'europe-west1',
        state: 'RUNNABLE',
        tier: 'db-custom-2-7680',
        availability: 'REGIONAL',
        diskGb: '100',
        ips: ['PRIVATE 10.20.0.3'],
      },
    ]);

    const entries = await run('gcp_query_logs', { filter: 'resource.type="k8s_container"', limit: 1 });
    expect(entries.items[0]).toMatchObject({
      severity: 'ERROR',
      message: 'connection refused: orders-db:5432',
      log: 'stderr',
    });
    expect(entries.nextPageToken).toBe('1');
    const loggingBody = JSON.parse(standIn.requestsTo('/google/logging/v2/entries:list').at(-1)?.body ?? '{}');
    expect(loggingBody).toMatchObject({
      resourceNames: ['projects/shop-prod'],
      orderBy: 'timestamp desc',
      pageSize: 1,
    });
    expect(loggingBody.filter).toMatch(/^\(resource.type="k8s_container"\) AND timestamp>="/);

    const series = await run('gcp_query_metrics', {
      filter: 'metric.type="run.googleapis.com/request_count"',
      aligner: 'ALIGN_RATE',
      lastMinutes: 30,
    });
    expect(series.items[0].metric).toBe('run.googleapis.com/request_count');
    const points = series.items[0].points as Array<[number, number]>;
    expect(points.map(([, value]) => value)).toEqual([0.5, 0.5, 4.5]); // oldest first
    expect(points[0]![0]).toBeLessThan(points[2]![0]);
  });

  it('caches the GCP project list per connection and user for 30 minutes, counting hits and misses', async () => {
    const before = standIn.requestsTo('/google/cloudresourcemanager/v1/projects?').length;
    const first = await run('gcp_list_projects', { limit: 1 });
    const second = await run('gcp_list_projects', { limit: 1, pageToken: first.nextPageToken });
    expect([first.items[0].projectId, second.items[0].projectId]).toEqual(['shop-prod', 'big-project']);
    // The post-auth job may have warmed the cache already; at most one listing went to Google for both pages.
    expect(standIn.requestsTo('/google/cloudresourcemanager/v1/projects?').length - before).toBeLessThanOrEqual(1);
    const key = `connectors:${org.orgId}:${connections.gcp}:gcp_projects:${org.userIds.editor}`;
    expect(await app.platform.cache.get(key)).toHaveLength(2);
    expect(await app.platform.metrics.registry.metrics()).toMatch(
      /aurora_connector_cache_requests_total\{cache="gcp_projects",result="hit"\} [1-9]/,
    );
  });

  it('cuts a listing item by item to stay under the output cap, saying how many were left out', async () => {
    const page = await run('list_gke_clusters', { project: 'big-project', limit: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.length).toBeLessThan(100);
    expect(page.omitted).toBe(100 - page.items.length);
    expect(page.nextPageToken).toBe('100');
    const denied = run('list_gke_clusters', { project: 'someone-else' });
    await expect(denied).rejects.toThrow(/rejected the credentials \(HTTP 403/);
  });

  it('AWS: EC2 (paged, cached per user and region), EKS, RDS, Lambda through SDK v3 with the stored keys', async () => {
    ec2
      .on(DescribeInstancesCommand, { NextToken: undefined })
      .resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-0a1',
                InstanceType: 't3.medium',
                State: { Name: 'running' },
                Placement: { AvailabilityZone: 'eu-west-1a' },
                PrivateIpAddress: '10.1.0.5',
                Tags: [{ Key: 'Name', Value: 'checkout-1' }],
                LaunchTime: new Date('2026-11-01T00:00:00Z'),
              },
              {
                InstanceId: 'i-0a2',
                InstanceType: 't3.medium',
                State: { Name: 'stopped' },
                Placement: { AvailabilityZone: 'eu-west-1b' },
                Tags: [{ Key: 'Name', Value: 'checkout-2' }],
              },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .on(DescribeInstancesCommand, { NextToken: 'page-2' })
      .resolves({
        Reservations: [
          { Instances: [{ InstanceId: 'i-0a3', InstanceType: 'm6i.large', State: { Name: 'running' }, Tags: [] }] },
        ],
      });
    const first = await run('aws_list_ec2_instances', { limit: 2 });
    expect(first).toMatchObject({ region: 'eu-west-1', nextPageToken: '2' });
    expect(first.items[0]).toEqual({
      id: 'i-0a1',
      name: 'checkout-1',
      state: 'running',
      type: 't3.medium',
      zone: 'eu-west-1a',
      privateIp: '10.1.0.5',
      launched: '2026-11-01T00:00:00.000Z',
    });
    const second = await run('aws_list_ec2_instances', { limit: 2, pageToken: first.nextPageToken });
    expect(second.items.map((item: { id: string }) => item.id)).toEqual(['i-0a3']);
    const running = await run('aws_list_ec2_instances', { state: 'running' });
    expect(running.items.map((item: { id: string }) => item.id)).toEqual(['i-0a1', 'i-0a3']);
    // Two SDK pages once; the later calls read the 30-minute cache `aws_ec2:{user}:{region}`.
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
    expect(
      await app.platform.cache.get(
        `connectors:${org.orgId}:${connections.aws}:aws_ec2:${org.userIds.editor}:eu-west-1`,
      ),
    ).toHaveLength(3);
    const signed = await ec2.commandCalls(DescribeInstancesCommand)[0]!.thisValue.config.credentials();
    expect(signed).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secrets.awsSecretKey });
    expect(await ec2.commandCalls(DescribeInstancesCommand)[0]!.thisValue.config.region()).toBe('eu-west-1');

    eks.on(ListClustersCommand).resolves({ clusters: ['shop'], nextToken: 'eks-next' });
    eks.on(DescribeClusterCommand, { name: 'shop' }).resolves({
      cluster: {
        name: 'shop',
        status: 'ACTIVE',
        version: '1.31',
        platformVersion: 'eks.12',
        createdAt: new Date('2026-01-01T00:00:00Z'),
      },
    });
    const clusters = await run('aws_list_eks_clusters', { region: 'us-east-1', limit: 1 });
    expect(clusters).toMatchObject({
      region: 'us-east-1',
      nextPageToken: 'eks-next',
      items: [{ name: 'shop', status: 'ACTIVE', version: '1.31' }],
    });
    expect(eks.commandCalls(ListClustersCommand)[0]!.args[0].input).toEqual({ maxResults: 1 });

    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders',
          Engine: 'postgres',
          EngineVersion: '16.4',
          DBInstanceClass: 'db.r6g.large',
          DBInstanceStatus: 'available',
          MultiAZ: true,
          Endpoint: { Address: 'orders.abc.eu-west-1.rds.amazonaws.com' },
        },
      ],
      Marker: 'rds-next',
    });
    const databases = await run('aws_list_rds_instances', {});
    expect(databases.items[0]).toMatchObject({ id: 'orders', engine: 'postgres', multiAz: true });
    expect(databases.nextPageToken).toBe('rds-next');

    lambda.on(ListFunctionsCommand).resolves({
      Functions: [{ FunctionName: 'resize-images', Runtime: 'nodejs20.x', MemorySize: 512, Timeout: 30 }],
    });
    const functions = await run('aws_list_lambda_functions', { limit: 10 });
    expect(functions.items).toEqual([
      { name: 'resize-images', runtime: 'nodejs20.x', memoryMb: 512, timeoutSeconds: 30 },
    ]);
    expect(lambda.commandCalls(ListFunctionsCommand)[0]!.args[0].input).toEqual({ MaxItems: 10 });
  });

  it('AWS: CloudWatch GetMetricData, DescribeAlarms and a Logs Insights query polled to completion', async () => {
    const now = Date.now();
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'errors',
          Label: 'Errors',
          StatusCode: 'Complete',
          Timestamps: [new Date(now - 60_000), new Date(now - 120_000)],
          Values: [7, 1],
        },
      ],
      Messages: [],
    });
    const metrics = await run('aws_get_metric_data', {
      queries: [
        {
          id: 'errors',
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensions: { FunctionName: 'resize-images' },
          stat: 'Sum',
        },
      ],
      lastMinutes: 60,
    });
    expect(metrics.items[0].points.map(([, value]: [number, number]) => value)).toEqual([1, 7]);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries).toEqual([
      {
        Id: 'errors',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Lambda',
            MetricName: 'Errors',
            Dimensions: [{ Name: 'FunctionName', Value: 'resize-images' }],
          },
          Period: 60,
          Stat: 'Sum',
        },
      },
    ]);

    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'checkout-5xx',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed',
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 10,
        },
      ],
      CompositeAlarms: [],
      NextToken: 'alarms-next',
    });
    const alarms = await run('aws_describe_alarms', { state: 'ALARM' });
    expect(alarms.items[0]).toMatchObject({
      name: 'checkout-5xx',
      state: 'ALARM',
      condition: 'Sum GreaterThanThreshold 10',
    });
    expect(alarms.nextPageToken).toBe('alarms-next');

    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Running', results: [] })
      .resolves({
        status: 'Complete',
        statistics: { recordsMatched: 2, recordsScanned: 100, bytesScanned: 1000 },
        results: [
          [
            { field: '@timestamp', value: '2026-11-27 10:05:00.000' },
            { field: '@message', value: 'ERROR payment timeout' },
            { field: '@ptr', value: 'CmAKJwoj' },
          ],
        ],
      });
    const insights = await run('aws_query_logs', {
      logGroupNames: ['/aws/lambda/checkout'],
      query: 'fields @timestamp, @message | filter @message like /ERROR/',
    });
    expect(insights.items).toEqual([{ '@timestamp': '2026-11-27 10:05:00.000', '@message': 'ERROR payment timeout' }]);
    expect(insights.note).toBe('query Complete; 2 records matched');
    expect(logs.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(logs.commandCalls(StartQueryCommand)[0]!.args[0].input).toMatchObject({
      logGroupNames: ['/aws/lambda/checkout'],
      limit: 100,
    });
  });

  it('Azure: VMs across nextLink pages (cached), AKS, SQL, App Service, Monitor metrics and Log Analytics', async () => {
    const vms = await run('azure_list_vms', { limit: 2 });
    expect(vms).toMatchObject({ scope: subscriptionId, nextPageToken: '2' });
    expect(vms.items[0]).toMatchObject({
      name: 'web-1',
      resourceGroup: 'shop-rg',
      size: 'Standard_D2s_v5',
      os: 'Linux',
      powerState: 'running',
    });
    const rest = await run('azure_list_vms', { limit: 2, pageToken: vms.nextPageToken });
    expect(rest.items).toMatchObject([{ name: 'batch-1', powerState: 'deallocated' }]);
    expect(
      standIn.requestsTo(
        `/azure/management/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines`,
      ),
    ).toHaveLength(2);
    expect(
      await app.platform.cache.get(
        `connectors:${org.orgId}:${connections.azure}:azure_vms:${org.userIds.editor}:${subscriptionId}`,
      ),
    ).toHaveLength(3);

    const aks = await run('azure_list_aks_clusters', {});
    expect(aks.items[0]).toMatchObject({
      name: 'shop-aks',
      version: '1.30.4',
      powerState: 'Running',
      nodePools: ['system (System): 3 × Standard_D4s_v5'],
    });
    const sql = await run('azure_list_sql_databases', {});
    expect(sql.items).toEqual([
      {
        server: 'shop-sql',
        resourceGroup: 'shop-rg',
        location: 'westeurope',
        fqdn: 'shop-sql.database.windows.net',
        state: 'Ready',
        databases: ['orders (GP_S_Gen5, Online)'],
      },
    ]);
    const sites = await run('azure_list_app_services', {});
    expect(sites.items[0]).toMatchObject({ name: 'checkout', kind: 'app,linux', state: 'Running', plan: 'shop-plan' });

    const siteId = sites.items[0].id as string;
    const metrics = await run('azure_query_metrics', {
      resourceId: siteId,
      metricNames: ['Http5xx'],
      aggregation: 'Total',
      lastMinutes: 30,
    });
    expect(metrics.items[0]).toMatchObject({ metric: 'Http5xx', unit: 'Count' });
    expect(metrics.items[0].points.map(([, value]: [number, number]) => value)).toEqual([0, 10, 20]);
    const metricsCall = standIn.requestsTo(`/azure/management${siteId}/providers/Microsoft.Insights/metrics`).at(-1);
    expect(metricsCall?.path).toContain('interval=PT1M');

    const rows = await run('azure_query_logs', { query: 'AppExceptions | where AppRoleName == "checkout"' });
    expect(rows.items[0]).toEqual({
      TimeGenerated: '2026-11-27T10:05:00Z',
      Message: 'SqlException: timeout expired',
      SeverityLevel: 3,
      Service: 'checkout',
    });
    const invalid = app.services.agent.registry
      .get('azure_query_metrics')!
      .input.safeParse({ resourceId: 'https://evil.example/x', metricNames: ['x'] });
    expect(invalid.success).toBe(false);
  });

  it('Datadog: metrics, logs with cursor paging, monitors and events with both keys', async () => {
    const metrics = await run('datadog_query_metrics', {
      query: 'sum:trace.http.request.errors{service:checkout}.as_rate()',
    });
    expect(metrics.items[0]).toMatchObject({
      metric: 'trace.http.request.errors',
      scope: 'service:checkout',
      unit: 'second',
    });
    expect(metrics.items[0].points).toHaveLength(2); // the null point is dropped
    const request = standIn.requestsTo('/datadog/api/v1/query').at(-1);
    expect(request?.headers['dd-application-key']).toBe(secrets.datadogAppKey);

    const first = await run('datadog_search_logs', { query: 'service:checkout status:error', limit: 2 });
    expect(first.items.map((log: { message: string }) => log.message)).toEqual([
      'payment gateway timeout after 5000 ms',
      'retrying payment',
    ]);
    const second = await run('datadog_search_logs', {
      query: 'service:checkout status:error',
      limit: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.items).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();

    const monitors = await run('datadog_list_monitors', { groupStates: 'alert', limit: 2 });
    expect(monitors.items[0]).toMatchObject({ id: 101, name: 'Checkout error rate', state: 'Alert' });
    expect(monitors.nextPageToken).toBe('1');
    expect(standIn.requestsTo('/datadog/api/v1/monitor').at(-1)?.path).toContain('page_size=2');

    const events = await run('datadog_list_events', { query: 'service:checkout' });
    expect(events.items[0]).toMatchObject({ title: 'Deploy checkout v2.14.0', source: 'kubernetes' });
  });

  it('Grafana: data sources, /api/ds/query frames and alert rules through the SSRF-guarded fetch', async () => {
    const sources = await run('grafana_list_datasources', {});
    expect(sources.items).toEqual([
      { uid: 'prom-main', name: 'Prometheus', type: 'prometheus', isDefault: true },
      { uid: 'loki-main', name: 'Loki', type: 'loki' },
    ]);
    const frames = await run('grafana_query', {
      datasourceUid: 'prom-main',
      expr: 'sum(rate(http_requests_total{code=~"5.."}[5m]))',
      maxRows: 3,
    });
    expect(frames.items[0]).toMatchObject({
      labels: { service: 'checkout' },
      fields: ['Time:time', 'Value:number'],
      omittedRows: 2,
    });
    expect(frames.items[0].rows.map((row: unknown[]) => row[1])).toEqual([0.2, 2.5, 3.1]);
    const sent = JSON.parse(standIn.requestsTo('/grafana/api/ds/query').at(-1)?.body ?? '{}');
    expect(sent.queries[0]).toMatchObject({ refId: 'A', datasource: { uid: 'prom-main' }, maxDataPoints: 300 });
    await expect(run('grafana_query', { datasourceUid: 'missing', expr: 'up' })).rejects.toThrow(
      'Grafana could not run the query: data source not found',
    );

    const rules = await run('grafana_list_alert_rules', { state: 'firing' });
    expect(rules.items).toEqual([
      {
        name: 'CheckoutErrorRate',
        folder: 'Shop',
        group: 'checkout',
        state: 'firing',
        health: 'ok',
        labels: { severity: 'critical' },
        summary: 'Checkout 5xx above 5%',
        activeAlerts: [{ state: 'Alerting', since: '2026-11-27T10:01:00Z', labels: { service: 'checkout' } }],
      },
    ]);
  });

  it('audits every credential read with connection, tool and user, and applies the per-user rate limit', async () => {
    const audit = await app.platform.audit.list(org.orgId, { limit: 100, action: 'connector.credentials_read' });
    const gke = audit.items.find((entry) => (entry.details as { tool?: string }).tool === 'list_gke_clusters');
    expect(gke).toMatchObject({
      targetId: connections.gcp,
      actor: { type: 'user', id: org.userIds.editor },
      details: { provider: 'gcp', tool: 'list_gke_clusters', userId: org.userIds.editor },
    });
    // `rate_limit:{userId}:{endpoint}`: 60 calls a minute per user and tool (CONNECTOR_RATE_LIMIT_PER_MINUTE).
    const viewer = { ...editor(), userId: org.userIds.viewer, role: 'viewer' as const };
    for (let call = 0; call < 60; call++) await run('gcp_list_projects', { limit: 1 }, org.orgId, viewer);
    await expect(run('gcp_list_projects', { limit: 1 }, org.orgId, viewer)).rejects.toThrow(
      /Too many gcp_list_projects calls/,
    );
    // Another tool, and another user, have their own windows.
    expect((await run('gcp_list_sql_instances', {}, org.orgId, viewer)).items).toHaveLength(1);
    expect((await run('gcp_list_projects', { limit: 1 })).items).toHaveLength(1);
  });

  it('asks for a connectionId when several connections exist, and uses the one named', async () => {
    const other = await createTestOrganization(app, 'two-gcp');
    const ids: string[] = [];
    for (const name of ['GCP one', 'GCP two']) {
      const response = await api(app, 'POST', '/api/v1/connectors/gcp/connections', {
        token: other.tokens.editor,
        body: { kind: 'service_account', key: serviceAccountKey, name },
      });
      ids.push(response.body.id);
    }
    const principal = { ...editor(), orgId: other.orgId, userId: other.userIds.editor };
    await expect(run('list_gke_clusters', {}, other.orgId, principal)).rejects.toThrow(
      /has 2 gcp connections; pass connectionId/,
    );
    const named = await run('list_gke_clusters', { connectionId: ids[1] }, other.orgId, principal);
    expect(named.connection).toEqual({ id: ids[1], name: 'GCP two' });
    // Another org's connection id is not reachable.
    await expect(run('list_gke_clusters', { connectionId: ids[0] })).rejects.toThrow(/No active gcp connection/);
  });

  it('builds telemetry ports from the connections: metrics and logs from every provider, failures isolated', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'm1', Label: 'error_count', StatusCode: 'Complete', Timestamps: [new Date()], Values: [3] },
      ],
    });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/aws/lambda/checkout' }] });
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({
      status: 'Complete',
      results: [
        [
          { field: '@timestamp', value: '2026-11-27 10:03:00.000' },
          { field: '@message', value: 'ERROR lambda timed out' },
        ],
      ],
    });
    const sources = await app.services.cloudTools.telemetry.telemetryFor(org.orgId, { userId: org.userIds.editor });
    expect(sources.metrics?.name.split('+').sort()).toEqual(['aws', 'azure', 'datadog', 'gcp']);
    expect(sources.logs?.name.split('+').sort()).toEqual(['aws', 'azure', 'datadog', 'gcp']);
    expect(sources.changes).toBeUndefined();
    const window = { from: new Date(Date.now() - 3_600_000), to: new Date() };
    const series = await sources.metrics!.query({
      service: 'checkout',
      window,
      signals: ['error_rate', 'error_count'],
    });
    const bySource = new Map(series.map((entry) => [entry.labels?.source, entry]));
    expect([...bySource.keys()].sort()).toEqual(['azure_monitor', 'cloud_monitoring', 'cloudwatch', 'datadog']);
    expect(bySource.get('azure_monitor')).toMatchObject({ name: 'error_count', service: 'checkout' });
    expect(bySource.get('cloud_monitoring')?.name).toBe('error_rate');
    const metricQuery = cloudwatch.commandCalls(GetMetricDataCommand).at(-1)!.args[0].input.MetricDataQueries?.[0];
    expect(metricQuery?.Expression).toBe(
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'checkout\'',
    );

    const records = await sources.logs!.search({ service: 'checkout', window, minLevel: 'warn', limit: 50 });
    const messages = records.map((record) => record.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'connection refused: orders-db:5432',
        'payment gateway timeout after 5000 ms',
        'SqlException: timeout expired',
        'ERROR lambda timed out',
      ]),
    );
    expect(records.every((record) => record.level !== 'info' && record.level !== 'debug')).toBe(true);
    const sorted = [...records].sort((left, right) => right.time.getTime() - left.time.getTime());
    expect(records).toEqual(sorted);
    const ddQuery = JSON.parse(standIn.requestsTo('/datadog/api/v2/logs/events/search').at(-1)?.body ?? '{}');
    expect(ddQuery.filter.query).toMatch(/^service:checkout status:\(.*error.*warn/);

    // One provider failing (CloudWatch) leaves the others' answers.
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const partial = await sources.metrics!.query({
      service: 'checkout',
      window,
      signals: ['error_rate', 'error_count'],
    });
    expect(partial.some((entry) => entry.labels?.source === 'cloudwatch')).toBe(false);
    expect(partial.some((entry) => entry.labels?.source === 'datadog')).toBe(true);
    // A name that could break out of a provider query is refused, not sent.
    await expect(sources.metrics!.query({ service: 'x") OR 1=1', window })).rejects.toThrow(/every provider failed/);
  });

  it('answers "list my GKE clusters" in chat through the real tool path', async () => {
    script = new ScriptedModel([
      [{ text: 'Checking your GKE clusters.' }, { toolCall: { name: 'list_gke_clusters', input: {} } }],
      (call) => {
        const prompt = JSON.stringify(call.prompt);
        const names = ['shop-prod-eu', 'shop-batch'].filter((name) => prompt.includes(name));
        return [{ text: `You have ${names.length} GKE clusters in shop-prod: ${names.join(' and ')}.` }];
      },
    ]);
    models.push(script);
    const client = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(client);
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'list my GKE clusters', mode: 'ask' });
    const started = await client.next('run.started');
    const finished = await client.next('run.finished', 30_000);
    expect(finished.status).toBe('completed');
    const frames = client.runFrames(started.runId as string);
    const toolFinished = frames.find((frame) => frame.type === 'tool.finished');
    expect(toolFinished).toMatchObject({ tool: 'list_gke_clusters', status: 'ok' });
    expect(toolFinished?.output).toContain('shop-prod-eu');
    const answer = frames
      .filter((frame) => frame.type === 'text.delta')
      .map((frame) => frame.delta)
      .join('');
    expect(answer).toContain('You have 2 GKE clusters in shop-prod: shop-prod-eu and shop-batch.');

    // The model was offered the connected providers' tools, and told which connections exist.
    const offered = (script.calls[0]!.tools ?? []).map((tool) => tool.name);
    expect(offered).toEqual(
      expect.arrayContaining(['list_gke_clusters', 'aws_list_ec2_instances', 'datadog_search_logs', 'grafana_query']),
    );
    expect(offered).not.toContain('prometheus_query_range'); // no Prometheus connection
    const system = String(script.calls[0]!.prompt[0]!.content);
    expect(system).toContain(`Google Cloud (GCP Shop Prod)`);
    expect(system).toContain(`connectionId ${connections.gcp}`);
    expect(script.prompt(1)).toContain('<tool_output tool=\\"list_gke_clusters\\" status=\\"ok\\">');
  });

  it('never puts a credential in a tool output, a log line or a model prompt', async () => {
    const plaintexts = [
      ...Object.values(secrets),
      'BEGIN PRIVATE KEY',
      ...standIn.issuedTokens, // access tokens exchanged for the service account and the service principal
    ];
    expect(standIn.issuedTokens.size).toBeGreaterThan(0);
    const prompts = models.flatMap((model) => model.calls.map((call) => JSON.stringify(call.prompt)));
    expect(prompts.length).toBeGreaterThan(0);
    for (const plaintext of plaintexts) {
      for (const output of outputs) expect(output.includes(plaintext), plaintext).toBe(false);
      for (const prompt of prompts) expect(prompt.includes(plaintext), plaintext).toBe(false);
      expect(capture.text().includes(plaintext), plaintext).toBe(false);
    }
  });
});
