/**
 * The part of Terraform's plugin protocol 6 the stand-in speaks, written here as protobufjs JSON
 * descriptors: only the messages, fields and RPCs it uses (protobuf ignores fields a reader does not
 * know, so terraform's extra fields are harmless). Field numbers, names and types follow
 * `docs/plugin-protocol/tfplugin6.8.proto` in hashicorp/terraform at tag v1.11.4 (the protocol
 * terraform 1.11.4 speaks), and go-plugin v1.6.0's `internal/plugin/grpc_controller.proto` for the
 * controller service. Neither file is copied here.
 */
import * as protobuf from "protobufjs/light";

type Fields = { [name: string]: { type: string; id: number; rule?: "repeated"; keyType?: string } };
const msg = (fields: Fields, nested?: protobuf.INamespace["nested"]) => ({ fields, ...(nested ? { nested } : {}) });
const request = (fields: Fields) => msg(fields);
const diagnostics = (id: number) => ({ diagnostics: { type: "Diagnostic", id, rule: "repeated" as const } });

/** Package tfplugin6: values, diagnostics, schemas and one request/response pair per RPC. */
const tfplugin6: protobuf.INamespace = {
  nested: {
    // A value of a schema's type: msgpack bytes (what terraform sends and expects back) or JSON.
    DynamicValue: msg({ msgpack: { type: "bytes", id: 1 }, json: { type: "bytes", id: 2 } }),
    Diagnostic: {
      fields: {
        severity: { type: "Severity", id: 1 },
        summary: { type: "string", id: 2 },
        detail: { type: "string", id: 3 },
        attribute: { type: "AttributePath", id: 4 },
      },
      nested: { Severity: { values: { INVALID: 0, ERROR: 1, WARNING: 2 } } },
    },
    AttributePath: {
      fields: { steps: { type: "Step", id: 1, rule: "repeated" } },
      nested: {
        Step: {
          oneofs: { selector: { oneof: ["attribute_name", "element_key_string", "element_key_int"] } },
          fields: {
            attribute_name: { type: "string", id: 1 },
            element_key_string: { type: "string", id: 2 },
            element_key_int: { type: "int64", id: 3 },
          },
        },
      },
    },
    // Stored state handed to UpgradeResourceState: JSON (or the pre-0.12 flatmap, never written by 1.x).
    RawState: msg({ json: { type: "bytes", id: 1 }, flatmap: { keyType: "string", type: "string", id: 2 } }),
    Schema: {
      fields: { version: { type: "int64", id: 1 }, block: { type: "Block", id: 2 } },
      nested: {
        Block: msg({
          version: { type: "int64", id: 1 },
          attributes: { type: "Attribute", id: 2, rule: "repeated" },
          block_types: { type: "NestedBlock", id: 3, rule: "repeated" },
          description: { type: "string", id: 4 },
          description_kind: { type: "int32", id: 5 },
          deprecated: { type: "bool", id: 6 },
        }),
        Attribute: msg({
          name: { type: "string", id: 1 },
          // The attribute's cty type as JSON bytes, e.g. "string" or ["list","string"].
          type: { type: "bytes", id: 2 },
          description: { type: "string", id: 3 },
          required: { type: "bool", id: 4 },
          optional: { type: "bool", id: 5 },
          computed: { type: "bool", id: 6 },
          sensitive: { type: "bool", id: 7 },
          description_kind: { type: "int32", id: 8 },
          deprecated: { type: "bool", id: 9 },
          nested_type: { type: "Object", id: 10 },
        }),
        // nesting: 1 single, 2 list, 3 set, 4 map, 5 group.
        NestedBlock: msg({
          type_name: { type: "string", id: 1 },
          block: { type: "Block", id: 2 },
          nesting: { type: "int32", id: 3 },
          min_items: { type: "int64", id: 4 },
          max_items: { type: "int64", id: 5 },
        }),
        // nesting: 1 single, 2 list, 3 set, 4 map.
        Object: msg({ attributes: { type: "Attribute", id: 1, rule: "repeated" }, nesting: { type: "int32", id: 3 } }),
      },
    },
    ServerCapabilities: msg({
      plan_destroy: { type: "bool", id: 1 },
      get_provider_schema_optional: { type: "bool", id: 2 },
      move_resource_state: { type: "bool", id: 3 },
    }),
    TypeName: msg({ type_name: { type: "string", id: 1 } }),
    GetMetadataRequest: request({}),
    GetMetadataResponse: msg({
      server_capabilities: { type: "ServerCapabilities", id: 1 },
      ...diagnostics(2),
      data_sources: { type: "TypeName", id: 3, rule: "repeated" },
      resources: { type: "TypeName", id: 4, rule: "repeated" },
    }),
    GetProviderSchemaRequest: request({}),
    GetProviderSchemaResponse: msg({
      provider: { type: "Schema", id: 1 },
      resource_schemas: { keyType: "string", type: "Schema", id: 2 },
      data_source_schemas: { keyType: "string", type: "Schema", id: 3 },
      ...diagnostics(4),
      provider_meta: { type: "Schema", id: 5 },
      server_capabilities: { type: "ServerCapabilities", id: 6 },
    }),
    ValidateProviderConfigRequest: request({ config: { type: "DynamicValue", id: 1 } }),
    ValidateProviderConfigResponse: msg({ ...diagnostics(2) }),
    UpgradeResourceStateRequest: request({ type_name: { type: "string", id: 1 }, version: { type: "int64", id: 2 }, raw_state: { type: "RawState", id: 3 } }),
    UpgradeResourceStateResponse: msg({ upgraded_state: { type: "DynamicValue", id: 1 }, ...diagnostics(2) }),
    ValidateConfigRequest: request({ type_name: { type: "string", id: 1 }, config: { type: "DynamicValue", id: 2 } }),
    ValidateConfigResponse: msg({ ...diagnostics(1) }),
    ConfigureProviderRequest: request({ terraform_version: { type: "string", id: 1 }, config: { type: "DynamicValue", id: 2 } }),
    ConfigureProviderResponse: msg({ ...diagnostics(1) }),
    ReadResourceRequest: request({
      type_name: { type: "string", id: 1 },
      current_state: { type: "DynamicValue", id: 2 },
      private: { type: "bytes", id: 3 },
    }),
    ReadResourceResponse: msg({ new_state: { type: "DynamicValue", id: 1 }, ...diagnostics(2), private: { type: "bytes", id: 3 } }),
    PlanResourceChangeRequest: request({
      type_name: { type: "string", id: 1 },
      prior_state: { type: "DynamicValue", id: 2 },
      proposed_new_state: { type: "DynamicValue", id: 3 },
      config: { type: "DynamicValue", id: 4 },
      prior_private: { type: "bytes", id: 5 },
    }),
    PlanResourceChangeResponse: msg({
      planned_state: { type: "DynamicValue", id: 1 },
      requires_replace: { type: "AttributePath", id: 2, rule: "repeated" },
      planned_private: { type: "bytes", id: 3 },
      ...diagnostics(4),
      // Set by SDKv2 providers only: terraform then tolerates the old SDK's inexact plans.
      legacy_type_system: { type: "bool", id: 5 },
    }),
    ApplyResourceChangeRequest: request({
      type_name: { type: "string", id: 1 },
      prior_state: { type: "DynamicValue", id: 2 },
      planned_state: { type: "DynamicValue", id: 3 },
      config: { type: "DynamicValue", id: 4 },
      planned_private: { type: "bytes", id: 5 },
    }),
    ApplyResourceChangeResponse: msg({
      new_state: { type: "DynamicValue", id: 1 },
      private: { type: "bytes", id: 2 },
      ...diagnostics(3),
      legacy_type_system: { type: "bool", id: 4 },
    }),
    ImportResourceStateRequest: request({ type_name: { type: "string", id: 1 }, id: { type: "string", id: 2 } }),
    ImportedResource: msg({ type_name: { type: "string", id: 1 }, state: { type: "DynamicValue", id: 2 }, private: { type: "bytes", id: 3 } }),
    ImportResourceStateResponse: msg({ imported_resources: { type: "ImportedResource", id: 1, rule: "repeated" }, ...diagnostics(2) }),
    ReadDataSourceRequest: request({ type_name: { type: "string", id: 1 }, config: { type: "DynamicValue", id: 2 } }),
    ReadDataSourceResponse: msg({ state: { type: "DynamicValue", id: 1 }, ...diagnostics(2) }),
    GetFunctionsRequest: request({}),
    // functions (field 1) stays empty: the provider declares no functions.
    GetFunctionsResponse: msg({ ...diagnostics(2) }),
    StopProviderRequest: request({}),
    StopProviderResponse: msg({ Error: { type: "string", id: 1 } }),
  },
};

