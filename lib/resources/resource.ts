/**
 * What a resource module states about its Terraform type besides its desired shape, its renderer
 * and its expected JSON (lib/resources/<type>.ts, one per type the stacks declare; index.ts lists
 * them): which policy rule owns each difference the gate finds in a block of the type, where the
 * grants diff lists it, what makes it what it is, and whether it holds data or access.
 *
 * A module's renderer (`<Type>Block`) takes primitive props, refuses what the desired state can
 * never give it (a programming error, named with the value), and renders its one block at the
 * caller's scope and construct ID: it is not a construct node of its own, so that the construct path
 * cdktf records in the output stays what it was; the constructs (lib/constructs/) compose them. It
 * loads cdktf only when it renders (`cdk()` below): the gate, the diff and the reports read the same
 * module without loading it. The renderer and the module's expected JSON are two renderers on
 * purpose (the gate compares one with the other); generated-models.test.ts holds them equal.
 */
import type { TerraformDataSource, TerraformResource } from "../cdk";
import type { RuleId } from "../gate/rules";

/** The grants diff's heading for a change no access row shows (one of its CONFIG_HEADINGS). */
export type ResourceHeading = "catalogs and schemas" | "principals and lookups" | "other resources";

/** A rule claiming a difference, and what to say when the rule's generic words would not do. */
export interface Claim {
  readonly rule: RuleId;
  readonly problem?: string;
}

/** A claim with its own words. */
export type Said = Claim & { readonly problem: string };

/** A value other than the model's in a block the model declares. */
export interface Difference {
  /** The attribute's path in the block. */
  readonly path: readonly string[];
  /** What the output has; undefined when it lacks the attribute. */
  readonly actual: unknown;
  /** `<path> is <actual>; the model says <expected>`. */
  readonly was: string;
  /** The block names its principal or securable through a reference the reader cannot resolve. */
  readonly unresolved: boolean;
  /** The model makes the catalogs ISOLATED (every workspace ID known). */
  readonly isolated: boolean;
}

/** Which rule owns what the gate finds in a block of the type (default deny: lib/gate/walk.ts). */
export interface GateOwnership {
  /** A block of the type that the model does not declare (`unresolved`: a grant whose references the reader cannot resolve). */
  readonly extraBlock: RuleId | ((block: { readonly unresolved: boolean }) => RuleId);
  /**
   * An attribute the model does not set.
   * @default - unknown-construct, "sets X = Y, which the model does not produce"
   */
  readonly extraAttribute?: (path: readonly string[], value: unknown) => Claim;
  /**
   * A value other than the model's, or a missing one.
   * @default - differs-from-model (missing: missing-from-output), with the difference as the problem
   */
  readonly differs?: (d: Difference) => Claim | undefined;
}

export interface ResourceType {
  /** The Terraform type, e.g. `databricks_catalog`. */
  readonly type: string;
  /** A managed resource, or a data source (a lookup). */
  readonly mode: "resource" | "data";
  /**
   * Holds data or an identity: when it leaves the model Terraform must forget it (a `removed` block
   * with `destroy = false`), never destroy it; destroying or replacing it is the plan guard's loss.
   */
  readonly stateful: boolean;
  /** Needs lifecycle.prevent_destroy and no force_destroy (the catalog-protection invariant). */
  readonly protected: boolean;
  /** Creating it gives access and deleting it takes access away (the diff's direction of a plan action). */
  readonly access: boolean;
  /** Where the grants diff lists a change to it that no access row shows. */
  readonly heading: ResourceHeading;
  /** The attributes that make a block what the diff's access row says it is (shown with that row). */
  readonly coreAttributes: readonly string[];
  readonly gate: GateOwnership;
}

/** Joins the parts of a resource's name; names are validated to use single underscores, so `__` is unambiguous. */
export function logicalId(...parts: readonly string[]): string {
  return parts.join("__");
}

/** `data.<type>.<name>` for a data source, `<type>.<name>` for a resource. */
export function addressOf(type: Pick<ResourceType, "type" | "mode">, name: string): string {
  return `${type.mode === "data" ? "data." : ""}${type.type}.${name}`;
}

/**
 * The CDK for Terraform (lib/cdk.ts), loaded on first use: a renderer needs it, the readers of a
 * resource module (the gate, the diff, the audit) do not, and loading it costs every command that
 * only reads output a few hundred milliseconds.
 */
let loaded: typeof import("../cdk") | undefined;
export function cdk(): typeof import("../cdk") {
  return (loaded ??= require("../cdk") as typeof import("../cdk"));
}

/**
 * A reference to an attribute of a block in the same stack, `${<type>.<id>.<attribute>}`, written
 * out rather than made a cdktf token. Why: cdktf records a stack trace for every token it makes and
 * resolves each one twice at synth; with thousands of grants that was most of synth's time (CONTRIBUTING.md#the-bench). Call it after the element's logical ID is final. Same-stack only: no stack references
 * another (docs/how-it-works.md#stacks-deploy-independently).
 */
export function referenceTo(element: TerraformResource | TerraformDataSource, attribute: string): string {
  const prefix = element instanceof cdk().TerraformDataSource ? "data." : "";
  return `\${${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}.${attribute}}`;
}

/**
 * A programming error in what a renderer was given: the model and the desired state are validated
 * before any construct exists, so reaching this is a bug, named with the value.
 */
export function invalid(what: string, value: unknown, expected: string): never {
  throw new Error(`${what} is ${JSON.stringify(value)}; expected ${expected}`);
}

/** A Terraform identifier: the name part of an address. */
export const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders a block of a type named `name` (the name part of its address, an external contract:
 * docs/how-it-works.md, "Stable Terraform addresses"): `make` gets cdktf, loaded now, and renders the block at the caller's scope;
 * the block's logical ID is then `name`, whatever its construct path.
 */
export function named<T extends { overrideLogicalId(id: string): void }>(type: Pick<ResourceType, "type" | "mode">, name: string, make: (c: typeof import("../cdk")) => T): T {
  if (!TERRAFORM_NAME.test(name)) invalid(`the name of a ${type.mode === "data" ? "data." : ""}${type.type}`, name, "a Terraform identifier (letters, digits, _ and -, not starting with a digit)");
  const block = make(cdk());
  block.overrideLogicalId(name);
  return block;
}
