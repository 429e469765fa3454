/**
 * `databricks_workspace_binding`: an ISOLATED catalog bound read-only to the workspace of an
 * environment that promotes from it (`databricks_workspace_binding.catalog_<name>__workspace_<env>`),
 * so that its principal can copy models out. Never to the catalog's own workspace: the provider
 * binds that one itself when it makes the catalog ISOLATED (catalog.ts ownWorkspaceBinding), and
 * a declared one breaks `terraform destroy`.
 */
import type { Construct } from "constructs";
import type { WorkspaceBinding } from "../cdk";
import type { Environment } from "../model/types";
import { catalogNameRef, type BindingType } from "./catalog";
import type { ExpectedBody } from "./json";
import { addressOf, invalid, logicalId, named, type ResourceType } from "./resource";

export interface DesiredBinding {
  /** The resource's name: `catalog_<catalog>__workspace_<consumer>`. */
  readonly id: string;
  readonly catalog: string;
  /** The promoting environment whose workspace may read the catalog. */
  readonly consumer: Environment;
  readonly workspaceId: number;
  readonly bindingType: "BINDING_TYPE_READ_ONLY";
}

export const WORKSPACE_BINDING = {
  type: "databricks_workspace_binding",
  mode: "resource",
  stateful: false,
  protected: false,
  access: true,
  heading: "other resources",
  coreAttributes: ["securable_name", "securable_type", "workspace_id", "binding_type", "catalog_name"],
  gate: {
    extraBlock: "catalog-isolation",
    differs: (d) => (d.actual === undefined ? undefined : { rule: "catalog-isolation" }),
  },
} as const satisfies ResourceType;

/** The provider's default binding type (an unset binding_type binds read-write). */
export const READ_WRITE: BindingType = "BINDING_TYPE_READ_WRITE";

/** A binding's name: `catalog_<catalog>__workspace_<consumer>`. */
export function workspaceBindingId(catalog: string, consumerKey: string): string {
  return logicalId(`catalog_${catalog}`, `workspace_${consumerKey}`);
}

/** `databricks_workspace_binding.<id>`. */
export function workspaceBindingAddress(id: string): string {
  return addressOf(WORKSPACE_BINDING, id);
}

/** The binding as the gate expects it; `catalogId`: the stack's own catalog, named by reference. */
export function expectedWorkspaceBinding(b: DesiredBinding, catalogId: string): ExpectedBody {
  return { binding_type: b.bindingType, securable_name: catalogNameRef(catalogId), securable_type: "catalog", workspace_id: b.workspaceId };
}

/** What the address manifest records it as. */
export function workspaceBindingObject(b: DesiredBinding): string {
  return `binding of catalog ${b.catalog} to workspace ${b.workspaceId}`;
}

/** What the audit expects live of a declared binding, and why it exists. */
export function expectedLiveBinding(b: DesiredBinding): { readonly workspaceId: number; readonly bindingType: BindingType; readonly reason: string } {
  return { workspaceId: b.workspaceId, bindingType: b.bindingType, reason: `environments.${b.consumer.key}.promotion reads it` };
}

export interface WorkspaceBindingProps {
  /** The resource's name (`databricks_workspace_binding.<id>`). */
  readonly id: string;
  /** The catalog, as the stack refers to it (`${databricks_catalog.<id>.name}`). */
  readonly catalogName: string;
  /** The workspace that may reach the catalog. */
  readonly workspaceId: number;
  readonly bindingType: "BINDING_TYPE_READ_ONLY";
}

/** Renders the binding at `scope`/`id` (the construct path stays the caller's). */
export class WorkspaceBindingBlock {
  readonly resource: WorkspaceBinding;

  constructor(scope: Construct, constructId: string, props: WorkspaceBindingProps) {
    if (!Number.isSafeInteger(props.workspaceId) || props.workspaceId <= 0) invalid(`binding ${props.id}'s workspace ID`, props.workspaceId, "a workspace's numeric ID");
    if (props.bindingType !== "BINDING_TYPE_READ_ONLY") invalid(`binding ${props.id}'s type`, props.bindingType, "BINDING_TYPE_READ_ONLY (a promotion reads, never writes)");
    this.resource = named(WORKSPACE_BINDING, props.id, (c) => new c.WorkspaceBinding(scope, constructId, {
      securableName: props.catalogName,
      securableType: "catalog",
      workspaceId: props.workspaceId,
      bindingType: props.bindingType,
    }));
  }
}