/** go-plugin's controller: terraform calls Shutdown when it is done with the provider process. */
const plugin: protobuf.INamespace = { nested: { Empty: msg({}) } };

export const root = protobuf.Root.fromJSON({ nested: { tfplugin6, plugin } });

/** RPC name -> [request message, response message], service tfplugin6.Provider. */
export const PROVIDER_RPCS = {
  GetMetadata: ["GetMetadataRequest", "GetMetadataResponse"],
  GetProviderSchema: ["GetProviderSchemaRequest", "GetProviderSchemaResponse"],
  ValidateProviderConfig: ["ValidateProviderConfigRequest", "ValidateProviderConfigResponse"],
  ValidateResourceConfig: ["ValidateConfigRequest", "ValidateConfigResponse"],
  ValidateDataResourceConfig: ["ValidateConfigRequest", "ValidateConfigResponse"],
  UpgradeResourceState: ["UpgradeResourceStateRequest", "UpgradeResourceStateResponse"],
  ConfigureProvider: ["ConfigureProviderRequest", "ConfigureProviderResponse"],
  ReadResource: ["ReadResourceRequest", "ReadResourceResponse"],
  PlanResourceChange: ["PlanResourceChangeRequest", "PlanResourceChangeResponse"],
  ApplyResourceChange: ["ApplyResourceChangeRequest", "ApplyResourceChangeResponse"],
  ImportResourceState: ["ImportResourceStateRequest", "ImportResourceStateResponse"],
  ReadDataSource: ["ReadDataSourceRequest", "ReadDataSourceResponse"],
  GetFunctions: ["GetFunctionsRequest", "GetFunctionsResponse"],
  StopProvider: ["StopProviderRequest", "StopProviderResponse"],
} as const;

export type ProviderRpc = keyof typeof PROVIDER_RPCS;

/** Severity values of Diagnostic. */
export const SEVERITY = { error: 1, warning: 2 } as const;
/** Nesting modes of Schema.NestedBlock and Schema.Object. */
export const NESTING = { single: 1, list: 2, set: 3, map: 4 } as const;
