import { text } from "../../output/stack";
import { resourceType } from "../../resources/index";
import { show } from "../../resources/json";
import type { GateContext } from "../context";
import type { GateBlock, Rule } from "./rule";

const isObject = (v: unknown): v is { readonly [key: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);

/** Catalogs and schemas (the protected types, lib/resources/protection.ts) are never deletable by a plan. */
export const catalogProtection = {
  id: "catalog-protection",
  forbids: "a catalog or schema without lifecycle.prevent_destroy, or with force_destroy",
  fix: "set lifecycle.prevent_destroy = true and remove force_destroy (GovernedCatalog does)",
  kind: "invariant",
  block: (gate: GateContext, stack: string, block: GateBlock) => {
    if (block.kind !== "resource" || !resourceType("resource", block.type)?.protected || !isObject(block.body)) return;
    const what = block.type.replace(/^databricks_/, "");
    const securable = `${what} ${text(block.body.name ?? block.name)}`;
    const lifecycle = block.body.lifecycle;
    if (!isObject(lifecycle) || lifecycle.prevent_destroy !== true) {
      if (isObject(lifecycle)) gate.claim(stack, block.address, "lifecycle", "prevent_destroy");
      else gate.claim(stack, block.address, "lifecycle");
      gate.push("catalog-protection", {
        stack,
        resource: block.address,
        securable,
        problem: `lifecycle.prevent_destroy is ${show(isObject(lifecycle) ? lifecycle.prevent_destroy : undefined)}, so a plan may delete the ${what} and its data`,
        fix: "set lifecycle.prevent_destroy = true (GovernedCatalog does)",
      });
    }
    if (block.body.force_destroy !== undefined && block.body.force_destroy !== false) {
      gate.claim(stack, block.address, "force_destroy");
      gate.push("catalog-protection", {
        stack,
        resource: block.address,
        securable,
        problem: `force_destroy is ${show(block.body.force_destroy)}, so deleting the ${what} also deletes everything in it`,
        fix: "remove force_destroy",
      });
    }
  },
} as const satisfies Rule;
