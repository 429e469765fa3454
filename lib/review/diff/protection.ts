/**
 * Protection changes of a catalog or schema both sides declare: prevent_destroy, force_destroy
 * and (a catalog's) isolation mode, each read and judged by lib/resources/protection.ts.
 */
import type { SynthesizedStack } from "../../output/stack";
import { PROTECTION_FLAGS } from "../../resources/protection";
import type { Change } from "./change";
import { keptSecurables } from "./securables";

export function protectionChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const out: Change[] = [];
  for (const [type, name, b, a] of keptSecurables(base, head)) {
    for (const flag of PROTECTION_FLAGS) {
      if (flag.catalogOnly && type !== "catalog") continue;
      const was = flag.read(b.block);
      const now = flag.read(a.block);
      if (was === now) continue;
      out.push({
        kind: "protection",
        direction: now === flag.weakerWhen ? "widens" : "narrows",
        stack: a.stack.name,
        resource: a.resource,
        securableType: type,
        securable: name,
        attribute: flag.attribute,
        before: was,
        after: now,
        summary: `${flag.attribute}: ${was} -> ${now}`,
      });
    }
  }
  return out;
}

