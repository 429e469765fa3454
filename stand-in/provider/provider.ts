/**
 * The provider's RPCs (tfplugin6.Provider), on decoded messages. Each resource type behaves as its
 * SDK does (plan.ts) with the object's life in the workspace file (resources.ts, data-sources.ts).
 */
import type { JsonAttribute, JsonBlock, JsonSchema } from "../schema/json-schema";
import { NESTING, SEVERITY } from "../protocol/tfplugin6";
import { conform, decodeValue, encodeValue, isUnknown, valueFromJson, type ObjectValue, type Value } from "../protocol/values";
import { WORKSPACE_ENV, WorkspaceFileError, readWorkspace, updateWorkspace } from "../workspace/file";
import type { WorkspaceFile } from "../workspace/types";
import { ApiError, type Problem } from "./errors";
import { DATA_SOURCES } from "./data-sources";
import { planFramework, planSdkv2 } from "./plan";
import { RESOURCES, type ResourceImpl, type Target } from "./resources";
import { loadSchema, type TypeSchema } from "./schema";

type Msg = { [k: string]: unknown };
interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

const diag = (p: Problem, severity: number = SEVERITY.error) => ({ severity, summary: p.summary, detail: p.detail ?? "" });
const errorDiags = (summary: string, detail?: string) => ({ diagnostics: [diag({ summary, ...(detail !== undefined ? { detail } : {}) })] });

function protoAttribute(name: string, a: JsonAttribute): Msg {
  return {
    name,
    ...(a.type !== undefined ? { type: Buffer.from(JSON.stringify(a.type)) } : {}),
    ...(a.nested_type
      ? { nested_type: { attributes: Object.entries(a.nested_type.attributes).map(([n, x]) => protoAttribute(n, x)), nesting: NESTING[a.nested_type.nesting_mode] } }
      : {}),
    required: a.required === true,
    optional: a.optional === true,
    computed: a.computed === true,
    sensitive: a.sensitive === true,
    deprecated: a.deprecated === true,
  };
}

function protoBlock(b: JsonBlock): Msg {
  return {
    attributes: Object.entries(b.attributes ?? {}).map(([n, a]) => protoAttribute(n, a)),
    block_types: Object.entries(b.block_types ?? {}).map(([n, t]) => ({
      type_name: n,
      block: protoBlock(t.block),
      nesting: NESTING[t.nesting_mode],
      min_items: t.min_items ?? 0,
      max_items: t.max_items ?? 0,
    })),
  };
}

const protoSchema = (s: JsonSchema): Msg => ({ version: s.version, block: protoBlock(s.block) });

/** Replaces every unknown left in a new state by null (the SDK stores what Read did not set as null). */
function settle(v: Value): Value {
  if (isUnknown(v)) return null;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(settle);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, settle(x)]));
}

/** `databricks_catalog` -> `catalog` (common/context.go strips the prefix for messages). */
const shortName = (type: string) => type.replace(/^databricks_/, "").replace(/_/g, " ");

function isSet(v: Value): boolean {
  return v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
}

/** The SDKv2 schema's value rules (ExactlyOneOf, AtLeastOneOf, ConflictsWith, StringInSlice) on a configuration. */
export function checkRules(t: TypeSchema, config: ObjectValue): Problem[] {
  const problems: Problem[] = [];
  for (const rule of t.facts.rules ?? []) {
    if (rule.kind === "exactlyOneOf" || rule.kind === "atLeastOneOf") {
      const set = rule.attributes.filter((a) => isSet(config[a]));
      const list = rule.attributes.join(",");
      if (set.length === 0) problems.push({ summary: `Invalid combination of arguments`, detail: `"${rule.attributes[0]}": one of \`${list}\` must be specified` });
      else if (rule.kind === "exactlyOneOf" && set.length > 1) problems.push({ summary: `Invalid combination of arguments`, detail: `"${set[0]}": only one of \`${list}\` can be specified, but \`${set.join(",")}\` were specified.` });
    } else if (rule.kind === "conflictsWith") {
      if (!isSet(config[rule.attribute])) continue;
      for (const other of rule.with) if (isSet(config[other])) problems.push({ summary: `Conflicting configuration arguments`, detail: `"${rule.attribute}": conflicts with ${other}` });
    } else {
      const v = config[rule.attribute];
      if (typeof v === "string" && !rule.values.includes(v)) problems.push({ summary: `expected ${rule.attribute} to be one of ["${rule.values.join('" "')}"], got ${v}` });
    }
  }
  return problems;
}

