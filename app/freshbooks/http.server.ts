import { errorForResponse, FreshBooksAuthError, FreshBooksTransientError, FreshBooksValidationError, errorDetails } from "./errors";

export const DEFAULT_TIMEOUT_MS = 15_000;

/** A GET is repeated this many times after a 5xx, network error or timeout (200 ms, then 400 ms). */
export const GET_RETRIES = 2;
const GET_RETRY_DELAY_MS = 200;

/**
 * The one GET-retry loop: runs `get` again after a transient failure (5xx, network error,
 * timeout), twice, quickly. Only for requests that change nothing (GETs): a write is never
 * repeated without looking first (the pipeline's business).
 */
export async function retryGet<T>(get: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await get();
    } catch (error) {
      if (!(error instanceof FreshBooksTransientError) || attempt >= GET_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, GET_RETRY_DELAY_MS * 2 ** attempt));
    }
  }
}

export interface HttpOptions {
  method: "GET" | "POST" | "PUT";
  url: string;
  token?: string;
  /** JSON body; form bodies are not needed (the token endpoint takes JSON, docs/freshbooks-api.md §1). */
  body?: unknown;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * One HTTP exchange with FreshBooks: a timeout on every call, both error formats parsed into
 * typed errors, and errors hidden in 2xx bodies caught too. No retries here: whether a call may
 * be repeated is the caller's decision (a POST never is, blindly).
 */
export async function freshbooksRequest<T>(options: HttpOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(options.url, {
      method: options.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new FreshBooksTransientError(
      timedOut
        ? `FreshBooks did not answer within ${Math.round(timeoutMs / 1000)} s`
        : `Could not reach FreshBooks (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`,
      null,
    );
  }

  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new FreshBooksTransientError("FreshBooks' answer was cut off", response.status);
  }
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null; // e.g. an HTML 502 page from a proxy
    }
  }

  if (!response.ok) throw errorForResponse(response.status, body, response.headers.get("Retry-After"));
  if (text.length > 0 && body === null) {
    throw new FreshBooksTransientError(`FreshBooks answered HTTP ${response.status} with a body that is not JSON`, response.status);
  }
  // The classic format can report errors with a 200 (docs/freshbooks-api.md §8): never take those as success.
  const hidden = errorDetails(body);
  if (hidden.length > 0 && (body as { response?: { errors?: unknown } }).response?.errors) {
    const message = hidden.map((detail) => detail.message).join("; ");
    if (hidden.some((detail) => detail.errno === 1003)) throw new FreshBooksAuthError(message, response.status, hidden);
    throw new FreshBooksValidationError(message, response.status, hidden);
  }
  return body as T;
}
