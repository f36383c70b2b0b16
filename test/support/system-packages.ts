/**
 * Tests that need a Debian package (Prometheus, Alertmanager, Chromium) skip, saying why, on a machine without it,
 * so `npm test` passes on a fresh laptop. `.ci/run` installs the packages and sets
 * AURORA_TEST_REQUIRE_SYSTEM_PACKAGES=1, so in CI a missing package fails the run instead of skipping tests silently.
 */
export function systemPackageAvailable(available: boolean, what: string): boolean {
  if (!available && process.env.AURORA_TEST_REQUIRE_SYSTEM_PACKAGES === '1') {
    throw new Error(`${what} is required in this run (AURORA_TEST_REQUIRE_SYSTEM_PACKAGES=1) but is not installed`);
  }
  return available;
}
