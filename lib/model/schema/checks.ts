/**
 * Checks of single values that one pattern cannot state (or state helpfully): which part of a
 * workspace URL is wrong, an access value, the remote state's key, a clean storage URL.
 */
import { PRIVILEGES, isAccessLevel, levelsFor, privilegesOf, type SecurableType } from "../../permissions";
import { closest } from "../suggest";
import type { ValueProblem } from "./fields";

const HOST_EXAMPLE = "write it like https://dbc-a72d6af9-df3d.cloud.databricks.com";

/**
 * Why a string is not a plain `https://<host>` URL (it failed HTTPS_HOST, which matches exactly
 * the strings `new URL` gives back as `https://<hostname>` with a well-formed host name).
 */
export function diagnoseHost(value: string): ValueProblem {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: "is not a URL", fix: HOST_EXAMPLE };
  }
  if (url.protocol !== "https:") return { problem: "must use https", fix: `write it as https://${url.host}` };
  if (url.username || url.password || url.search || url.hash || url.port || (url.pathname !== "/" && url.pathname !== "")) {
    return { problem: "must be the workspace URL alone (no path, port, query or credentials)", fix: `write it as https://${url.hostname}` };
  }
  return { problem: "is not written in its plain form", fix: `write it as https://${url.hostname} (lower case, no trailing slash)` };
}

/** The levels and privileges an access value may name on a securable. */
function accessWords(securable: SecurableType): { levels: string[]; privileges: readonly string[] } {
  return { levels: levelsFor(securable), privileges: PRIVILEGES[securable] };
}

/** The access values of a securable for editors: a level or one privilege, or a list of privileges. */
export function accessJsonSchema(securable: SecurableType): { readonly [keyword: string]: unknown } {
  const { levels, privileges } = accessWords(securable);
  return {
    anyOf: [
      { type: "string", enum: [...levels, ...privileges] },
      { type: "array", items: { type: "string", enum: [...privileges] }, minItems: 1, uniqueItems: true },
    ],
  };
}

/** An access value: a level name, or a list of privileges valid for the securable. */
export function accessProblems(securable: SecurableType) {
  return (value: string | readonly unknown[]): ValueProblem[] => {
    const { levels, privileges } = accessWords(securable);
    if (typeof value === "string") {
      if ((isAccessLevel(value) && privilegesOf(value, securable)) || privileges.includes(value)) return [];
      const near = closest(value, [...levels, ...privileges]);
      return [
        {
          problem: `is not an access level or ${securable} privilege`,
          fix: `${near ? `did you mean \`${near}\`? ` : ""}use a level (${levels.join(", ")}) or a list of ${securable} privileges`,
        },
      ];
    }
    if (value.length === 0) return [{ problem: "is an empty privilege list", fix: "list at least one privilege, or remove the entry to grant nothing" }];
    const problems: ValueProblem[] = [];
    value.forEach((p, i) => {
      if (typeof p === "string" && privileges.includes(p)) return;
      const near = typeof p === "string" ? closest(p, privileges) : undefined;
      const other = (Object.keys(PRIVILEGES) as SecurableType[]).filter((t) => t !== securable && typeof p === "string" && PRIVILEGES[t].includes(p));
      problems.push({
        at: [i],
        problem: other.length > 0 ? `${String(p)} is a ${other.join("/")} privilege, not valid on a ${securable}` : `is not a Unity Catalog ${securable} privilege`,
        fix: `${near ? `did you mean \`${near}\`? ` : ""}valid ${securable} privileges: ${privileges.join(", ")}`,
        value: p,
      });
    });
    if (problems.length > 0) return problems;
    if (new Set(value).size !== value.length) return [{ problem: "lists a privilege twice", fix: "list each privilege once" }];
    if (value.includes("ALL_PRIVILEGES") && value.length > 1) return [{ problem: "lists ALL_PRIVILEGES with other privileges", fix: "ALL_PRIVILEGES already includes them; list it alone" }];
    return [];
  };
}

/** The remote state's key: `{stack}` exactly once, and a clean S3 key around it. */
export function stateKeyProblems(key: string): ValueProblem[] {
  const count = key.split("{stack}").length - 1;
  if (count !== 1) {
    return [
      {
        problem: count === 0 ? "has no {stack}, so every stack would share one state file (and overwrite each other)" : "has {stack} more than once",
        fix: 'put {stack} in the key exactly once, e.g. "uc-env-isolation/{stack}.tfstate"',
      },
    ];
  }
  if (key.startsWith("/") || key.includes("//") || /[{}]/.test(key.replace("{stack}", ""))) {
    return [{ problem: "is not a clean S3 key", fix: 'use {stack} as the only placeholder, no leading or doubled slashes, e.g. "uc-env-isolation/{stack}.tfstate"' }];
  }
  return [];
}

/** The sandbox storage URL as the model keeps it: without trailing slashes. */
export function trimStorageUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * A storage URL whose spelling cannot hide where it points: no encoded characters, query,
 * fragment, backslash, or empty, `.` or `..` path segments (trailing slashes aside).
 */
export function cleanStorageUrl(url: string): ValueProblem[] {
  const trimmed = trimStorageUrl(url);
  const [, rest = ""] = /^[a-z0-9]+:\/\/[^/]*(.*)$/i.exec(trimmed) ?? [];
  if (/[%?#\\]/.test(trimmed) || rest.split("/").slice(1).some((seg) => seg === "" || seg === "." || seg === "..")) {
    return [{ problem: "is not a clean storage URL (no %, ?, #, backslash, empty, . or .. path segments)", fix: "write the external location's URL as `databricks external-locations get` shows it" }];
  }
  return [];
}

/** A storage URL as compared here: lower-case scheme and authority, no trailing slash. */
export function storageKey(url: string): string {
  const m = /^([a-z0-9]+):\/\/([^/]*)(.*)$/i.exec(url);
  if (!m) return url;
  return `${m[1].toLowerCase()}://${m[2].toLowerCase()}${m[3].replace(/\/+$/, "")}`;
}

/** True when the storage key `inner` is `outer` or lies below it (whole path segments). */
export function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}
