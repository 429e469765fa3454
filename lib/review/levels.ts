/** Privilege lists named by their access level (lib/permissions.ts) where they are one: `read`, `all`. */
import { ACCESS_LEVELS, type SecurableType } from "../permissions";

/** The access level a privilege list is on a securable type (`read`), when it is exactly one. */
export function levelOf(securableType: string, privileges: readonly string[]): string | undefined {
  const sorted = [...new Set(privileges)].sort().join(",");
  if (sorted === "") return undefined;
  for (const [level, by] of Object.entries(ACCESS_LEVELS)) {
    const set = (by as { readonly [T in SecurableType]?: readonly string[] })[securableType as SecurableType];
    if (set && [...set].sort().join(",") === sorted) return level;
  }
  return undefined;
}

/** The access level a privilege list is, when it is one (`read`), else the privileges. */
export function accessLabel(securableType: string, privileges: readonly string[]): string {
  return levelOf(securableType, privileges) ?? privileges.join(", ");
}

const deltas = (was: readonly string[], now: readonly string[]) =>
  [...now.filter((p) => !was.includes(p)).map((p) => `+${p}`), ...was.filter((p) => !now.includes(p)).map((p) => `-${p}`)].join(" ");

/**
 * A grant's privileges before and after, in levels where they match, exact either way: `read (+EXECUTE
 * +READ_VOLUME +SELECT +USE_CATALOG +USE_SCHEMA)` (granted), `read → all (+ALL_PRIVILEGES -EXECUTE ...)`,
 * `read +MODIFY` (a level and more), `+SELECT -MODIFY → read`; else the privileges added and removed.
 * `short` leaves out the privileges a level already names, with `+read` / `-read` for a grant made or
 * revoked (the chart's edges).
 */
export function privilegeChange(securableType: string, was: readonly string[], now: readonly string[], short = false): string {
  const d = deltas(was, now);
  const lw = levelOf(securableType, was);
  const ln = levelOf(securableType, now);
  const exact = (s: string) => (short ? s : `${s} (${d})`);
  if (was.length === 0) return ln ? exact(short ? `+${ln}` : ln) : d;
  if (now.length === 0) return lw ? exact(short ? `-${lw}` : lw) : d;
  if (lw && ln) return exact(`${lw} → ${ln}`);
  if (lw) return `${lw} ${d}`;
  if (ln) return `${d} → ${ln}`;
  return d;
}
