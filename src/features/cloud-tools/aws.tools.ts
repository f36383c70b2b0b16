import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { z } from 'zod';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { awsError, type ConnectionContext } from '../connectors/index.js';
import type { TimeWindow } from '../telemetry/index.js';
import { type CallerContext, type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import {
  callerOf,
  compact,
  connectionIdField,
  fitPage,
  limitField,
  listToolTimeoutMs,
  offsetPage,
  pageTokenField,
  toolOutputCapChars,
  windowFields,
  windowOf,
} from './tool-fields.js';

const regionField = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
  .optional()
  .describe("the AWS region; default: the connection's region");

/** What an SDK client is built with: the connection's (possibly assumed-role) credentials and a region. */
export interface AwsClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
}

export function withAws<T>(
  options: { gateway: ConnectionGateway; caller: CallerContext; connectionId?: string; tool: string; region?: string },
  run: (config: AwsClientConfig, connection: ConnectionContext) => Promise<T>,
): Promise<T> {
  return options.gateway.call('aws', options.tool, options.caller, options.connectionId, (credentials, connection) => {
    const aws = expectCredentials(credentials, 'aws');
    return run(
      {
        region: options.region ?? aws.region,
        credentials: {
          accessKeyId: aws.accessKeyId,
          secretAccessKey: aws.secretAccessKey,
          sessionToken: aws.sessionToken,
        },
        maxAttempts: 2,
      },
      connection,
    );
  });
}

/** Runs one SDK call with a fresh client, mapping SDK errors to domain errors that name the code, not the keys. */
async function send<Client extends { destroy(): void }, T>(
  client: Client,
  action: string,
  call: (client: Client) => Promise<T>,
): Promise<T> {
  try {
    return await call(client);
  } catch (error) {
    throw awsError(action, error);
  } finally {
    client.destroy();
  }
}

const tagValue = (tags: Array<{ Key?: string; Value?: string }> | undefined, key: string) =>
  tags?.find((tag) => tag.Key === key)?.Value;

interface Ec2Item {
  id?: string;
  name?: string;
  state?: string;
  type?: string;
  zone?: string;
  privateIp?: string;
  publicIp?: string;
  launched?: string;
}

async function loadInstances(config: AwsClientConfig, signal?: AbortSignal): Promise<Ec2Item[]> {
  return send(new EC2Client(config), 'DescribeInstances', async (client) => {
    const items: Ec2Item[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken: token }), {
        abortSignal: signal,
      });
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          items.push(
            compact({
              id: instance.InstanceId,
              name: tagValue(instance.Tags, 'Name'),
              state: instance.State?.Name,
              type: instance.InstanceType,
              zone: instance.Placement?.AvailabilityZone,
              privateIp: instance.PrivateIpAddress,
              publicIp: instance.PublicIpAddress,
              launched: instance.LaunchTime?.toISOString(),
            }),
          );
        }
      }
      token = page.NextToken;
    } while (token && items.length < 5_000);
    return items;
  });
}

export interface MetricQueryInput {
  id: string;
  label?: string;
  expression?: string;
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  stat?: string;
  periodSeconds?: number;
}

/** CloudWatch GetMetricData; points oldest first as [epoch ms, value]. */
export async function cloudWatchMetricData(
  config: AwsClientConfig,
  request: { queries: MetricQueryInput[]; window: TimeWindow; nextToken?: string; signal?: AbortSignal },
) {
  const rangeSeconds = (request.window.to.getTime() - request.window.from.getTime()) / 1000;
  // Keep each series under ~500 points; CloudWatch periods are multiples of 60 s.
  const minimumPeriod = Math.max(60, Math.ceil(rangeSeconds / 500 / 60) * 60);
  const queries: MetricDataQuery[] = request.queries.map((query) =>
    query.expression
      ? {
          Id: query.id,
          Label: query.label,
          Expression: query.expression,
          Period: Math.max(query.periodSeconds ?? 60, minimumPeriod),
          ReturnData: true,
        }
      : {
          Id: query.id,
          Label: query.label,
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: query.namespace,
              MetricName: query.metricName,
              Dimensions: Object.entries(query.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: Math.max(query.periodSeconds ?? 60, minimumPeriod),
            Stat: query.stat ?? 'Average',
          },
        },
  );
  return send(new CloudWatchClient(config), 'GetMetricData', async (client) => {
    const result = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: request.window.from,
        EndTime: request.window.to,
        ScanBy: 'TimestampAscending',
        NextToken: request.nextToken,
      }),
      { abortSignal: request.signal },
    );
    return {
      series: (result.MetricDataResults ?? []).map((series) => {
        const times = series.Timestamps ?? [];
        const values = series.Values ?? [];
        return {
          id: series.Id ?? '',
          label: series.Label ?? series.Id ?? '',
          status: series.StatusCode,
          points: times
            .map((time, index): [number, number] => [time.getTime(), values[index] ?? Number.NaN])
            .filter(([, value]) => Number.isFinite(value))
            .sort((left, right) => left[0] - right[0]),
        };
      }),
      messages: (result.Messages ?? []).map((message) => `${message.Code ?? ''} ${message.Value ?? ''}`.trim()),
      nextToken: result.NextToken,
    };
  });
}

