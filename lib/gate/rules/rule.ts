/**
 * The shape of a policy rule (one file each, beside this one; index.ts lists them in the order
 * the README's table and `policy --help` show). A rule has its id, what it forbids, the fix it
 * suggests and its kind; what it checks it checks through the gate's one walk (lib/gate/walk.ts),
 * never by walking the output itself:
 * - an invariant (holds for every model, checked against the model's facts rather than the desired
 *   state) looks at what the walk hands it: every string in every block (`leaf`), every block
 *   (`block`), every grant row (`rows`);
 * - a comparison rule owns differences from the desired state: those each resource module assigns
 *   to it (lib/resources/), and blocks of a type the model never produces that it claims
 *   (`claimsType`); it says what is wrong with each (`extraBlock` and its own word functions).
 * A difference no precise rule claims is `unknown-construct` (something extra),
 * `missing-from-output` (something the model requires) or `differs-from-model` (another value).
 */
import type { GrantRow } from "../../output/grants";
import type { GateContext } from "../context";

/** A block of a stack as the invariants name it: a resource, data source or provider by address, anything else by its top-level entry. */
export interface GateBlock {
  readonly kind: string;
  readonly type: string;
  readonly name?: string;
  readonly address: string;
  readonly body: unknown;
}

/** A block of a resource or data type that the model does not declare in the stack. */
export interface ExtraBlock {
  readonly stack: string;
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly address: string;
  readonly body: { readonly [key: string]: unknown };
}

export interface Rule {
  readonly id: string;
  /** What it forbids, in one sentence. */
  readonly forbids: string;
  /** The fix, in general; each violation says its own. */
  readonly fix: string;
  /** `invariant`: checked for every model on its own; `comparison`: a difference from the desired state. */
  readonly kind: "invariant" | "comparison";
  /** Invariant: one string value of a block (`path` below the block); true when the rule reports it (no other leaf rule then looks). */
  readonly leaf?: (gate: GateContext, stack: string, block: GateBlock, path: readonly string[], value: string) => boolean;
  /** Invariant: one block of a stack. */
  readonly block?: (gate: GateContext, stack: string, block: GateBlock) => void;
  /** Invariant: every grant row of every stack. */
  readonly rows?: (gate: GateContext, rows: readonly GrantRow[]) => void;
  /** Comparison: whether the rule owns a resource or data source of a type the model never produces. */
  readonly claimsType?: (kind: "resource" | "data", type: string, body: { readonly [key: string]: unknown }) => boolean;
  /** Comparison: reports a block it owns that the model does not declare. */
  readonly extraBlock?: (gate: GateContext, block: ExtraBlock) => void;
}
