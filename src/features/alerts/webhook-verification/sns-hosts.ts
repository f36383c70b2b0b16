/**
 * Hosts Amazon SNS serves signing certificates and subscription URLs from: `sns.<region>.amazonaws.com`, and
 * `sns.<region>.amazonaws.com.cn` in the China partitions. The same check guards the SubscribeURL a
 * SubscriptionConfirmation asks us to fetch, so a forged body can never point that fetch elsewhere.
 */
export const defaultSnsHostPattern = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

export function isSnsHostUrl(value: string, hostPattern: RegExp = defaultSnsHostPattern): boolean {
  if (value.length > 4_096) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    (url.port === '' || url.port === '443') &&
    hostPattern.test(url.hostname)
  );
}