export interface InsightsResult {
  status: string;
  rows: Array<Record<string, string>>;
  recordsMatched?: number;
}

/**
 * A Logs Insights query: StartQuery, then GetQueryResults until it completes or the deadline passes (the query is
 * then stopped and what arrived so far is returned with its status).
 */
export async function logsInsightsQuery(
  config: AwsClientConfig,
  request: {
    logGroupNames: string[];
    queryString: string;
    window: TimeWindow;
    limit: number;
    signal?: AbortSignal;
    pollIntervalMs: number;
    deadlineMs: number;
  },
): Promise<InsightsResult> {
  return send(new CloudWatchLogsClient(config), 'StartQuery', async (client) => {
    const started = await client.send(
      new StartQueryCommand({
        logGroupNames: request.logGroupNames,
        queryString: request.queryString,
        startTime: Math.floor(request.window.from.getTime() / 1000),
        endTime: Math.ceil(request.window.to.getTime() / 1000),
        limit: request.limit,
      }),
      { abortSignal: request.signal },
    );
    const queryId = started.queryId;
    if (!queryId) throw new Error('StartQuery answered without a query id');
    const deadline = Date.now() + request.deadlineMs;
    for (;;) {
      const results = await client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: request.signal });
      const status = results.status ?? 'Unknown';
      const rows = (results.results ?? []).map((fields) =>
        Object.fromEntries(
          fields
            .filter((field) => field.field && field.field !== '@ptr')
            .map((field) => [field.field as string, field.value ?? '']),
        ),
      );
      const finished = !['Scheduled', 'Running', 'Unknown'].includes(status);
      if (finished) return { status, rows, recordsMatched: results.statistics?.recordsMatched };
      if (Date.now() + request.pollIntervalMs > deadline) {
        await client.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        return {
          status: `${status} (stopped after ${Math.round(request.deadlineMs / 1000)} s)`,
          rows,
          recordsMatched: results.statistics?.recordsMatched,
        };
      }
      await sleep(request.pollIntervalMs, undefined, { signal: request.signal });
    }
  });
}

/** Log groups whose name contains `pattern` (DescribeLogGroups logGroupNamePattern), at most `limit`. */
export async function findLogGroups(
  config: AwsClientConfig,
  pattern: string,
  limit: number,
  signal?: AbortSignal,
): Promise<string[]> {
  return send(new CloudWatchLogsClient(config), 'DescribeLogGroups', async (client) => {
    const result = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: pattern, limit }), {
      abortSignal: signal,
    });
    return (result.logGroups ?? []).map((group) => group.logGroupName).filter((name): name is string => Boolean(name));
  });
}

const dimensionName = z.string().min(1).max(255);
const metricQuery = z
  .object({
    id: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,254}$/, 'starts with a lowercase letter; letters, digits, _'),
    label: z.string().max(200).optional(),
    expression: z
      .string()
      .max(2_048)
      .optional()
      .describe('a metric math or Metrics Insights expression instead of a metric'),
    namespace: z.string().max(255).optional().describe('e.g. AWS/EC2, AWS/Lambda, AWS/ApplicationELB'),
    metricName: z.string().max(255).optional(),
    dimensions: z.record(dimensionName, z.string().max(1024)).optional().describe('e.g. {"FunctionName": "checkout"}'),
    stat: z.string().max(20).default('Average').describe('Average, Sum, Maximum, Minimum, SampleCount, p99…'),
    periodSeconds: z.number().int().min(60).max(86_400).default(60),
  })
  .refine(
    (query) => query.expression || (query.namespace && query.metricName),
    'give an expression, or namespace and metricName',
  );

