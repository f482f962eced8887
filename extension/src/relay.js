// The relay's HTTP API (docs/contracts.md, contract 3): the SSE stream for progress,
// /v1/facts to grade in WASM, /v1/scan as the fallback, /healthz.
// Every failure becomes a RelayError with a `kind` the popup explains.
import { readEvents } from './sse.js';

export class RelayError extends Error {
  // kind: relay_down | unauthorized | refused | rate_limited | unreachable |
  //       timeout | bad_request | not_found | relay_error | bad_response
  constructor(kind, message, { status, code, retryAfter } = {}) {
    super(message);
    this.name = 'RelayError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const KIND_BY_STATUS = { 400: 'bad_request', 401: 'unauthorized', 403: 'refused', 404: 'not_found', 429: 'rate_limited', 502: 'unreachable', 504: 'timeout' };

// The `error` event's code → kind (the same codes as the HTTP errors).
const STREAM_KINDS = {
  bad_input: 'bad_request', uri_too_long: 'bad_request', unauthorized: 'unauthorized',
  refused: 'refused', port_not_allowed: 'refused', rate_limited: 'rate_limited', busy: 'rate_limited',
  unresolvable: 'unreachable', unreachable: 'unreachable', timeout: 'timeout', internal: 'relay_error',
};

function headers(token) {
  const h = { Accept: 'application/json, text/event-stream' };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

function endpoint(relayUrl, path, params) {
  const u = new URL(relayUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
  return u.href;
}

async function send(url, token, signal) {
  try {
    return await fetch(url, { headers: headers(token), signal, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new RelayError('relay_down', `The relay at ${new URL(url).origin} does not answer (${err?.message ?? err}).`);
  }
}

// Turns a non-2xx answer into a RelayError with the relay's code and message.
export async function errorFrom(response) {
  let code;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body?.error) {
      code = body.error.code;
      message = body.error.message ?? message;
    }
  } catch { /* not JSON */ }
  const kind = KIND_BY_STATUS[response.status] ?? 'relay_error';
  const retry = Number(response.headers.get('retry-after'));
  return new RelayError(kind, message, { status: response.status, code, retryAfter: Number.isFinite(retry) ? retry : undefined });
}

async function json(response) {
  try {
    return await response.json();
  } catch (err) {
    throw new RelayError('bad_response', `The relay sent something that is not JSON: ${err.message}`);
  }
}

// GET /healthz: resolves {ok, ms} or throws RelayError.
export async function checkHealth({ relayUrl, token }, signal) {
  const t0 = performance.now();
  const res = await send(endpoint(relayUrl, '/healthz'), token, signal);
  if (!res.ok) throw await errorFrom(res);
  return { ok: true, ms: Math.round(performance.now() - t0) };
}

// GET /v1/facts: the ScanFacts JSON text, or null when this relay has no
// /v1/facts (404 with code not_found on an older relay).
export async function fetchFacts({ relayUrl, token }, target, { fresh = false, signal } = {}) {
  const res = await send(endpoint(relayUrl, '/v1/facts', { host: target.hostname, port: target.port, fresh: fresh ? 1 : undefined }), token, signal);
  if (res.status === 404) return null;
  if (!res.ok) throw await errorFrom(res);
  return res.text();
}

// GET /v1/scan: the report (fallback when there is no stream).
export async function fetchReport({ relayUrl, token }, target, { fresh = false, signal } = {}) {
  const res = await send(endpoint(relayUrl, '/v1/scan', { host: target.hostname, port: target.port, fresh: fresh ? 1 : undefined }), token, signal);
  if (!res.ok) throw await errorFrom(res);
  return json(res);
}

// GET /v1/scan/stream: calls onProgress({done,total,step}) and resolves the
// report object; null when the relay has no stream (404).
export async function streamReport({ relayUrl, token }, target, { fresh = false, signal, onProgress } = {}) {
  const res = await send(endpoint(relayUrl, '/v1/scan/stream', { host: target.hostname, port: target.port, fresh: fresh ? 1 : undefined }), token, signal);
  if (res.status === 404) return null;
  if (!res.ok) throw await errorFrom(res);
  for await (const { event, data } of readEvents(res, signal)) {
    let value;
    try {
      value = JSON.parse(data);
    } catch {
      continue;
    }
    if (event === 'progress') onProgress?.(value);
    else if (event === 'report') return value;
    else if (event === 'error') {
      const e = value?.error ?? {};
      const kind = STREAM_KINDS[e.code] ?? 'unreachable';
      throw new RelayError(kind, e.message ?? 'the scan failed', { code: e.code });
    }
  }
  throw new RelayError('bad_response', 'The relay closed the stream before sending a report.');
}

// The whole scan: the stream for progress, then the facts (cached with the
// report, so no second scan) for grading in WASM. Resolves
// {facts: string|null, report: object|null}; with facts, grade them.
export async function scan(settings, target, { fresh = false, signal, onProgress } = {}) {
  let streamed = await streamReport(settings, target, { fresh, signal, onProgress });
  if (streamed === null) {
    // No stream on this relay: facts directly (they scan if needed), else the report.
    onProgress?.({ done: 0, total: 0, step: 'scanning (no progress from this relay)' });
    const facts = await fetchFacts(settings, target, { fresh, signal });
    if (facts !== null) return { facts, report: null };
    streamed = await fetchReport(settings, target, { fresh: false, signal });
    return { facts: null, report: streamed };
  }
  const facts = await fetchFacts(settings, target, { signal }).catch((err) => {
    if (err?.name === 'AbortError') throw err;
    return null; // the streamed report is as good, only graded by the relay
  });
  return { facts, report: streamed };
}
