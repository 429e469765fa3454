import { Construct } from "constructs";
import { Catalog } from "@cdktf/provider-databricks/lib/catalog";
import { Schema } from "@cdktf/provider-databricks/lib/schema";
import { WorkspaceBinding } from "@cdktf/provider-databricks/lib/workspace-binding";
import { privilegesOf, type AccessLevel } from "../permissions";
import type { CatalogSpec } from "../model/types";
import { logicalId } from "./address";
import { importExisting } from "./state-blocks";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";
import { groupAddressKey } from "./groups";

export interface GovernedCatalogProps {
  readonly spec: CatalogSpec;
  /** Shown in the catalog's comment. */
  readonly environmentKey: string;
  /**
   * ISOLATED binds the catalog to the workspace that created it; others reach it only through
   * `bindReadOnlyTo`.
   * @default - not set: a new catalog is OPEN (reachable from every workspace on the metastore) and
   * an adopted one keeps the mode it has, so a first deploy never opens an isolated catalog
   */
  readonly isolationMode?: "ISOLATED";
  /**
   * The catalog's owner: the environment's deploying principal, so that CI can manage the grants
   * on its own catalog (granting needs ownership or MANAGE; ALL_PRIVILEGES does not include it).
   */
  readonly owner: IGrantee;
}

/**
 * An environment's catalog and its schemas, protected from deletion, with intent methods for its
 * grants and workspace bindings. Privileges come from the permission model, never from literals.
 */
export class GovernedCatalog extends Construct {
  readonly name: string;
  readonly resource: Catalog;
  /** Address keys of grantees whose grant on this catalog already exists. */
  private readonly adoptedGrants: readonly string[];
  private readonly grants = new Construct(this, "grants");
  private readonly bindings = new Construct(this, "bindings");

  constructor(scope: Construct, id: string, props: GovernedCatalogProps) {
    super(scope, id);
    this.name = props.spec.name;
    this.adoptedGrants = props.spec.adopt.groupGrants.map(groupAddressKey);
    // Stateful: prevent_destroy stops any plan that would delete the catalog (and its data);
    // force_destroy is never set, so even a removed guard cannot delete a non-empty catalog.
    this.resource = new Catalog(this, "resource", {
      name: props.spec.name,
      comment: `${props.environmentKey} environment catalog; managed by Terraform (uc-env-isolation)`,
      ...(props.isolationMode !== undefined ? { isolationMode: props.isolationMode } : {}),
      owner: props.owner.principal,
      ...(props.spec.storageRoot !== undefined ? { storageRoot: props.spec.storageRoot } : {}),
      lifecycle: { preventDestroy: true },
    });
    this.resource.overrideLogicalId(props.spec.name);
    // Adoption: what the old stack already manages is imported (import ID = the catalog's name),
    // so the first plan shows imports and in-place updates, never a destroy and create.
    if (props.spec.adopt.catalog) importExisting(this.resource, props.spec.name);
    for (const schemaName of props.spec.schemas) {
      const schema = new Schema(this, `schema-${schemaName}`, {
        catalogName: this.resource.name,
        name: schemaName,
        comment: `${props.environmentKey} ${schemaName}; managed by Terraform (uc-env-isolation)`,
        lifecycle: { preventDestroy: true },
      });
      schema.overrideLogicalId(logicalId(props.spec.name, schemaName));
      if (props.spec.adopt.schemas.includes(schemaName)) importExisting(schema, `${props.spec.name}.${schemaName}`);
    }
  }

  /** Grants an access level of the permission model (e.g. `read`) on the whole catalog. */
  grant(grantee: IGrantee, level: AccessLevel): UnityGrant {
    const privileges = privilegesOf(level, "catalog");
    if (!privileges) throw new Error(`access level ${level} does not apply to a catalog`);
    return this.grantPrivileges(grantee, privileges);
  }

  /**
   * Grants privileges (already validated against the catalog privilege set) on the catalog.
   * A group grant the model marks as adopted is imported rather than created.
   */
  grantPrivileges(grantee: IGrantee, privileges: readonly string[]): UnityGrant {
    return new UnityGrant(this.grants, grantee.addressKey, {
      securable: { type: "catalog", name: this.name, ref: this.resource.name },
      grantee,
      privileges,
      importExisting: this.adoptedGrants.includes(grantee.addressKey),
    });
  }

  /**
   * Lets another workspace read this ISOLATED catalog. Never call it with the catalog's own
   * workspace: that binding breaks `terraform destroy` (the model forbids shared workspace IDs).
   */
  bindReadOnlyTo(workspaceKey: string, workspaceId: number): WorkspaceBinding {
    const binding = new WorkspaceBinding(this.bindings, workspaceKey, {
      securableName: this.resource.name,
      securableType: "catalog",
      workspaceId,
      bindingType: "BINDING_TYPE_READ_ONLY",
    });
    binding.overrideLogicalId(logicalId(`catalog_${this.name}`, `workspace_${workspaceKey}`));
    return binding;
  }
}