/** Read-only AWS tools through SDK v3: EC2, EKS, RDS, Lambda, CloudWatch metrics, alarms and Logs Insights. */
export function awsTools(gateway: ConnectionGateway, options: { pollIntervalMs?: number } = {}): AnyToolDefinition[] {
  const common = {
    access: 'readOnly' as const,
    connector: 'aws',
    timeoutMs: listToolTimeoutMs,
    outputCapChars: toolOutputCapChars + 500,
  };
  const page = <Item>(
    connection: ConnectionContext,
    region: string,
    rest: { items: Item[]; nextPageToken?: string; note?: string },
  ) => fitPage({ connection: { id: connection.id, name: connection.name }, region, ...rest });
  return [
    defineTool({
      ...common,
      name: 'aws_list_ec2_instances',
      description:
        'List EC2 instances in a region: id, Name tag, state, type, availability zone, IPs, launch time (cached for 30 minutes).',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        state: z.enum(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']).optional(),
        pageToken: pageTokenField,
        limit: limitField(200, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_list_ec2_instances', region: input.region },
          async (config, connection) => {
            const instances = await connection.cache.getOrLoad(
              connection.cacheKeys.awsEc2(caller.userId ?? 'org', config.region),
              () => loadInstances(config, caller.signal),
            );
            const selected = input.state ? instances.filter((instance) => instance.state === input.state) : instances;
            return page(connection, config.region, offsetPage(selected, input));
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_list_eks_clusters',
      description: 'List EKS clusters in a region with status, Kubernetes version, platform version and creation time.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        pageToken: pageTokenField,
        limit: limitField(50, 20),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_list_eks_clusters', region: input.region },
          async (config, connection) =>
            send(new EKSClient(config), 'ListClusters', async (client) => {
              const listed = await client.send(
                new ListClustersCommand({ maxResults: input.limit, nextToken: input.pageToken }),
                {
                  abortSignal: caller.signal,
                },
              );
              const items = await Promise.all(
                (listed.clusters ?? []).map(async (name) => {
                  const { cluster } = await client.send(new DescribeClusterCommand({ name }), {
                    abortSignal: caller.signal,
                  });
                  return compact({
                    name,
                    status: cluster?.status,
                    version: cluster?.version,
                    platformVersion: cluster?.platformVersion,
                    endpoint: cluster?.endpoint,
                    created: cluster?.createdAt?.toISOString(),
                  });
                }),
              );
              return page(connection, config.region, {
                items,
                ...(listed.nextToken ? { nextPageToken: listed.nextToken } : {}),
              });
            }),
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_list_rds_instances',
      description:
        'List RDS database instances in a region: id, engine and version, class, status, zone, Multi-AZ, endpoint.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        pageToken: pageTokenField,
        limit: limitField(100, 50).pipe(z.number().min(20)),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_list_rds_instances', region: input.region },
          async (config, connection) =>
            send(new RDSClient(config), 'DescribeDBInstances', async (client) => {
              const result = await client.send(
                new DescribeDBInstancesCommand({ MaxRecords: input.limit, Marker: input.pageToken }),
                {
                  abortSignal: caller.signal,
                },
              );
              const items = (result.DBInstances ?? []).map((instance) =>
                compact({
                  id: instance.DBInstanceIdentifier,
                  engine: instance.Engine,
                  version: instance.EngineVersion,
                  class: instance.DBInstanceClass,
                  status: instance.DBInstanceStatus,
                  zone: instance.AvailabilityZone,
                  multiAz: instance.MultiAZ,
                  endpoint: instance.Endpoint?.Address,
                }),
              );
              return page(connection, config.region, {
                items,
                ...(result.Marker ? { nextPageToken: result.Marker } : {}),
              });
            }),
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_list_lambda_functions',
      description: 'List Lambda functions in a region: name, runtime, memory, timeout, last modified.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        pageToken: pageTokenField,
        limit: limitField(50, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAws(
          {
            gateway,
            caller,
            connectionId: input.connectionId,
            tool: 'aws_list_lambda_functions',
            region: input.region,
          },
          async (config, connection) =>
            send(new LambdaClient(config), 'ListFunctions', async (client) => {
              const result = await client.send(
                new ListFunctionsCommand({ MaxItems: input.limit, Marker: input.pageToken }),
                {
                  abortSignal: caller.signal,
                },
              );
              const items = (result.Functions ?? []).map((fn) =>
                compact({
                  name: fn.FunctionName,
                  runtime: fn.Runtime ?? fn.PackageType,
                  memoryMb: fn.MemorySize,
                  timeoutSeconds: fn.Timeout,
                  lastModified: fn.LastModified,
                  architectures: fn.Architectures?.join(','),
                }),
              );
              return page(connection, config.region, {
                items,
                ...(result.NextMarker ? { nextPageToken: result.NextMarker } : {}),
              });
            }),
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_get_metric_data',
      description:
        'Read CloudWatch metrics (GetMetricData): up to 10 queries, each a metric (namespace, metricName, dimensions, stat) or a metric-math / Metrics Insights expression. Points are [epoch ms, value], oldest first.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        queries: z.array(metricQuery).min(1).max(10),
        ...windowFields,
        pageToken: pageTokenField,
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_get_metric_data', region: input.region },
          async (config, connection) => {
            const result = await cloudWatchMetricData(config, {
              queries: input.queries,
              window,
              nextToken: input.pageToken,
              signal: caller.signal,
            });
            return page(connection, config.region, {
              items: result.series,
              ...(result.messages.length ? { note: result.messages.join('; ') } : {}),
              ...(result.nextToken ? { nextPageToken: result.nextToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_describe_alarms',
      description:
        'List CloudWatch alarms (metric and composite), optionally only those in a state or with a name prefix.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        state: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']).optional(),
        namePrefix: z.string().max(255).optional(),
        pageToken: pageTokenField,
        limit: limitField(100, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_describe_alarms', region: input.region },
          async (config, connection) =>
            send(new CloudWatchClient(config), 'DescribeAlarms', async (client) => {
              const result = await client.send(
                new DescribeAlarmsCommand({
                  StateValue: input.state,
                  AlarmNamePrefix: input.namePrefix,
                  AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
                  MaxRecords: input.limit,
                  NextToken: input.pageToken,
                }),
                { abortSignal: caller.signal },
              );
              const items = [
                ...(result.MetricAlarms ?? []).map((alarm) =>
                  compact({
                    name: alarm.AlarmName,
                    state: alarm.StateValue,
                    since: alarm.StateUpdatedTimestamp?.toISOString(),
                    reason: alarm.StateReason,
                    metric: alarm.Namespace && alarm.MetricName ? `${alarm.Namespace} ${alarm.MetricName}` : undefined,
                    dimensions: alarm.Dimensions?.length
                      ? Object.fromEntries(alarm.Dimensions.map((dimension) => [dimension.Name, dimension.Value]))
                      : undefined,
                    condition: alarm.ComparisonOperator
                      ? `${alarm.Statistic ?? alarm.ExtendedStatistic ?? ''} ${alarm.ComparisonOperator} ${alarm.Threshold}`
                      : undefined,
                  }),
                ),
                ...(result.CompositeAlarms ?? []).map((alarm) =>
                  compact({
                    name: alarm.AlarmName,
                    state: alarm.StateValue,
                    since: alarm.StateUpdatedTimestamp?.toISOString(),
                    reason: alarm.StateReason,
                    rule: alarm.AlarmRule,
                  }),
                ),
              ];
              return page(connection, config.region, {
                items,
                ...(result.NextToken ? { nextPageToken: result.NextToken } : {}),
              });
            }),
        );
      },
    }),
    defineTool({
      ...common,
      name: 'aws_query_logs',
      description:
        'Run a CloudWatch Logs Insights query over up to 20 log groups (e.g. fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc). Waits up to 35 s for the result.',
      input: z.object({
        connectionId: connectionIdField,
        region: regionField,
        logGroupNames: z.array(z.string().min(1).max(512)).min(1).max(20),
        query: z.string().min(1).max(10_000).describe('a Logs Insights query'),
        ...windowFields,
        limit: limitField(1_000, 100).describe('rows at most'),
      }),
      timeoutMs: 45_000,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withAws(
          { gateway, caller, connectionId: input.connectionId, tool: 'aws_query_logs', region: input.region },
          async (config, connection) => {
            const result = await logsInsightsQuery(config, {
              logGroupNames: input.logGroupNames,
              queryString: input.query,
              window,
              limit: input.limit,
              signal: caller.signal,
              pollIntervalMs: options.pollIntervalMs ?? 1_000,
              deadlineMs: 35_000,
            });
            return page(connection, config.region, {
              items: result.rows,
              note: `query ${result.status}${result.recordsMatched !== undefined ? `; ${result.recordsMatched} records matched` : ''}`,
            });
          },
        );
      },
    }),
  ];
}
