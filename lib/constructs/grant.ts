import { Construct } from "constructs";
import { Grant } from "@cdktf/provider-databricks/lib/grant";
import { PRIVILEGES, normalizePrivileges, type SecurableType } from "../permissions";
import { logicalId } from "./address";
import { importExisting } from "./state-blocks";
import type { IGrantee } from "./grantee";

/** What a grant is on: literal names (for addresses and checks) and, optionally, a reference. */
export type Securable =
  | { readonly type: "metastore"; readonly id: string }
  | { readonly type: "catalog"; readonly name: string; readonly ref?: string }
  | { readonly type: "schema"; readonly catalog: string; readonly name: string; readonly ref?: string };

/** The address part for a securable: `metastore`, `catalog_dev`, `schema_dev__models`. */
export function securableAddress(securable: Securable): string {
  switch (securable.type) {
    case "metastore":
      return "metastore";
    case "catalog":
      return `catalog_${securable.name}`;
    case "schema":
      return logicalId(`schema_${securable.catalog}`, securable.name);
  }
}

export interface UnityGrantProps {
  readonly securable: Securable;
  readonly grantee: IGrantee;
  /** Privileges from the permission model (lib/permissions.ts); checked against the securable. */
  readonly privileges: readonly string[];
  /**
   * The grant already exists (made by the stack this project replaces): emit an import block so
   * the first plan adopts it instead of creating it.
   * @default false - the grant is created
   */
  readonly importExisting?: boolean;
}

/**
 * One principal's privileges on one securable, as a `databricks_grant`.
 *
 * Why not `databricks_grants`: it is authoritative for the whole securable and revokes every
 * principal it does not list. Two of them on one securable fight forever, and one on the shared
 * metastore would wipe every other team's metastore grants. `databricks_grant` owns exactly one
 * (securable, principal) pair, and each pair is declared by exactly one stack (checked at synth).
 */
export class UnityGrant extends Construct {
  readonly resource: Grant;

  constructor(scope: Construct, id: string, props: UnityGrantProps) {
    super(scope, id);
    const { securable, grantee } = props;
    const valid = PRIVILEGES[securable.type as SecurableType];
    const invalid = props.privileges.filter((p) => !valid.includes(p));
    if (invalid.length > 0 || props.privileges.length === 0) {
      // The model is validated before constructs exist; reaching this is a programming error.
      throw new Error(`invalid privileges [${invalid.join(", ")}] for a ${securable.type} grant to ${grantee.addressKey}`);
    }
    this.resource = new Grant(this, "resource", {
      ...target(securable),
      principal: grantee.principal,
      privileges: normalizePrivileges(props.privileges),
    });
    this.resource.overrideLogicalId(logicalId(securableAddress(securable), grantee.addressKey));
    if (props.importExisting) {
      if (grantee.literalName === undefined) {
        throw new Error(`cannot import the grant to ${grantee.addressKey}: its principal is not known before apply`);
      }
      importExisting(this.resource, grantImportId(securable, grantee.literalName));
    }
  }
}

/** The provider's import ID of a `databricks_grant`: `<securable type>/<securable name>/<principal>`. */
export function grantImportId(securable: Securable, principal: string): string {
  const name = securable.type === "metastore" ? securable.id : securable.type === "catalog" ? securable.name : `${securable.catalog}.${securable.name}`;
  return `${securable.type}/${name}/${principal}`;
}

function target(securable: Securable): { metastore: string } | { catalog: string } | { schema: string } {
  switch (securable.type) {
    case "metastore":
      return { metastore: securable.id };
    case "catalog":
      return { catalog: securable.ref ?? securable.name };
    case "schema":
      return { schema: securable.ref ?? `${securable.catalog}.${securable.name}` };
  }
}
