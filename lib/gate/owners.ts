/**
 * Which rule owns a difference the walk finds (lib/gate/walk.ts), and in what words: a block's
 * resource module says it for its type's attributes (lib/resources/), the provider and backend
 * modules for theirs; a block of a type the model never produces goes to the rule that claims the
 * type (lib/gate/rules/); what nobody claims is unknown-construct, missing-from-output or
 * differs-from-model (default deny).
 */
import { BACKEND_GATE } from "../resources/backend";
import { resourceType } from "../resources/index";
import { PROFILE_VARIABLE, PROVIDER_GATE } from "../resources/provider";
import type { Claim, Difference } from "../resources/resource";
import type { GateContext } from "./context";
import { RULES, ruleOf, type RuleId } from "./rules/index";
import type { ExtraBlock } from "./rules/rule";
import { metaArgument, notSet } from "./rules/unknown-construct";

/** A block of the stack compared with the expected one. */
export interface ComparedBlock {
  readonly kind: "resource" | "data" | "provider" | "top";
  /** Resource or data type, provider local name, or the top-level key (`terraform`, `variable`, `output`). */
  readonly type: string;
  readonly address: string;
}

/** The owner of an attribute the model does not set (`resource`: where a reviewer finds it, when not the block). */
export function extraAttributeOwner(block: ComparedBlock, path: readonly string[], value: unknown): Claim & { readonly problem: string; readonly resource?: string } {
  if (block.kind === "provider") return PROVIDER_GATE.extraAttribute(path, value);
  const meta = metaArgument(path, value);
  if (meta) return { ...meta, problem: meta.problem ?? notSet(path, value) };
  const module = block.kind === "resource" || block.kind === "data" ? resourceType(block.kind, block.type) : undefined;
  if (module?.gate.extraAttribute) {
    const c = module.gate.extraAttribute(path, value);
    return { ...c, problem: c.problem ?? notSet(path, value) };
  }
  if (block.address === "terraform" && path[0] === "required_providers") return PROVIDER_GATE.extraRequiredProvider(path, value);
  if (block.address === "terraform" && (path[0] === "backend" || path[0] === "cloud")) return BACKEND_GATE.extra(path.join("."));
  return { rule: "unknown-construct", problem: notSet(path, value) };
}

/** The owner of another value than the model's (`d.actual` undefined: a missing one). */
export function differenceOwner(block: ComparedBlock, d: Difference): Claim & { readonly problem: string } {
  const claim = ((): Claim | undefined => {
    if (block.kind === "provider") return PROVIDER_GATE.differs(d);
    if (block.address === "terraform") return d.path[0] === "backend" ? BACKEND_GATE.differs(d) : { rule: d.path[0] === "required_providers" ? "provider-workspace" : "differs-from-model" };
    if (block.address === `variable.${PROFILE_VARIABLE}`) return PROVIDER_GATE.profileDiffers(d);
    const module = block.kind === "resource" || block.kind === "data" ? resourceType(block.kind, block.type) : undefined;
    return module?.gate.differs?.(d);
  })();
  return { rule: claim?.rule ?? (d.actual === undefined ? "missing-from-output" : "differs-from-model"), problem: claim?.problem ?? d.was };
}

/**
 * A resource or data source the model does not declare in the stack: its type's module names the
 * rule, else the rule that claims the type, else unknown-construct; that rule says what is wrong.
 */
export function reportExtraBlock(gate: GateContext, b: ExtraBlock): void {
  if (b.kind === "resource" && gate.isClaimed(b.stack, b.address)) return;
  const module = resourceType(b.kind, b.type);
  const owner = module?.gate.extraBlock;
  const rule: RuleId =
    owner === undefined
      ? (RULES.find((r) => "claimsType" in r && r.claimsType(b.kind, b.type, b.body))?.id ?? "unknown-construct")
      : typeof owner === "function"
        ? owner({ unresolved: (gate.row(b.stack, b.address)?.unresolved.length ?? 0) > 0 })
        : owner;
  const report = ruleOf(rule).extraBlock;
  if (!report) throw new Error(`rule ${rule} owns ${b.address} but says nothing about an extra block (a bug in lib/gate/rules/${rule}.ts)`);
  report(gate, b);
}
