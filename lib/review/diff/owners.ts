/**
 * Owner changes: a catalog's or schema's new owner holds every privilege on it and grants them, so
 * a new owner widens access; an owner no longer set stays as it is until changed outside Terraform.
 */
import type { SynthesizedStack } from "../../output/stack";
import { keptSecurables, ownerOf } from "./securables";
import type { Change } from "./change";

/** A new owner holds every privilege on the securable and grants them: widening for the new owner. */
export function ownerChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const out: Change[] = [];
  for (const [type, name, b, a] of keptSecurables(base, head)) {
    const was = ownerOf(b);
    const now = ownerOf(a);
    if (was?.name === now?.name && was?.kind === now?.kind) continue;
    const at = { kind: "owner" as const, stack: a.stack.name, resource: a.resource, securableType: type, securable: name, attribute: "owner", before: was?.name, after: now?.name };
    if (!now) {
      // Without `owner` in the configuration Terraform leaves the owner as it is.
      out.push({ ...at, direction: "neutral", principal: was!.name, principalKind: was!.kind, summary: `owner no longer set: stays ${was!.name} until changed outside Terraform` });
    } else {
      out.push({ ...at, direction: "widens", principal: now.name, principalKind: now.kind, summary: `owner: ${was?.name ?? "(not set)"} -> ${now.name} (the owner holds every privilege and grants them)` });
    }
  }
  return out;
}