export class StandInProvider {
  private target?: Target;
  private readonly schema = loadSchema();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private resource(type: string): [TypeSchema, ResourceImpl] {
    const t = this.schema.resources.get(type);
    const impl = RESOURCES[type];
    if (!t || !impl) throw new ApiError(`resource type ${type} is not part of the stand-in (it knows ${[...this.schema.resources.keys()].join(", ")})`);
    return [t, impl];
  }

  private decode(t: TypeSchema, v: DynamicValue | undefined | null): ObjectValue | null {
    if (!v) return null;
    if (v.msgpack && v.msgpack.length > 0) return decodeValue(v.msgpack, t.type) as ObjectValue | null;
    if (v.json && v.json.length > 0) return valueFromJson(JSON.parse(Buffer.from(v.json).toString("utf8")), t.type) as ObjectValue | null;
    return null;
  }

  private encode(t: TypeSchema, v: ObjectValue | null): DynamicValue {
    return { msgpack: encodeValue(v, t.type) };
  }

  private requireTarget(): Target {
    if (!this.target) throw new ApiError("the provider is not configured (terraform did not call ConfigureProvider)");
    return this.target;
  }

  GetMetadata(): Msg {
    return {
      server_capabilities: { get_provider_schema_optional: true },
      resources: [...this.schema.resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...this.schema.dataSources.keys()].map((type_name) => ({ type_name })),
    };
  }

  GetProviderSchema(): Msg {
    const j = this.schema.json;
    return {
      provider: protoSchema(j.provider),
      resource_schemas: Object.fromEntries(Object.entries(j.resource_schemas).map(([n, s]) => [n, protoSchema(s)])),
      data_source_schemas: Object.fromEntries(Object.entries(j.data_source_schemas).map(([n, s]) => [n, protoSchema(s)])),
      provider_meta: { version: 0, block: {} },
      server_capabilities: { get_provider_schema_optional: true },
    };
  }

  ValidateProviderConfig(): Msg {
    return {};
  }

  ValidateResourceConfig(req: Msg): Msg {
    const [t] = this.resource(String(req.type_name));
    const config = this.decode(t, req.config as DynamicValue);
    return { diagnostics: config ? checkRules(t, config).map((p) => diag(p)) : [] };
  }

  ValidateDataResourceConfig(req: Msg): Msg {
    const t = this.schema.dataSources.get(String(req.type_name));
    if (!t) return errorDiags(`data source ${String(req.type_name)} is not part of the stand-in`);
    const config = this.decode(t, req.config as DynamicValue);
    return { diagnostics: config ? checkRules(t, config).map((p) => diag(p)) : [] };
  }

  UpgradeResourceState(req: Msg): Msg {
    const [t] = this.resource(String(req.type_name));
    const raw = req.raw_state as { json?: Uint8Array } | undefined;
    if (!raw?.json || raw.json.length === 0) return errorDiags(`${String(req.type_name)}: the stored state has no JSON (a pre-0.12 flatmap state cannot be upgraded by the stand-in)`);
    let state = JSON.parse(Buffer.from(raw.json).toString("utf8")) as { [k: string]: unknown };
    const version = Number(req.version ?? 0);
    if (t.name === "databricks_workspace_binding" && version < 1) {
      // catalog/resource_workspace_binding.go bindingMigrateV0.
      state = {
        securable_name: state.catalog_name,
        securable_type: "catalog",
        catalog_name: state.catalog_name,
        workspace_id: state.workspace_id,
        binding_type: "BINDING_TYPE_READ_WRITE",
        id: state.id,
      };
    }
    return { upgraded_state: this.encode(t, valueFromJson(state, t.type) as ObjectValue) };
  }

