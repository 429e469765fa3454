import { Construct } from "constructs";
import { Catalog, Schema, type TerraformResourceLifecycle, WorkspaceBinding } from "../cdk";
import type { DesiredBinding, DesiredCatalog, DesiredGrant } from "../desired-state";
import { importExisting } from "./state-blocks";
import { referenceTo } from "./address";
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
 * Catalogs and schemas are never destroyed by a replace (prevent_destroy); one whose comment the
 * model does not state (an adopted one) keeps its own: an optional attribute left out of the
 * configuration would otherwise be planned as a removal.
 */
function lifecycleOf(comment: string | undefined): TerraformResourceLifecycle {
  return comment !== undefined ? { preventDestroy: true } : { preventDestroy: true, ignoreChanges: ["comment"] };
}

/**
 * An environment's catalog and its schemas, protected from deletion, with its grants and workspace
 * bindings. What it holds comes from the desired state, never from literals here.
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
    // Stateful: prevent_destroy stops a plan that would replace the catalog (a ForceNew change such
    // as storage_root) while its block is here. It does not protect a catalog whose block leaves the
    // model: Terraform drops the setting with the block. For that the stack forgets it instead
    // (a removed block with destroy = false, lib/desired-state.ts). force_destroy is never set, so
    // the API refuses to delete a non-empty catalog even then.
    // isolation_mode unset means "keep" (a new catalog is OPEN, an adopted one keeps its mode).
    this.resource = new Catalog(this, "resource", {
      name: spec.name,
      // Unset on an adopted catalog (desired-state.ts): it keeps the comment it has.
      ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
      ...(spec.isolationMode !== undefined ? { isolationMode: spec.isolationMode } : {}),
      owner: props.owner.principal,
      ...(spec.storageRoot !== undefined ? { storageRoot: spec.storageRoot } : {}),
      lifecycle: lifecycleOf(spec.comment),
    });
    this.resource.overrideLogicalId(spec.id);
    this.nameRef = referenceTo(this.resource, "name");
    // Adoption: what the old stack already manages is imported, so the first plan shows imports and
    // in-place updates, never a destroy and create.
    if (spec.importId !== undefined) importExisting(this.resource, spec.importId);
    for (const s of spec.schemas) {
      const schema = new Schema(this, `schema-${s.name}`, {
        catalogName: this.nameRef,
        name: s.name,
        ...(s.comment !== undefined ? { comment: s.comment } : {}),
        lifecycle: lifecycleOf(s.comment),
      });
      schema.overrideLogicalId(s.id);
      if (s.importId !== undefined) importExisting(schema, s.importId);
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
    const resource = new WorkspaceBinding(this.bindings, binding.consumer.key, {
      securableName: this.nameRef,
      securableType: "catalog",
      workspaceId: binding.workspaceId,
      bindingType: binding.bindingType,
    });
    resource.overrideLogicalId(binding.id);
    return resource;
  }
}
