/**
 * Client for the fake upstream's inspection routes (`GET /_records`, `DELETE /_records`).
 *
 * Records tell what the app really did upstream: which model it asked for, with which user
 * message, and when it hung up. Specs find their own request by the unique text they sent
 * (`last_user_message`), so tests never depend on request indexes or on clearing records.
 */
import { E2E_API_KEY } from './constants';
import { fakeUrl } from './env';

/** One upstream request as the fake recorded it (times in ms since the fake started). */
export interface RequestRecord {
  index: number;
  model: string;
  path: string;
  started_ms: number;
  first_byte_ms: number | null;
  bytes_sent: number;
  completed: boolean;
  client_disconnected_ms: number | null;
  authorization_ok: boolean;
  last_user_message: string | null;
  /** The whole JSON request body the app sent. */
  body: unknown;
}

/** Which request(s) a helper should look at. */
export interface RecordFilter {
  /** Model id, with or without the app's `openai/` prefix. */
  model?: string;
  /** A substring of the last user message (use a unique tag per test). */
  messageContains?: string;
}

/** The fake names models without the app's provider prefix (`openai/`, `anthropic/`, …). */
export function upstreamModelName(model: string): string {
  return model.replace(/^[^/]+\//, '');
}

function matches(record: RequestRecord, filter: RecordFilter): boolean {
  if (filter.model !== undefined && record.model !== upstreamModelName(filter.model)) return false;
  if (filter.messageContains !== undefined) {
    if (!record.last_user_message?.includes(filter.messageContains)) return false;
  }
  // Every recorded request is a chat request of some provider family.
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** All records the fake holds, oldest first. */
export async function getRecords(): Promise<RequestRecord[]> {
  const response = await fetch(`${fakeUrl()}/_records`);
  if (!response.ok) throw new Error(`GET /_records -> ${response.status}`);
  return (await response.json()) as RequestRecord[];
}

/** Forgets all records (avoid while other workers run: they share the fake). */
export async function clearRecords(): Promise<void> {
  const response = await fetch(`${fakeUrl()}/_records`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /_records -> ${response.status}`);
}

/** Chat-completion records matching `filter`, oldest first. */
export async function findRecords(filter: RecordFilter): Promise<RequestRecord[]> {
  return (await getRecords()).filter((record) => matches(record, filter));
}

/**
 * Polls until `predicate` holds for some matching record; returns it, or throws after
 * `timeoutMs` with the last records seen (useful in the failure message).
 */
export async function waitForRecord(
  filter: RecordFilter,
  predicate: (record: RequestRecord) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<RequestRecord> {
  const deadline = Date.now() + timeoutMs;
  let seen: RequestRecord[] = [];
  for (;;) {
    seen = await findRecords(filter);
    const hit = [...seen].reverse().find(predicate);
    if (hit) return hit;
    if (Date.now() >= deadline) {
      throw new Error(
        `no fake-upstream record matched ${JSON.stringify(filter)} within ${timeoutMs} ms; ` +
          `matching records: ${JSON.stringify(seen)}`,
      );
    }
    await sleep(50);
  }
}

/**
 * Waits (default 2 s) until the fake saw the app hang up on the latest request for `model`
 * (optionally narrowed by message text) and returns that record.
 */
export async function waitForDisconnect(
  model: string,
  options: { messageContains?: string; timeoutMs?: number } = {},
): Promise<RequestRecord> {
  return waitForRecord(
    { model, messageContains: options.messageContains },
    (record) => record.client_disconnected_ms !== null && record.client_disconnected_ms !== undefined,
    options.timeoutMs ?? 2_000,
  );
}

/**
 * The fake's clock against this process's (`Date.now()`): `record_ms + offset` is the wall
 * time of a record's `*_ms`. Measured with one tiny chat request of our own (`fake-echo`):
 * the fake stamped `started_ms` between sending it and its response headers, so the offset
 * taken from the later end is never too small (a delay computed with it is never too short).
 * Retries until that window is under `maxUncertaintyMs`.
 */
export async function fakeClockOffset(maxUncertaintyMs = 25): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tag = `clock-${Date.now()}-${attempt}`;
    const before = Date.now();
    const response = await fetch(`${fakeUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_API_KEY}` },
      body: JSON.stringify({ model: 'fake-echo', stream: true, messages: [{ role: 'user', content: tag }] }),
    });
    const after = Date.now();
    await response.text();
    const record = await waitForRecord({ messageContains: tag });
    if (after - before <= maxUncertaintyMs || attempt >= 5) return after - record.started_ms;
  }
}
