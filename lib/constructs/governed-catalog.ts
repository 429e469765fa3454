import { Construct } from "constructs";
import type { Catalog } from "../cdk";
import { CatalogBlock, type DesiredCatalog } from "../resources/catalog";
import type { DesiredGrant } from "../resources/grant";
import { SchemaBlock } from "../resources/schema";
import { importExisting } from "../resources/state-blocks";
import { WorkspaceBindingBlock, type DesiredBinding } from "../resources/workspace-binding";
import type { WorkspaceBinding } from "../cdk";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";

export interface GovernedCatalogProps {
  /** The catalog as the desired state has it: name, comment, isolation, schemas, adoption. */
  readonly catalog: DesiredCatalog;
  /**
   * The catalog's owner: the environment's deploying principal, so that CI can manage the grants
   * on its own catalog (granting needs ownership or MANAGE; ALL_PRIVILEGES does not include it).
   */
  readonly owner: IGrantee;
}

/**
 * An environment's catalog and its schemas, protected from deletion, with its grants and workspace
 * bindings. What it holds comes from the desired state, never from literals here; how each block
 * is written is its resource module's (lib/resources/catalog.ts, schema.ts, grant.ts,
 * workspace-binding.ts).
 */
export class GovernedCatalog extends Construct {
  readonly name: string;
  readonly resource: Catalog;
  /** `${databricks_catalog.<id>.name}` (see referenceTo). */
  private readonly nameRef: string;
  private readonly grants = new Construct(this, "grants");
  private readonly bindings = new Construct(this, "bindings");

  constructor(scope: Construct, id: string, props: GovernedCatalogProps) {
    super(scope, id);
    const spec = props.catalog;
    this.name = spec.name;
    const catalog = new CatalogBlock(this, "resource", {
      id: spec.id,
      name: spec.name,
      ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
      ...(spec.isolationMode !== undefined ? { isolationMode: spec.isolationMode } : {}),
      owner: props.owner.principal,
      ...(spec.storageRoot !== undefined ? { storageRoot: spec.storageRoot } : {}),
    });
    this.resource = catalog.resource;
    this.nameRef = catalog.nameRef;
    // Adoption: what the old stack already manages is imported, so the first plan shows imports and
    // in-place updates, never a destroy and create.
    if (spec.importId !== undefined) importExisting(this.resource, spec.importId);
    for (const s of spec.schemas) {
      const schema = new SchemaBlock(this, `schema-${s.name}`, { id: s.id, name: s.name, catalogName: this.nameRef, ...(s.comment !== undefined ? { comment: s.comment } : {}) });
      if (s.importId !== undefined) importExisting(schema.resource, s.importId);
    }
  }

  /** Declares a grant of the desired state on this catalog. */
  grant(grant: DesiredGrant, grantee: IGrantee, constructId: string): UnityGrant {
    return new UnityGrant(this.grants, constructId, { grant, grantee, securableRef: this.nameRef });
  }

  /**
   * Lets another workspace read this ISOLATED catalog. The desired state never binds a catalog to
   * its own workspace: that binding breaks `terraform destroy`.
   */
  bindReadOnly(binding: DesiredBinding): WorkspaceBinding {
    return new WorkspaceBindingBlock(this.bindings, binding.consumer.key, { id: binding.id, catalogName: this.nameRef, workspaceId: binding.workspaceId, bindingType: binding.bindingType }).resource;
  }
}
