/**
 * Addresses of the servers started by playwright.config.ts: the apps of the running test's
 * project (its metadata: the `sqlite` apps, or the `postgres` ones), the rest from the
 * environment the config exported (worker processes inherit it).
 */
import { test } from '@playwright/test';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through playwright.config.ts`);
  return value;
}

/** The running test's project's `metadata[key]` (a URL), else the environment's `name`. */
function projectUrl(key: 'appUrl' | 'authUrl', name: string): string {
  const value = test.info().project.metadata?.[key];
  return typeof value === 'string' ? value : required(name);
}

/** Origin of the Sluice app, e.g. http://127.0.0.1:41234 */
export function appUrl(): string {
  return projectUrl('appUrl', 'SLUICE_E2E_APP_URL');
}

/** Origin of the second Sluice app, with accounts (`local` mode, sign-up needs approval). */
export function authUrl(): string {
  return projectUrl('authUrl', 'SLUICE_E2E_AUTH_URL');
}

/** The accounts server's set-up token, which its first sign-up (the admin) must present. */
export function adminToken(): string {
  return required('SLUICE_E2E_ADMIN_TOKEN');
}

/** Origin of the fake upstream (not the /v1 base), e.g. http://127.0.0.1:41235 */
export function fakeUrl(): string {
  return required('SLUICE_E2E_FAKE_URL');
}

/** A marker unique to this test run, to find our own requests among the fake's records. */
export function uniqueTag(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
