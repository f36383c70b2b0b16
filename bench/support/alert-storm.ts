import { createHash } from 'node:crypto';

/**
 * Alertmanager webhook v4 bodies for the intake benchmark: an alert storm across 50 services, one notification group
 * per (service, alertname), each request one group notification of `alertsPerRequest` alerts. Some alerts repeat
 * ones the group already sent (same labels, so the same fingerprint: Aurora's dedup path, with a changed value in
 * the description as Alertmanager re-renders it); the rest are new pods/instances (new fingerprints). The number of
 * repeats per request keeps the running share of repeats at `repeatShare` (3 of 10 at 0.3 once groups have history;
 * up to 6 while it catches up on requests to groups that had none). Every body is different, so none is a replay.
 *
 * Deterministic for a seed, so every configuration of a run sees the same sequence of bodies.
 */

export interface StormOptions {
  seed: number;
  alertsPerRequest: number;
  /** Share of all alerts sent that repeat a recent fingerprint of their group, e.g. 0.3. */
  repeatShare: number;
}

/** One generated request: its JSON body and the Alertmanager fingerprint of each alert in it. */
export interface StormRequest {
  body: string;
  fingerprints: string[];
  repeats: number;
}

const services = [
  'checkout',
  'payments',
  'cart',
  'catalog',
  'search',
  'recommendations',
  'inventory',
  'shipping',
  'orders',
  'users',
  'auth',
  'notifications',
  'email-sender',
  'sms-gateway',
  'billing',
  'invoicing',
  'pricing',
  'promotions',
  'reviews',
  'ratings',
  'media',
  'image-resizer',
  'edge-proxy',
  'api-gateway',
  'graphql',
  'websocket-hub',
  'sessions',
  'profile',
  'accounts',
  'ledger',
  'fraud-detection',
  'risk-scoring',
  'kyc',
  'reporting',
  'analytics',
  'event-collector',
  'ingest',
  'etl-runner',
  'scheduler',
  'cron-jobs',
  'queue-worker',
  'mailer',
  'webhooks',
  'partner-api',
  'mobile-bff',
  'web-bff',
  'feature-flags',
  'config-service',
  'audit-trail',
  'geo-lookup',
] as const;

const teams = ['payments', 'storefront', 'platform', 'identity', 'growth', 'data', 'messaging', 'core'] as const;
const clusters = ['prod-eu-west-1', 'prod-us-east-1', 'prod-ap-southeast-1'] as const;

interface AlertKind {
  alertname: string;
  severity: 'critical' | 'warning' | 'info';
  summary(service: string, pod: string, instance: string): string;
  description(service: string, pod: string, instance: string, value: number): string;
  runbook: string;
  dashboard?: string;
}

