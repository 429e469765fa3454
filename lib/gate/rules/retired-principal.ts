import type { GateContext } from "../context";
import type { GateBlock, Rule } from "./rule";

/** Nothing anywhere in the output names a retired principal (its name or application ID, any case). */
export const retiredPrincipal = {
  id: "retired-principal",
  forbids: "any value anywhere naming a retired principal (legacyServicePrincipals: name or application ID, any case)",
  fix: "remove it; use the environment's own service principal",
  kind: "invariant",
  leaf: (gate: GateContext, stack: string, block: GateBlock, path: readonly string[], value: string) => {
    const lower = value.toLowerCase();
    const retired = gate.retired.find((r) => lower.includes(r.needle));
    if (!retired) return false;
    gate.claim(stack, block.address, path[0] ?? "");
    gate.push("retired-principal", {
      stack,
      resource: block.address,
      problem: `${path.join(".") || block.type} is ${JSON.stringify(value)}: it names ${retired.what} (legacyServicePrincipals in ${gate.model.source}); nothing may refer to it`,
      fix: "remove it; use the environment's own service principal",
    });
    return true;
  },
} as const satisfies Rule;
