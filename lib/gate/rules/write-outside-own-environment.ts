import { isReadOnly } from "../../permissions";
import type { GateContext } from "../context";
import type { Rule } from "./rule";

/**
 * No principal writes to an environment's catalog but the ones the model lets write there (a
 * deploying principal writes to its own catalog only), whatever stack declares the grant.
 */
export const writeOutsideOwnEnvironment = {
  id: "write-outside-own-environment",
  forbids: "a principal writing to an environment's catalog that the model lets write only to others (a deploying principal writes to its own catalog only)",
  fix: "remove the privilege; only the environment's own writers may write to its catalog",
  kind: "invariant",
  rows: (gate: GateContext, rows) => {
    for (const r of rows) {
      if (r.securableType === "metastore" || gate.isClaimed(r.stack, r.resource, "principal")) continue;
      // Case and surrounding spaces never make another catalog here: `PROD` and ` prod ` are prod.
      const catalog = r.securable.split(".")[0].trim().toLowerCase();
      const envKey = gate.catalogEnv.get(catalog);
      if (envKey === undefined) continue;
      const writers = gate.writers.get(catalog);
      if (writers?.has(`${r.principalKind}\u0000${r.principal}`)) continue;
      for (const privilege of r.privileges) {
        if (isReadOnly([privilege])) continue;
        gate.claim(r.stack, r.resource, "privileges", privilege);
        const writable = gate.writableBy(r.principalKind, r.principal);
        gate.push("write-outside-own-environment", {
          stack: r.stack,
          resource: r.resource,
          principal: r.principal,
          securable: `${r.securableType} ${r.securable}`,
          privilege,
          problem: `${privilege} writes to environment ${envKey}'s catalog ${catalog}; ${writable ? `the model lets ${r.principal} write only to ${writable}` : `the model lets ${r.principal} write to no environment's catalog`}`,
          fix: `remove ${privilege}; only ${[...(writers ?? [])].map((w) => w.split("\u0000")[1]).sort().join(", ") || "no one"} may write to ${catalog}`,
        });
      }
    }
  },
} as const satisfies Rule;
