import { show } from "../../resources/json";
import type { Claim } from "../../resources/resource";
import type { GateContext } from "../context";
import type { ExtraBlock, Rule } from "./rule";

/** Terraform's meta-arguments: each changes what a block does, and the model uses none. */
const META_ARGUMENTS: ReadonlySet<string> = new Set(["count", "for_each", "provider", "depends_on", "provisioner", "connection"]);

/** Default deny: whatever the model does not produce and no precise rule owns. */
export const unknownConstruct = {
  id: "unknown-construct",
  forbids: "anything the model does not produce: a top-level block, resource or data type, block, meta-argument (count, for_each, provisioner, depends_on, provider) or attribute",
  fix: "remove it, or extend the desired state (lib/desired-state.ts) and its rendering (lib/gate/expected.ts) in the same reviewed change",
  kind: "comparison",
  extraBlock: (gate: GateContext, b: ExtraBlock) => reportNotProduced(gate, "unknown-construct", b),
} as const satisfies Rule;

/** A resource (or lookup) the model does not produce, in the words every rule that owns one uses. */
export function reportNotProduced(gate: GateContext, rule: "unknown-construct" | "catalog-isolation" | "federation-trust" | "principal-declaration", b: ExtraBlock, fix?: string): void {
  if (b.kind === "data") {
    gate.push(rule, { stack: b.stack, resource: b.address, problem: `looks up ${b.type} ${show(b.body.display_name ?? b.body.application_id ?? b.body.user_name ?? b.body)}, which the model does not look up here`, fix });
    return;
  }
  gate.push(rule, {
    stack: b.stack,
    resource: b.address,
    problem: `${b.type} ${JSON.stringify(b.address.split(".").pop())} is not something the model produces${/permission|access_control|entitlement|sql_permissions|metastore/.test(b.type) ? " (it grants access outside the permission model)" : ""}`,
  });
}

/** A meta-argument on a block (`provider =` acts through another provider configuration: provider-workspace's). */
export function metaArgument(path: readonly string[], value: unknown): Claim | undefined {
  if (path.length !== 1 || !META_ARGUMENTS.has(path[0])) return undefined;
  const name = path[0];
  if (name === "provider") return { rule: "provider-workspace", problem: `provider = ${show(value)}: the resource would act through another provider configuration` };
  return {
    rule: "unknown-construct",
    problem: name === "provisioner" || name === "connection" ? `a ${name} runs commands on the machine that applies, with its credentials` : `the meta-argument ${name} = ${show(value)} changes what is created; the model uses none`,
  };
}

/** An attribute the model does not set, in the generic words. */
export function notSet(path: readonly string[], value: unknown): string {
  return `sets ${path.join(".")} = ${show(value)}, which the model does not produce`;
}

/** The words for the other things the model does not produce. */
export const UNKNOWN_WORDS = {
  stack: (stack: string, names: string, modelSource: string) => ({
    problem: `stack ${stack} is none of the model's stacks (${names}), so nothing in it is allowed`,
    fix: `remove the stack, or add its environment to ${modelSource}`,
  }),
  named: (kind: string, id: string) => `${kind} ${id} is not one the model produces`,
  topLevel: (key: string, body: unknown) => {
    const isObject = body !== null && typeof body === "object" && !Array.isArray(body);
    const what = isObject ? ` (${Object.entries(body as { [k: string]: unknown }).filter(([k]) => k !== "//" && k !== "lifecycle").map(([k, v]) => `${k} = ${show(v)}`).join(", ")})` : "";
    return `top-level ${key} block${what}: this project produces none (${key === "module" ? "a module brings configuration the gate never sees" : "default deny"})`;
  },
  stateBlockAttributes: (kind: string, extra: readonly string[], keyAttr: string, valueAttr: string) => `the ${kind} block sets ${extra.join(", ")}; the model's set only ${keyAttr} and ${valueAttr}`,
} as const;
