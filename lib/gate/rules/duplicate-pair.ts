import { duplicatePairs } from "../../output/grants";
import type { GateContext } from "../context";
import type { Rule } from "./rule";

/** Each (securable, principal) pair has one owner: `databricks_grant`s of one pair undo each other's changes. */
export const duplicatePair = {
  id: "duplicate-pair",
  forbids: "a (securable, principal) pair declared more than once across all stacks",
  fix: "keep the declaration in one stack (the one that owns the securable or the principal)",
  kind: "invariant",
  rows: (gate: GateContext, rows) => {
    for (const dupes of duplicatePairs(rows)) {
      for (const r of dupes) {
        gate.push("duplicate-pair", {
          stack: r.stack,
          resource: r.resource,
          principal: r.principal,
          securable: `${r.securableType} ${r.securable}`,
          problem: `also declared by ${dupes.filter((d) => d !== r).map((d) => `${d.stack} ${d.resource}`).join(" and ")}; two owners of one pair undo each other's changes on every apply`,
        });
      }
    }
  },
} as const satisfies Rule;
