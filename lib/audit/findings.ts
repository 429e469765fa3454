/**
 * A finding of the live audit, in the grants diff's words (lib/review/severity.ts), what every check
 * shares (the context, where a finding is, how securables are named in SQL) and the order findings
 * are listed in: production first, then access the model does not allow.
 */
import type { EnvironmentModel } from "../model/types";
import type { PrincipalKind } from "../output/references";
import { AUDIT_ORDER, type Severe } from "../review/severity";
import type { ExpectedState } from "./expected";
import type { PrincipalDirectory } from "./principals";

export type FindingKind = "not-audited" | "grant" | "sandbox" | "owner" | "schema" | "catalog" | "isolation" | "binding" | "principal";

/** A finding (`prod`: on the production environment's catalog or its schemas, or its storage). */
export interface Finding extends Severe {
  readonly kind: FindingKind;
  /** The environment whose workspace it was read from. */
  readonly environment: string;
  readonly securableType: string;
  readonly securable: string;
  readonly principalKind?: PrincipalKind;
  /** For an owner, isolation or binding finding: what the stacks declare, what is live. */
  readonly declared?: string;
  readonly live?: string;
  readonly fix: string;
}

export interface Context {
  readonly model: EnvironmentModel;
  readonly expected: ExpectedState;
  readonly principals: PrincipalDirectory;
  readonly prodCatalog: string;
  readonly modelFile: string;
  readonly findings: Finding[];
}

export const at = (ctx: Omit<Context, "principals">, environment: string, securableType: string, securable: string) => ({
  prod: securableType !== "metastore" && securable.split(".")[0] === ctx.prodCatalog,
  environment,
  securableType,
  securable,
});

/** The SQL keyword of each securable type (registered models are FUNCTIONs to Unity Catalog). */
export const SQL_TYPE: { readonly [type: string]: string } = {
  catalog: "CATALOG",
  schema: "SCHEMA",
  table: "TABLE",
  volume: "VOLUME",
  function: "FUNCTION",
  model: "FUNCTION",
  external_location: "EXTERNAL LOCATION",
  storage_credential: "STORAGE CREDENTIAL",
};

/** A principal as SQL names it: in backticks, a backtick doubled. */
export function sqlName(principal: string): string {
  return `\`${principal.replace(/`/g, "``")}\``;
}

const KIND_ORDER: readonly FindingKind[] = ["not-audited", "grant", "sandbox", "owner", "catalog", "schema", "isolation", "binding", "principal"];
const TYPE_ORDER = ["workspace", "metastore", "catalog", "schema", "table", "volume", "function", "model", "external_location", "storage_credential"];
/** Securables outside a catalog, attributed to the environment whose storage they reach. */
export const STORAGE_TYPES = new Set(["external_location", "storage_credential"]);

export function compareFindings(a: Finding, b: Finding): number {
  const keys = (f: Finding) => [
    f.prod ? 0 : 1,
    AUDIT_ORDER.indexOf(f.direction),
    KIND_ORDER.indexOf(f.kind),
    TYPE_ORDER.indexOf(f.securableType),
    f.securable,
    f.principal ?? "",
    f.summary,
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}
