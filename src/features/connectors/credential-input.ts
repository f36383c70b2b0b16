import { z } from 'zod';
import { datadogSites } from './providers.js';

const name = z.string().trim().min(1).max(100).optional().describe('shown in the UI; defaults to the account found');
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
  .optional()
  .describe('default region for tools; defaults to the configured CONNECTOR_AWS_REGION');
const secretText = (max: number) => z.string().min(1).max(max);
const httpUrl = z.string().url().max(2_000).describe('http(s) URL; checked against the outbound (SSRF) policy');

/**
 * What a user sends to create a credential connection, one variant per auth kind (the provider is in the path).
 * OAuth connections are created by the OAuth flow instead.
 */
export const credentialInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('aws_keys'),
    name,
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'an AWS access key id'),
    secretAccessKey: secretText(256),
    sessionToken: secretText(4096).optional(),
    region: awsRegion,
  }),
  z.object({
    kind: z.literal('aws_role'),
    name,
    roleArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'an IAM role ARN (arn:aws:iam::123456789012:role/…)',
      ),
    region: awsRegion,
  }),
  z.object({
    kind: z.literal('service_principal'),
    name,
    tenantId: z.string().regex(/^[A-Za-z0-9.-]{1,128}$/, 'a tenant id (GUID) or domain'),
    clientId: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'an application (client) id'),
    clientSecret: secretText(1024),
    subscriptionId: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'a subscription id')
      .optional()
      .describe('defaults to the first subscription the principal can read'),
  }),
  z.object({
    kind: z.literal('service_account'),
    name,
    key: secretText(20_000).describe('the JSON key file of a Google Cloud service account, as text'),
  }),
  z.object({
    kind: z.literal('kubeconfig'),
    name,
    kubeconfig: secretText(500_000).describe('kubeconfig YAML; only inline credentials are accepted'),
    context: z.string().min(1).max(253),
  }),
  z.object({ kind: z.literal('bearer'), name, url: httpUrl, token: secretText(8192) }),
  z.object({
    kind: z.literal('basic'),
    name,
    url: httpUrl,
    username: z.string().min(1).max(256),
    password: secretText(1024),
  }),
  z.object({
    kind: z.literal('api_key'),
    name,
    site: z.enum(datadogSites),
    apiKey: secretText(256),
    applicationKey: secretText(256),
  }),
  z.object({ kind: z.literal('token'), name, token: secretText(8192) }),
]);

export type CredentialInput = z.infer<typeof credentialInputSchema>;
export type CredentialInputOf<Kind extends CredentialInput['kind']> = Extract<CredentialInput, { kind: Kind }>;
