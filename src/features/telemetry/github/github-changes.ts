import { Octokit } from 'octokit';
import type { OutboundFetch } from '../../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import { type ChangeKind, type ChangeRecord, type ChangesPort, inWindow } from '../telemetry.model.js';

export interface GitHubRepositoryMapping {
  owner: string;
  repo: string;
  /** The service this repository deploys. */
  service: string;
  /** Only deployments to this environment count (default: all). */
  environment?: string;
}

export interface GitHubChangesOptions {
  /** A token from the secret store (never logged). */
  token?: string;
  /** GitHub Enterprise Server API URL (user-supplied, checked against the policy); default https://api.github.com. */
  baseUrl?: string;
  policy?: OutboundPolicy;
  /** platform.outbound.fetch: Octokit sends every request through it. */
  fetch: OutboundFetch;
  repositories: GitHubRepositoryMapping[];
}

/** A merged PR's labels decide its kind; unlabelled merges are deploys (the common merge-to-deploy setup). */
function kindFromLabels(labels: Array<{ name?: string } | string>): ChangeKind {
  const names = labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')).toLowerCase());
  if (names.some((name) => /feature[-_ ]?flag/.test(name))) return 'feature_flag';
  if (names.some((name) => /\b(config|configuration)\b/.test(name))) return 'config';
  if (names.some((name) => /\b(infra|infrastructure|terraform)\b/.test(name))) return 'infra';
  if (names.some((name) => /\bscal(e|ing)\b/.test(name))) return 'scale';
  return 'deploy';
}

const firstLine = (text: string) => text.split('\n')[0]?.slice(0, 200) ?? '';

/**
 * Changes from GitHub through Octokit: deployments (kind deploy), merged pull requests (kind from their labels) and
 * direct commits to the default branch that no merged PR covers. One repository maps to one service.
 */
export function gitHubChanges(options: GitHubChangesOptions): ChangesPort {
  if (options.baseUrl && options.policy) assertOutboundUrl(options.baseUrl, options.policy, 'github url');
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    request: { fetch: options.fetch },
    // Rate-limit and secondary-limit retries would outlive the evidence time budget; fail fast instead.
    throttle: { enabled: false },
    retry: { enabled: false },
  });
  return {
    name: 'github',
    async list({ window, services }, callOptions) {
      const request = { signal: callOptions?.signal };
      const since = window.from.toISOString();
      const until = window.to.toISOString();
      const repositories = options.repositories.filter((mapping) => !services || services.includes(mapping.service));
      const perRepository = await Promise.all(
        repositories.map(async (mapping): Promise<ChangeRecord[]> => {
          const { owner, repo, service } = mapping;
          const [deployments, pulls, commits] = await Promise.all([
            octokit.rest.repos.listDeployments({
              owner,
              repo,
              environment: mapping.environment,
              per_page: 50,
              request,
            }),
            octokit.rest.pulls.list({
              owner,
              repo,
              state: 'closed',
              sort: 'updated',
              direction: 'desc',
              per_page: 50,
              request,
            }),
            octokit.rest.repos.listCommits({ owner, repo, since, until, per_page: 100, request }),
          ]);
          const changes: ChangeRecord[] = [];
          for (const deployment of deployments.data) {
            const time = new Date(deployment.created_at);
            if (!inWindow(time, window)) continue;
            changes.push({
              time,
              service,
              kind: 'deploy',
              summary: `GitHub deployment of ${deployment.ref} to ${deployment.environment}${deployment.description ? `: ${firstLine(deployment.description)}` : ''}`,
              author: deployment.creator?.login,
              ref: `${owner}/${repo}@${deployment.sha.slice(0, 12)}`,
            });
          }
          const merged = new Set<string>();
          for (const pull of pulls.data) {
            if (!pull.merged_at) continue;
            if (pull.merge_commit_sha) merged.add(pull.merge_commit_sha);
            const time = new Date(pull.merged_at);
            if (!inWindow(time, window)) continue;
            changes.push({
              time,
              service,
              kind: kindFromLabels(pull.labels),
              summary: `Merged PR #${pull.number}: ${firstLine(pull.title)}`,
              author: pull.user?.login,
              ref: `${owner}/${repo}#${pull.number}`,
            });
          }
          for (const commit of commits.data) {
            if (merged.has(commit.sha)) continue;
            const date = commit.commit.committer?.date ?? commit.commit.author?.date;
            if (!date) continue;
            const time = new Date(date);
            if (!inWindow(time, window)) continue;
            changes.push({
              time,
              service,
              kind: 'deploy',
              summary: `Commit: ${firstLine(commit.commit.message)}`,
              author: commit.author?.login ?? commit.commit.author?.name,
              ref: `${owner}/${repo}@${commit.sha.slice(0, 12)}`,
            });
          }
          return changes;
        }),
      );
      return perRepository.flat().sort((left, right) => left.time.getTime() - right.time.getTime());
    },
  };
}
