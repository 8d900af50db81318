/**
 * The one way the end-to-end tests reach the `../shared` fixtures folder beside the repository
 * (recorded provider streams, XSS payloads). Locally a missing path skips what needs it; under
 * `CI=true` it is an error, so a green CI run always means the fixtures were checked (the same
 * rule as the Rust tests' `support/shared_fixtures.rs`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Whether `CI` says this is a CI run (`true` or `1`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value === 'true' || value === '1';
}

/**
 * `path` when it exists; otherwise throws when `ci`, else returns `null` (the caller skips,
 * naming the path). `ci` is a parameter so the rule can be checked without touching the env.
 */
export function presentOrSkip(file: string, ci: boolean = isCi()): string | null {
  if (existsSync(file)) return file;
  if (ci) {
    throw new Error(
      `${file} is absent, and under CI=true the shared fixtures are required (check them out beside the repository)`,
    );
  }
  return null;
}

/** `../shared/<relative>` beside the repository, or `null` when absent outside CI. */
export function sharedPath(relative: string): string | null {
  return presentOrSkip(path.resolve(__dirname, '..', '..', '..', 'shared', relative));
}
