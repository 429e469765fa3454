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