const kinds: AlertKind[] = [
  {
    alertname: 'HighErrorRate',
    severity: 'critical',
    summary: (service) => `${service} 5xx rate above 5%`,
    description: (_s, _p, instance, value) =>
      `5xx responses are ${(5 + value * 20).toFixed(1)}% of requests on ${instance} over the last 5 minutes.`,
    runbook: 'high-error-rate',
    dashboard: 'http-overview',
  },
  {
    alertname: 'HighLatencyP99',
    severity: 'warning',
    summary: (service) => `${service} p99 latency above 1s`,
    description: (_s, _p, instance, value) =>
      `p99 request latency on ${instance} is ${(1 + value * 4).toFixed(2)}s (threshold 1s) for 10 minutes.`,
    runbook: 'high-latency',
    dashboard: 'http-overview',
  },
  {
    alertname: 'KubePodCrashLooping',
    severity: 'critical',
    summary: (_s, pod) => `Pod ${pod} is crash looping`,
    description: (service, pod, _i, value) =>
      `Pod ${service}/${pod} (container ${service}) restarted ${Math.ceil(value * 12) + 3} times in the last 15 minutes.`,
    runbook: 'kube-pod-crash-looping',
  },
  {
    alertname: 'KubePodNotReady',
    severity: 'warning',
    summary: (_s, pod) => `Pod ${pod} has been in a non-ready state for more than 15 minutes`,
    description: (service, pod, _i, value) =>
      `Pod ${service}/${pod} has been in phase Pending for ${Math.ceil(15 + value * 30)} minutes.`,
    runbook: 'kube-pod-not-ready',
  },
  {
    alertname: 'ContainerOOMKilled',
    severity: 'critical',
    summary: (_s, pod) => `Container in ${pod} was OOM killed`,
    description: (service, pod, _i, value) =>
      `Container ${service} in pod ${pod} was OOM-killed ${Math.ceil(value * 4)} time(s); limit 512Mi.`,
    runbook: 'container-oom-killed',
  },
  {
    alertname: 'CPUThrottlingHigh',
    severity: 'info',
    summary: (_s, pod) => `Processes in ${pod} experience elevated CPU throttling`,
    description: (service, pod, _i, value) =>
      `${(25 + value * 70).toFixed(0)}% throttling of CPU in container ${service} of pod ${pod}.`,
    runbook: 'cpu-throttling-high',
  },
  {
    alertname: 'MemoryUsageHigh',
    severity: 'warning',
    summary: (_s, _p, instance) => `Memory usage on ${instance} above 90%`,
    description: (_s, _p, instance, value) =>
      `Working set is ${(90 + value * 9.9).toFixed(1)}% of the memory limit on ${instance}.`,
    runbook: 'memory-usage-high',
    dashboard: 'resources',
  },
  {
    alertname: 'TargetDown',
    severity: 'critical',
    summary: (service) => `${service} scrape targets are down`,
    description: (service, _p, _i, value) =>
      `${(10 + value * 90).toFixed(0)}% of the ${service} targets in the production cluster are down.`,
    runbook: 'target-down',
  },
  {
    alertname: 'SLOErrorBudgetBurnFast',
    severity: 'critical',
    summary: (service) => `${service} is burning its error budget 14x too fast`,
    description: (service, _p, _i, value) =>
      `The 1h burn rate of the ${service} availability SLO is ${(14 + value * 20).toFixed(1)}x; the monthly budget lasts 2 days at this rate.`,
    runbook: 'slo-burn-rate',
    dashboard: 'slo',
  },
  {
    alertname: 'QueueBacklogGrowing',
    severity: 'warning',
    summary: (service) => `${service} queue backlog is growing`,
    description: (service, _p, _i, value) =>
      `The ${service} consumer lag is ${Math.ceil(1_000 + value * 50_000)} messages and rising for 10 minutes.`,
    runbook: 'queue-backlog',
  },
  {
    alertname: 'DatabaseConnectionsSaturated',
    severity: 'critical',
    summary: (service) => `${service} database connection pool is saturated`,
    description: (_s, _p, instance, value) =>
      `${Math.ceil(90 + value * 10)}% of the pool's connections on ${instance} are in use; requests wait for a connection.`,
    runbook: 'db-connections-saturated',
  },
  {
    alertname: 'CertificateExpiringSoon',
    severity: 'info',
    summary: (service) => `TLS certificate of ${service} expires in less than 14 days`,
    description: (service, _p, _i, value) =>
      `The certificate served by ${service}.example.com expires in ${Math.ceil(value * 13) + 1} days.`,
    runbook: 'certificate-expiry',
  },
];

interface SentAlert {
  labels: Record<string, string>;
  fingerprint: string;
  startsAt: string;
  pod: string;
  instance: string;
}

interface Group {
  service: string;
  serviceIndex: number;
  kind: AlertKind;
  /** The group's most recent alerts, newest last; repeats are drawn from here. */
  recent: SentAlert[];
}

const recentPerGroup = 30;

/** mulberry32: small, fast and good enough to pick services and values. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What Alertmanager does in spirit: a stable hash of the sorted label set, 16 hex digits. */
function fingerprintOf(labels: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(labels).sort()) hash.update(`${name}\u00ff${labels[name]}\u00ff`);
  return hash.digest('hex').slice(0, 16);
}

export class AlertStorm {
  readonly services = services.length;
  readonly alertKinds = kinds.length;
  private readonly random: () => number;
  private readonly groups = new Map<string, Group>();
  /** Cumulative Zipf weights (s = 1): a few services storm, the long tail fires now and then. */
  private readonly cumulativeWeights: number[];
  private podCounter = 0;
  private alertsSent = 0;
  private repeatsSent = 0;

  constructor(private readonly options: StormOptions) {
    this.random = prng(options.seed);
    let total = 0;
    const weights = services.map((_, index) => {
      total += 1 / (index + 1);
      return total;
    });
    this.cumulativeWeights = weights.map((weight) => weight / total);
  }

  /** How many (service, alertname) groups, i.e. distinct groupKeys, have fired so far. */
  get groupKeys(): number {
    return this.groups.size;
  }

