/**
 * `databricks_schema`: a schema of an environment's catalog, `databricks_schema.<catalog>__<schema>`,
 * in its catalog by reference, protected like the catalog. It sets no owner: a schema keeps the
 * catalog owner's ownership.
 */
import type { Construct } from "constructs";
import type { Schema } from "../cdk";
import { show, type ExpectedBody } from "./json";
import { catalogNameRef } from "./catalog";
import { expectedLifecycle, protectedLifecycle } from "./protection";
import { addressOf, invalid, logicalId, named, type ResourceType } from "./resource";

export interface DesiredSchema {
  /** The resource's name (`databricks_schema.<id>`): `<catalog>__<schema>`. */
  readonly id: string;
  readonly name: string;
  /**
   * Not set on an adopted schema, which means "keep the comment it has": the stack then ignores
   * changes to it (lifecycle.ignore_changes), since an optional attribute left out of the
   * configuration is planned as a removal (terraform-plugin-sdk v2, schema.go diffString).
   */
  readonly comment?: string;
  readonly importId?: string;
}

export const SCHEMA = {
  type: "databricks_schema",
  mode: "resource",
  stateful: true,
  protected: true,
  access: false,
  heading: "catalogs and schemas",
  coreAttributes: [],
  gate: {
    extraBlock: "unknown-construct",
    extraAttribute: (path, value) =>
      path[0] === "owner"
        ? { rule: "catalog-owner", problem: `owner = ${show(value)}; a schema keeps the catalog owner's ownership, the model sets none` }
        : { rule: "unknown-construct" },
    differs: (d) => (d.path[0] === "owner" && d.actual !== undefined ? { rule: "catalog-owner" } : undefined),
  },
} as const satisfies ResourceType;

/** A schema's name: `<catalog>__<schema>`. */
export function schemaId(catalog: string, name: string): string {
  return logicalId(catalog, name);
}

/** `databricks_schema.<id>`. */
export function schemaAddress(id: string): string {
  return addressOf(SCHEMA, id);
}

export function expectedSchema(catalogId: string, s: DesiredSchema): ExpectedBody {
  return { catalog_name: catalogNameRef(catalogId), ...(s.comment !== undefined ? { comment: s.comment } : {}), lifecycle: expectedLifecycle(s.comment), name: s.name };
}

/** What the address manifest records it as. */
export function schemaObject(catalog: string, name: string): string {
  return `schema ${catalog}.${name}`;
}

export interface SchemaProps {
  /** The resource's name (`databricks_schema.<id>`). */
  readonly id: string;
  readonly name: string;
  /** The catalog, as the stack refers to it (`${databricks_catalog.<id>.name}`). */
  readonly catalogName: string;
  /** @default - none: an adopted schema keeps the comment it has (lifecycle.ignore_changes) */
  readonly comment?: string;
}

/** Renders the schema at `scope`/`id` (the construct path stays the caller's). */
export class SchemaBlock {
  readonly resource: Schema;

  constructor(scope: Construct, constructId: string, props: SchemaProps) {
    if (props.name.trim() === "") invalid("a schema's name", props.name, "a name");
    if (props.catalogName.trim() === "") invalid(`schema ${props.name}'s catalog`, props.catalogName, "a catalog name or reference");
    this.resource = named(SCHEMA, props.id, (c) => new c.Schema(scope, constructId, {
      catalogName: props.catalogName,
      name: props.name,
      ...(props.comment !== undefined ? { comment: props.comment } : {}),
      lifecycle: protectedLifecycle(props.comment),
    }));
  }
}