  ConfigureProvider(req: Msg): Msg {
    const config = decodeValue((req.config as DynamicValue | undefined)?.msgpack, this.schema.providerType) as ObjectValue | null;
    const file = this.env[WORKSPACE_ENV];
    if (!file) {
      return errorDiags(
        "stand-in provider: no workspace file",
        `${WORKSPACE_ENV} is not set. This is the uc-env-isolation stand-in provider (never a real deploy); run terraform through \`npm run rehearse\`, or eval the lines of \`npm run --silent rehearse -- --env\`.`,
      );
    }
    let ws: WorkspaceFile;
    try {
      ws = readWorkspace(file);
    } catch (e) {
      return errorDiags("stand-in provider: bad workspace file", (e as Error).message);
    }
    const rawHost = typeof config?.host === "string" ? config.host : (this.env.DATABRICKS_HOST ?? "");
    const host = (/^https?:\/\//.test(rawHost) ? rawHost : `https://${rawHost}`).replace(/\/+$/, "");
    if (rawHost === "") return errorDiags("cannot configure default credentials", "the provider block sets no host and DATABRICKS_HOST is not set");
    const accountId = typeof config?.account_id === "string" && config.account_id !== "" ? config.account_id : undefined;
    if (host === ws.account.host.replace(/\/+$/, "")) {
      if (accountId === undefined) return errorDiags("invalid Databricks Account configuration", `host ${host} is the accounts console: account_id must be set`);
      if (accountId !== ws.account.id) return errorDiags("invalid Databricks Account configuration", `account_id ${accountId} is not the account of the stand-in workspace file ${file} (${ws.account.id})`);
      this.target = { file, host, mode: "account" };
      return {};
    }
    const workspace = ws.workspaces[host];
    if (!workspace) {
      return errorDiags(
        `cannot reach ${host}`,
        `Get "${host}/api/2.0/preview/scim/v2/Me": dial tcp: lookup ${host.replace(/^https?:\/\//, "")}: no such host. The stand-in workspace file ${file} knows the workspaces ${Object.keys(ws.workspaces).join(", ")} and the accounts console ${ws.account.host}.`,
      );
    }
    this.target = { file, host, mode: "workspace", workspaceId: workspace.id };
    return {};
  }

  ReadResource(req: Msg): Msg {
    const [t, impl] = this.resource(String(req.type_name));
    const state = this.decode(t, req.current_state as DynamicValue);
    if (state === null) return { new_state: this.encode(t, null) };
    try {
      const target = this.requireTarget();
      const ws = readWorkspace(target.file);
      const read = impl.read(ws, target, state);
      return { new_state: this.encode(t, settle(conform({ ...state, ...read }, t.type, "")) as ObjectValue), private: req.private ?? Buffer.alloc(0) };
    } catch (e) {
      // A 404 removes the object from state (common/resource.go ignoreMissing; framework RemoveResource).
      if (e instanceof ApiError && e.missing) return { new_state: this.encode(t, null) };
      return this.failure(e, `cannot read ${shortName(t.name)}`);
    }
  }

  PlanResourceChange(req: Msg): Msg {
    const [t] = this.resource(String(req.type_name));
    const prior = this.decode(t, req.prior_state as DynamicValue);
    const proposed = this.decode(t, req.proposed_new_state as DynamicValue);
    const config = this.decode(t, req.config as DynamicValue);
    const plan = t.facts.sdk === "sdkv2" ? planSdkv2(t, prior, proposed, config) : planFramework(t, prior, proposed, config);
    return {
      planned_state: this.encode(t, plan.planned),
      requires_replace: plan.requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })),
      planned_private: req.prior_private ?? Buffer.alloc(0),
      legacy_type_system: t.facts.sdk === "sdkv2",
    };
  }

  ApplyResourceChange(req: Msg): Msg {
    const [t, impl] = this.resource(String(req.type_name));
    const prior = this.decode(t, req.prior_state as DynamicValue);
    const planned = this.decode(t, req.planned_state as DynamicValue);
    const legacy = t.facts.sdk === "sdkv2";
    const action = planned === null ? "delete" : prior === null ? "create" : "update";
    try {
      const target = this.requireTarget();
      if (impl.scope === "account" && target.mode !== "account") throw new ApiError(`invalid Databricks Account configuration: ${t.name} is managed at account level, and host ${target.host} is a workspace`);
      if (planned === null) {
        updateWorkspace(target.file, (ws) => {
          try {
            impl.delete(ws, target, prior!);
          } catch (e) {
            // Delete of an object already gone succeeds (common/resource.go: apierr.IsMissing).
            if (!(e instanceof ApiError && e.missing)) throw e;
          }
        });
        return { new_state: this.encode(t, null), legacy_type_system: legacy };
      }
      if (prior !== null && !impl.update) {
        // helper/schema: a resource without Update cannot change in place.
        throw new ApiError("doesn't support update");
      }
      const state = updateWorkspace(target.file, (ws) => {
        const returned = prior === null ? impl.create(ws, target, planned, prior) : impl.update!(ws, target, prior, planned);
        const base: ObjectValue = { ...planned, ...returned };
        // SDKv2 reads the object back after create and update (common/resource.go); the framework
        // resource answers with what the API returned.
        return legacy ? { ...base, ...impl.read(ws, target, base) } : base;
      });
      return { new_state: this.encode(t, settle(conform(state, t.type, "")) as ObjectValue), private: Buffer.alloc(0), legacy_type_system: legacy };
    } catch (e) {
      const summary = legacy ? `cannot ${action} ${shortName(t.name)}` : `failed to ${action} ${t.name.replace(/^databricks_/, "")}`;
      return { ...this.failure(e, summary), new_state: this.encode(t, action === "create" ? null : prior), legacy_type_system: legacy };
    }
  }

  ImportResourceState(req: Msg): Msg {
    const [t, impl] = this.resource(String(req.type_name));
    const id = String(req.id ?? "");
    try {
      const target = this.requireTarget();
      let state: ObjectValue;
      if (impl.importState) {
        state = impl.importState(id);
      } else {
        // common/resource.go: the default importer reads the object (ignoreMissing false: a missing
        // object fails the import with the API's error, without the "cannot read" prefix).
        const base = conform({ id }, t.type, "") as ObjectValue;
        state = { ...base, ...impl.read(readWorkspace(target.file), target, base) };
      }
      return { imported_resources: [{ type_name: t.name, state: this.encode(t, settle(conform(state, t.type, "")) as ObjectValue), private: Buffer.alloc(0) }] };
    } catch (e) {
      return this.failure(e);
    }
  }

  ReadDataSource(req: Msg): Msg {
    const type = String(req.type_name);
    const t = this.schema.dataSources.get(type);
    const impl = DATA_SOURCES[type];
    if (!t || !impl) return errorDiags(`data source ${type} is not part of the stand-in`);
    const config = this.decode(t, req.config as DynamicValue) ?? {};
    try {
      const target = this.requireTarget();
      const withDefaults: ObjectValue = { ...config };
      for (const [name, value] of Object.entries(t.facts.defaults ?? {})) if (withDefaults[name] === null) withDefaults[name] = value;
      const result = impl(readWorkspace(target.file), target, withDefaults);
      return { state: this.encode(t, settle(conform({ ...withDefaults, ...result }, t.type, "")) as ObjectValue) };
    } catch (e) {
      return this.failure(e);
    }
  }

  GetFunctions(): Msg {
    return {};
  }

  StopProvider(): Msg {
    return {};
  }

  private failure(e: unknown, prefix?: string): Msg {
    if (e instanceof ApiError || e instanceof WorkspaceFileError) {
      return errorDiags(prefix ? `${prefix}: ${e.message}` : e.message);
    }
    return errorDiags("stand-in provider failed unexpectedly (a bug)", (e as Error)?.stack ?? String(e));
  }
}

