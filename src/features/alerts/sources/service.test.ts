import { describe, expect, it } from 'vitest';
import {
  environmentFromLabels,
  environmentFromName,
  serviceFromDimensions,
  serviceFromLabels,
  serviceFromTags,
} from './service.js';

describe('serviceFromLabels', () => {
  it('follows the documented order', () => {
    const labels: Record<string, string> = {
      namespace: 'shop',
      deployment: 'shop-api',
      job: 'kubernetes-pods',
      app_kubernetes_io_name: 'shop-frontend',
      app: 'shop-app',
      service_name: 'shop-service-name',
      service: 'shop-service',
    };
    const expected = [
      'shop-service',
      'shop-service-name',
      'shop-app',
      'shop-frontend',
      'kubernetes-pods',
      'shop-api',
      'shop',
    ];
    for (const value of expected) {
      expect(serviceFromLabels(labels)).toBe(value);
      const key = Object.keys(labels).find((name) => labels[name] === value);
      if (key) delete labels[key];
    }
    expect(serviceFromLabels(labels)).toBeNull();
  });

  it('skips empty values', () => {
    expect(serviceFromLabels({ service: '  ', app: 'api' })).toBe('api');
  });
});

describe('environmentFromLabels', () => {
  it('prefers explicit labels, then an environment-like namespace', () => {
    expect(environmentFromLabels({ env: 'prod', environment: 'production' })).toBe('prod');
    expect(environmentFromLabels({ environment: 'production', namespace: 'shop-staging' })).toBe('production');
    expect(environmentFromLabels({ namespace: 'shop-staging' })).toBe('staging');
    expect(environmentFromLabels({ namespace: 'production' })).toBe('production');
    expect(environmentFromLabels({ namespace: 'payments' })).toBeNull();
    expect(environmentFromLabels({})).toBeNull();
  });

  it('finds environment words in names', () => {
    expect(environmentFromName('prod-orders-lambda-errors')).toBe('prod');
    expect(environmentFromName('checkout-api-high-cpu')).toBeNull();
    expect(environmentFromName(42)).toBeNull();
  });
});

describe('source-specific service', () => {
  it('reads the service tag and the CloudWatch dimensions in order', () => {
    expect(serviceFromTags({ env: 'prod', service: 'checkout' })).toBe('checkout');
    expect(serviceFromTags({ env: 'prod' })).toBeNull();
    expect(serviceFromDimensions({ InstanceId: 'i-1', FunctionName: 'orders', ServiceName: 'storefront' })).toBe(
      'storefront',
    );
    expect(serviceFromDimensions({ InstanceId: 'i-1', DBInstanceIdentifier: 'orders-db' })).toBe('orders-db');
    expect(serviceFromDimensions({ InstanceId: 'i-1' })).toBe('i-1');
    expect(serviceFromDimensions({ Currency: 'USD' })).toBeNull();
  });
});
