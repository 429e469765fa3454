/**
 * A read-only GitHub REST client for `npm run github-check`: GET only, Node's global fetch, the
 * workflow's own token. Nothing here throws on a failed read: every failure (an HTTP error, no
 * answer, a redirect, a body that is not JSON, pages that do not add up) comes back as a
 * `Failure` with the reason, so the caller reports it as a finding and the deploy fails closed.
 */

/** The REST API version the response shapes in lib/github follow (https://docs.github.com/en/rest/about-the-rest-api/api-versions). */
export const API_VERSION = "2022-11-28";

/** How long one request may take before it counts as no answer. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** More pages than this is not a repository's settings: stop rather than loop (100 items a page). */
const MAX_PAGES = 50;

export interface Failure {
  readonly ok: false;
  /** The HTTP status, when GitHub answered. */
  readonly status?: number;
  /** What went wrong, e.g. `HTTP 403 Forbidden ("Resource not accessible by integration")`. */
  readonly reason: string;
}

export type Read<T> = { readonly ok: true; readonly value: T } | Failure;

export interface GitHubApiOptions {
  /** The API's base URL: GITHUB_API_URL (`https://api.github.com`; GitHub Enterprise Server: `https://HOST/api/v3`). */
  readonly baseUrl: string;
  readonly token: string;
  /** @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default the global fetch */
  readonly fetch?: typeof fetch;
}

/**
 * The API base URL, checked: https, or http to this machine only (the tests' fake API). The
 * token is sent with every request, so it never goes in clear text across a network.
 */
export function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GITHUB_API_URL ${JSON.stringify(value)} is not a URL; it is https://api.github.com on github.com (the runner sets it)`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new Error(`GITHUB_API_URL ${JSON.stringify(value)} is not https: the token would cross the network in clear text`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new Error(`GITHUB_API_URL ${JSON.stringify(value)} has a query, fragment or credentials; give the API's base URL only`);
  }
  return url;
}

export class GitHubApi {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: GitHubApiOptions) {
    this.base = parseBaseUrl(options.baseUrl);
    this.basePath = this.base.pathname.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** The URL of an API path (`/repos/o/r/...`, already encoded). */
  url(path: string): URL {
    return new URL(`${this.base.origin}${this.basePath}${path}`);
  }

  /** One GET: the parsed JSON body of a 2xx answer, or why there is none. */
  async get(path: string): Promise<Read<unknown>> {
    const page = await this.getUrl(this.url(path));
    return page.ok ? { ok: true, value: page.value.body } : page;
  }

  /**
   * Every page of a paginated list (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api):
   * `per_page=100`, then the `Link: <...>; rel="next"` header until there is none. `items` picks
   * a page's items from its body (undefined: not the documented shape); `total`, when the body
   * has a `total_count`, must equal the number of items read, or the list is incomplete.
   */
  async list(path: string, items: (body: unknown) => readonly unknown[] | undefined, total?: (body: unknown) => number | undefined): Promise<Read<unknown[]>> {
    let url: URL | undefined = this.url(path);
    url.searchParams.set("per_page", "100");
    const all: unknown[] = [];
    let expected: number | undefined;
    for (let n = 1; url !== undefined; n++) {
      if (n > MAX_PAGES) return { ok: false, reason: `more than ${MAX_PAGES} pages of ${path}; the list cannot be read whole` };
      const page = await this.getUrl(url);
      if (!page.ok) return page;
      const got = items(page.value.body);
      if (got === undefined) return { ok: false, reason: `page ${n} of ${path} is not the list GitHub documents (${describe(page.value.body)})` };
      all.push(...got);
      if (total) {
        const t = total(page.value.body);
        if (t === undefined) return { ok: false, reason: `page ${n} of ${path} has no total_count` };
        expected = t;
      }
      const next = nextLink(page.value.link);
      if (next === undefined) url = undefined;
      else {
        let nextUrl: URL;
        try {
          nextUrl = new URL(next);
        } catch {
          return { ok: false, reason: `page ${n} of ${path} links its next page to ${JSON.stringify(next)}, which is not a URL` };
        }
        // The token goes with every request: never to a page GitHub's API did not serve.
        if (nextUrl.origin !== this.base.origin || !nextUrl.pathname.startsWith(`${this.basePath}/`)) {
          return { ok: false, reason: `page ${n} of ${path} links its next page to ${nextUrl.origin}${nextUrl.pathname}, outside ${this.base.origin}${this.basePath}; not followed (the token would go there)` };
        }
        url = nextUrl;
      }
    }
    if (expected !== undefined && expected !== all.length) {
      return { ok: false, reason: `${path} says total_count ${expected}, but its pages hold ${all.length}; the list cannot be read whole` };
    }
    return { ok: true, value: all };
  }

  private async getUrl(url: URL): Promise<Read<{ body: unknown; link: string | null }>> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method: "GET",
        headers: {
          Accept: "application/vnd.github+json",
          Authorization: `Bearer ${this.token}`,
          "X-GitHub-Api-Version": API_VERSION,
          "User-Agent": "uc-env-isolation-github-check",
        },
        // A redirect (a renamed or moved repository) is a failure, never followed with the token.
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (e) {
      const error = e as Error & { cause?: { code?: string; message?: string } };
      if (error.name === "TimeoutError" || error.name === "AbortError") return { ok: false, reason: `no answer from ${url.origin} within ${this.timeoutMs / 1000} s` };
      const cause = error.cause?.code ?? error.cause?.message;
      return { ok: false, reason: `no answer from ${url.origin} (${error.message}${cause ? `: ${cause}` : ""})` };
    }
    const status = response.status;
    if (status < 200 || status > 299) {
      let message = "";
      try {
        const m = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof m === "string") message = ` (${JSON.stringify(m.length > 200 ? `${m.slice(0, 200)}…` : m)})`;
      } catch {
        // Not JSON: the status says enough.
      }
      const where = status >= 300 && status < 400 ? ` to ${response.headers.get("location") ?? "an unnamed location"} (not followed)` : "";
      return { ok: false, status, reason: `HTTP ${status === 0 ? "redirect" : status}${response.statusText ? ` ${response.statusText}` : ""}${where}${message}` };
    }
    try {
      return { ok: true, value: { body: JSON.parse(text), link: response.headers.get("link") } };
    } catch {
      return { ok: false, status, reason: `HTTP ${status}, but the body is not JSON (${JSON.stringify(text.slice(0, 80))})` };
    }
  }
}

/** The `rel="next"` URL of a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/.exec(m[2])?.[1];
    if (rel?.split(/\s+/).includes("next")) return m[1];
  }
  return undefined;
}

/** A short description of a value, for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return `an object with ${Object.keys(value).slice(0, 6).join(", ") || "no fields"}`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
