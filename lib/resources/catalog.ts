/**
 * `databricks_catalog`: an environment's catalog, named after itself (`databricks_catalog.<name>`),
 * owned by the environment's deploying principal (so that CI can manage the grants on it: granting
 * needs ownership or MANAGE, which ALL_PRIVILEGES does not include), protected from deletion, and
 * ISOLATED when every workspace ID is known.
 */
import type { Construct } from "constructs";
import type { Catalog } from "../cdk";
import type { Environment } from "../model/types";
import { ref, type ExpectedBody } from "./json";
import { expectedLifecycle, protectedLifecycle } from "./protection";
import { addressOf, invalid, named, referenceTo, type ResourceType } from "./resource";
import type { DesiredSchema } from "./schema";
import { servicePrincipalAddress, SERVICE_PRINCIPAL } from "./service-principal";

export interface DesiredCatalog {
  /** The resource's name (`databricks_catalog.<id>`): the catalog's own name. */
  readonly id: string;
  readonly name: string;
  /**
   * Not set on an adopted catalog: the model does not state its comment, so the stack keeps the one
   * it has (lifecycle.ignore_changes = [comment]; without it the first plan would clear it: an
   * optional attribute left out is planned as a removal). docs/adopting-from-hcl.md.
   */
  readonly comment?: string;
  /**
   * ISOLATED when every workspace ID is known; otherwise not set, which means "keep": the provider
   * creates a new catalog OPEN and leaves an adopted catalog's mode as it is. One meaning everywhere.
   */
  readonly isolationMode?: "ISOLATED";
  /** The owner: the environment's deploying principal. */
  readonly owner: Environment;
  readonly storageRoot?: string;
  readonly importId?: string;
  readonly schemas: readonly DesiredSchema[];
}

export const CATALOG = {
  type: "databricks_catalog",
  mode: "resource",
  stateful: true,
  protected: true,
  access: false,
  heading: "catalogs and schemas",
  coreAttributes: ["name", "comment", "owner", "isolation_mode"],
  gate: {
    extraBlock: "unknown-construct",
    differs: (d) =>
      d.path[0] === "owner"
        ? { rule: "catalog-owner" }
        : d.path[0] === "isolation_mode"
          ? {
              rule: "catalog-isolation",
              problem: `${d.was} (${d.isolated ? "every environment has a workspace.id" : "unset: a new catalog is created OPEN and an adopted one keeps its mode; OPEN would open an isolated catalog"})`,
            }
          : undefined,
  },
} as const satisfies ResourceType;

/** `databricks_catalog.<id>`. */
export function catalogAddress(id: string): string {
  return addressOf(CATALOG, id);
}

/** `${databricks_catalog.<id>.name}`: how the stack's schemas, grants and bindings name its catalog. */
export function catalogNameRef(id: string): string {
  return ref(catalogAddress(id), "name");
}

export function expectedCatalog(c: DesiredCatalog): ExpectedBody {
  return {
    ...(c.comment !== undefined ? { comment: c.comment } : {}),
    ...(c.isolationMode !== undefined ? { isolation_mode: c.isolationMode } : {}),
    lifecycle: expectedLifecycle(c.comment),
    name: c.name,
    owner: ref(servicePrincipalAddress(c.owner.key), SERVICE_PRINCIPAL.grantedBy),
    ...(c.storageRoot !== undefined ? { storage_root: c.storageRoot } : {}),
  };
}

/** What the address manifest records it as. */
export function catalogObject(name: string): string {
  return `catalog ${name}`;
}

/** Workspace bindings of a catalog, as the audit reads them live. */
export type BindingType = "BINDING_TYPE_READ_ONLY" | "BINDING_TYPE_READ_WRITE";

/**
 * The binding the provider makes itself: making a catalog ISOLATED binds it read-write to the
 * workspace that applies it (bindings.AddCurrentWorkspaceBindings, catalog/resource_catalog.go at
 * v1.99.0), so no stack declares it (a declared one breaks `terraform destroy`); the audit expects it.
 */
export function ownWorkspaceBinding(c: DesiredCatalog, workspaceId: number | undefined): { readonly workspaceId: number; readonly bindingType: BindingType } | undefined {
  return c.isolationMode === "ISOLATED" && workspaceId !== undefined ? { workspaceId, bindingType: "BINDING_TYPE_READ_WRITE" } : undefined;
}

export interface CatalogProps {
  /** The resource's name (`databricks_catalog.<id>`). */
  readonly id: string;
  readonly name: string;
  /** @default - none: an adopted catalog keeps the comment it has (lifecycle.ignore_changes) */
  readonly comment?: string;
  /** @default - unset: a new catalog is created OPEN, an adopted one keeps its mode */
  readonly isolationMode?: "ISOLATED";
  /** The owner as the grant would name it (a reference to the deploying principal's application ID). */
  readonly owner: string;
  /** @default - the metastore's storage root */
  readonly storageRoot?: string;
}

/**
 * Renders the catalog at `scope`/`id` (the construct path stays the caller's). Stateful:
 * prevent_destroy stops a plan that would replace the catalog (a ForceNew change such as
 * storage_root) while its block is here. It does not protect a catalog whose block leaves the model:
 * Terraform drops the setting with the block; the stack forgets it instead (a removed block with
 * destroy = false). force_destroy is never set, so the API refuses to delete a non-empty catalog.
 */
export class CatalogBlock {
  readonly resource: Catalog;
  /** `${databricks_catalog.<id>.name}`. */
  readonly nameRef: string;

  constructor(scope: Construct, constructId: string, props: CatalogProps) {
    if (props.name.trim() === "") invalid("a catalog's name", props.name, "a name");
    if (props.isolationMode !== undefined && props.isolationMode !== "ISOLATED") invalid(`catalog ${props.name}'s isolation mode`, props.isolationMode, "ISOLATED or unset");
    if (props.owner.trim() === "") invalid(`catalog ${props.name}'s owner`, props.owner, "a principal");
    this.resource = named(CATALOG, props.id, (c) => new c.Catalog(scope, constructId, {
      name: props.name,
      ...(props.comment !== undefined ? { comment: props.comment } : {}),
      ...(props.isolationMode !== undefined ? { isolationMode: props.isolationMode } : {}),
      owner: props.owner,
      ...(props.storageRoot !== undefined ? { storageRoot: props.storageRoot } : {}),
      lifecycle: protectedLifecycle(props.comment),
    }));
    this.nameRef = referenceTo(this.resource, "name");
  }
}
