import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ConnectorsConfig } from '../../../config/config.js';
import { UpstreamUnavailable, ValidationFailed } from '../../../platform/errors.js';
import { CredentialsRejected } from '../provider-http.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: Date;
}

// Error names STS and EC2 use when the caller's credentials are wrong, expired or not allowed.
const rejectedNames = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'AuthFailure',
  'UnauthorizedOperation',
  'InvalidIdentityToken',
  'RegionDisabledException',
]);

/** Turns an AWS SDK error into a domain error whose message names the error code, never the credentials. */
export function awsError(action: string, error: unknown): Error {
  const name = (error as { name?: string })?.name ?? 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (rejectedNames.has(name) || status === 401 || status === 403) {
    return new CredentialsRejected(`AWS refused ${action}: ${name}`, { code: name });
  }
  if (name === 'CredentialsProviderError') {
    return new ValidationFailed(
      'Aurora has no AWS identity of its own to assume the role with: give its host an AWS identity (instance profile, IRSA or AWS_* variables of the SDK default chain)',
    );
  }
  if (name === 'MalformedPolicyDocument' || name === 'ValidationError') {
    return new ValidationFailed(`AWS refused ${action}: ${name}`, { code: name });
  }
  return new UpstreamUnavailable(`AWS did not answer ${action}: ${name}`, 30);
}

export function stsClient(config: ConnectorsConfig, credentials?: AwsCredentials): STSClient {
  return new STSClient({
    region: config.awsRegion,
    endpoint: config.awsStsEndpoint,
    credentials: credentials && {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 2,
  });
}

export async function callerIdentity(
  config: ConnectorsConfig,
  credentials: AwsCredentials,
): Promise<{ account: string; arn: string }> {
  const client = stsClient(config, credentials);
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    if (!identity.Account || !identity.Arn) throw new UpstreamUnavailable('AWS STS answered without an account');
    return { account: identity.Account, arn: identity.Arn };
  } catch (error) {
    throw error instanceof UpstreamUnavailable ? error : awsError('GetCallerIdentity', error);
  } finally {
    client.destroy();
  }
}

/** AssumeRole with the org's external id, using Aurora's own AWS identity (the SDK's default chain). */
export async function assumeRole(
  config: ConnectorsConfig,
  input: { roleArn: string; externalId: string; sessionName: string; durationSeconds?: number },
): Promise<AwsCredentials & { account: string; arn: string }> {
  const client = stsClient(config);
  try {
    const result = await client.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        ExternalId: input.externalId,
        RoleSessionName: input.sessionName,
        DurationSeconds: input.durationSeconds ?? 3600,
      }),
    );
    const credentials = result.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new UpstreamUnavailable('AWS STS AssumeRole answered without credentials');
    }
    const arn = result.AssumedRoleUser?.Arn ?? input.roleArn;
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiresAt: credentials.Expiration,
      account: arn.split(':')[4] ?? '',
      arn,
    };
  } catch (error) {
    throw error instanceof UpstreamUnavailable ? error : awsError('AssumeRole', error);
  } finally {
    client.destroy();
  }
}

/** Regions enabled for the account (EC2 DescribeRegions). */
export async function enabledRegions(region: string, credentials: AwsCredentials): Promise<string[]> {
  const client = new EC2Client({
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 2,
  });
  try {
    const result = await client.send(new DescribeRegionsCommand({}));
    return (result.Regions ?? [])
      .map((entry) => entry.RegionName)
      .filter((name): name is string => Boolean(name))
      .sort();
  } catch (error) {
    throw awsError('DescribeRegions', error);
  } finally {
    client.destroy();
  }
}