  next(): StormRequest {
    const group = this.pickGroup();
    const wanted = Math.round(
      this.options.repeatShare * (this.alertsSent + this.options.alertsPerRequest) - this.repeatsSent,
    );
    const repeats = Math.max(0, Math.min(wanted, Math.floor(this.options.alertsPerRequest * 0.6), group.recent.length));
    this.alertsSent += this.options.alertsPerRequest;
    this.repeatsSent += repeats;
    const chosen: SentAlert[] = [];
    // Distinct repeats from the group's recent alerts.
    const pool = [...group.recent];
    for (let index = 0; index < repeats; index++) {
      const [picked] = pool.splice(Math.floor(this.random() * pool.length), 1);
      if (picked) chosen.push(picked);
    }
    const fresh: SentAlert[] = [];
    while (chosen.length + fresh.length < this.options.alertsPerRequest) fresh.push(this.newAlert(group));
    group.recent.push(...fresh);
    if (group.recent.length > recentPerGroup) group.recent.splice(0, group.recent.length - recentPerGroup);

    const alerts = [...chosen, ...fresh].map((alert) => ({
      status: 'firing',
      labels: alert.labels,
      annotations: {
        summary: group.kind.summary(group.service, alert.pod, alert.instance),
        description: group.kind.description(group.service, alert.pod, alert.instance, this.random()),
        runbook_url: `https://runbooks.example.com/${group.kind.runbook}`,
        ...(group.kind.dashboard
          ? { dashboard_url: `https://grafana.example.com/d/${group.kind.dashboard}?var-service=${group.service}` }
          : {}),
      },
      startsAt: alert.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus-k8s.monitoring.svc:9090/graph?g0.expr=ALERTS%7Balertname%3D%22${group.kind.alertname}%22%7D&g0.tab=1`,
      fingerprint: alert.fingerprint,
    }));
    const first = alerts[0]?.labels ?? {};
    const commonLabels: Record<string, string> = {};
    for (const [name, value] of Object.entries(first)) {
      if (alerts.every((alert) => alert.labels[name] === value)) commonLabels[name] = value;
    }
    const body = {
      receiver: 'aurora',
      status: 'firing',
      alerts,
      groupLabels: { alertname: group.kind.alertname, service: group.service },
      commonLabels,
      commonAnnotations: {},
      externalURL: 'http://alertmanager-main.monitoring.svc:9093',
      version: '4',
      groupKey: `{}/{severity=~"critical|warning|info"}:{alertname="${group.kind.alertname}", service="${group.service}"}`,
      truncatedAlerts: 0,
    };
    return { body: JSON.stringify(body), fingerprints: alerts.map((alert) => alert.fingerprint), repeats };
  }

  private pickGroup(): Group {
    const draw = this.random();
    let serviceIndex = this.cumulativeWeights.findIndex((weight) => draw <= weight);
    if (serviceIndex < 0) serviceIndex = services.length - 1;
    const kindIndex = Math.floor(this.random() * kinds.length);
    const key = `${serviceIndex}:${kindIndex}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { service: services[serviceIndex]!, serviceIndex, kind: kinds[kindIndex]!, recent: [] };
      this.groups.set(key, group);
    }
    return group;
  }

  private newAlert(group: Group): SentAlert {
    const serial = ++this.podCounter;
    const suffix = (serial * 2_654_435_761).toString(36).slice(-5).padStart(5, 'x');
    const replicaSet = (((group.serviceIndex + 1) * 2_654_435_761) >>> 0).toString(16).padStart(8, '0').slice(0, 9);
    const pod = `${group.service}-${replicaSet}-${suffix}${serial.toString(36)}`;
    const instance = `10.${(serial >> 16) & 255}.${(serial >> 8) & 255}.${serial & 255}:8080`;
    const team = teams[group.serviceIndex % teams.length]!;
    const labels: Record<string, string> = {
      alertname: group.kind.alertname,
      severity: group.kind.severity,
      service: group.service,
      job: `${group.service}-metrics`,
      instance,
      namespace: team,
      pod,
      container: group.service,
      team,
      env: 'production',
      cluster: clusters[serial % clusters.length]!,
      prometheus: 'monitoring/k8s',
    };
    const startsAt = new Date(Date.now() - Math.floor(this.random() * 600_000)).toISOString();
    return { labels, fingerprint: fingerprintOf(labels), startsAt, pod, instance };
  }
}
