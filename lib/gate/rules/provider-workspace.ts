import { show } from "../../resources/json";
import type { GateContext } from "../context";
import type { GateBlock, Rule } from "./rule";

const isObject = (v: unknown): v is { readonly [key: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A stack changes its own target and no other: its one databricks provider has the model's literal
 * host (checked on every model, the incident this project fixes) and the model's profile, source
 * and version; what else the provider blocks carry belongs here too (lib/resources/provider.ts).
 */
export const providerWorkspace = {
  id: "provider-workspace",
  forbids: "a provider aimed elsewhere than the stack's own target: another local name, alias, source or version, a host (or account_id) other than the model's literal, another profile",
  fix: "one `databricks` provider with the model's literal host and profile",
  kind: "comparison",
  block: (gate: GateContext, stack: string, block: GateBlock) => {
    if (block.kind !== "provider" || block.type !== "databricks" || !isObject(block.body)) return;
    // The incident this project fixes: a stack aimed at another environment's workspace.
    const env = gate.stackEnv.get(stack);
    const host = block.body.host;
    if (!env || host === env.workspace.host) return;
    const owner = gate.model.environments.find((e) => e.workspace.host === host);
    gate.claim(stack, block.address, "host");
    gate.push("provider-workspace", {
      stack,
      resource: block.address,
      problem: `host is ${show(host)}${owner ? `, environment ${owner.key}'s workspace` : ""}, not environment ${env.key}'s ${env.workspace.host}`,
      fix: `set host to the literal ${env.workspace.host} (environments.${env.key}.workspace.host); a stack changes its own workspace and no other`,
    });
  },
} as const satisfies Rule;
