/**
 * The resource modules (lib/resources/): each renderer refuses what the desired state can never
 * give it (a programming error, named with the value), each type is one the pinned provider has and
 * the stand-in implements, and the gate can hand every difference in a block of each type to a rule
 * that reports it. That the renderers and the expected JSON agree is the property of
 * generated-models.test.ts, over generated models.
 */
import { Testing, TerraformStack } from "../lib/cdk";
import { ruleOf, RULES } from "../lib/gate/rules";
import { CatalogBlock } from "../lib/resources/catalog";
import { FederationPolicyBlock } from "../lib/resources/federation-policy";
import { GrantBlock } from "../lib/resources/grant";
import { GroupLookupBlock } from "../lib/resources/group-lookup";
import { MODEL_RESOURCE_TYPES, RESOURCE_TYPES, STATEFUL_TYPES } from "../lib/resources/index";
import { PermissionAssignmentBlock } from "../lib/resources/permission-assignment";
import { ProviderBlock } from "../lib/resources/provider";
import { SchemaBlock } from "../lib/resources/schema";
import { ServicePrincipalBlock } from "../lib/resources/service-principal";
import { ServicePrincipalLookupBlock } from "../lib/resources/service-principal-lookup";
import { WorkspaceBindingBlock } from "../lib/resources/workspace-binding";
import { loadSchema } from "../stand-in/provider/schema";
import { RESOURCES } from "../stand-in/provider/resources";

const stack = () => new TerraformStack(Testing.app(), "s");

describe("the renderers", () => {
  it("render what they are given, under the name they are given", () => {
    const s = stack();
    new CatalogBlock(s, "c", { id: "dev", name: "dev", owner: "${databricks_service_principal.dev.application_id}", isolationMode: "ISOLATED" });
    new GrantBlock(s, "g", { id: "catalog_dev__group_dev", securableType: "external_location", securable: "sandboxes", principal: "Devs", privileges: ["CREATE_MANAGED_STORAGE"] });
    const json = JSON.parse(Testing.synth(s));
    expect(json.resource.databricks_catalog.dev).toMatchObject({ name: "dev", isolation_mode: "ISOLATED", lifecycle: { prevent_destroy: true, ignore_changes: ["comment"] } });
    expect(json.resource.databricks_grant.catalog_dev__group_dev).toMatchObject({ external_location: "sandboxes", principal: "Devs", privileges: ["CREATE_MANAGED_STORAGE"] });
  });

  it.each([
    ["a catalog named with a space", () => new CatalogBlock(stack(), "c", { id: "dev prod", name: "dev", owner: "x" }), 'the name of a databricks_catalog is "dev prod"'],
    ["a catalog isolation other than ISOLATED", () => new CatalogBlock(stack(), "c", { id: "dev", name: "dev", owner: "x", isolationMode: "OPEN" as "ISOLATED" }), 'catalog dev\'s isolation mode is "OPEN"'],
    ["a catalog without an owner", () => new CatalogBlock(stack(), "c", { id: "dev", name: "dev", owner: "" }), "catalog dev's owner"],
    ["a schema without its catalog", () => new SchemaBlock(stack(), "s", { id: "dev__x", name: "x", catalogName: "" }), "schema x's catalog"],
    ["a grant of a privilege the securable does not have", () => new GrantBlock(stack(), "g", { id: "g", securableType: "metastore", securable: "m", principal: "p", privileges: ["SELECT"] }), "invalid privileges [SELECT] for a metastore grant g"],
    ["a grant of nothing", () => new GrantBlock(stack(), "g", { id: "g", securableType: "catalog", securable: "dev", principal: "p", privileges: [] }), "invalid privileges [] for a catalog grant g"],
    ["a grant to no principal", () => new GrantBlock(stack(), "g", { id: "g", securableType: "catalog", securable: "dev", principal: " ", privileges: ["USE_CATALOG"] }), "grant g's principal"],
    ["a binding that would write", () => new WorkspaceBindingBlock(stack(), "b", { id: "b", catalogName: "dev", workspaceId: 1, bindingType: "BINDING_TYPE_READ_WRITE" as "BINDING_TYPE_READ_ONLY" }), "binding b's type"],
    ["a binding to no workspace", () => new WorkspaceBindingBlock(stack(), "b", { id: "b", catalogName: "dev", workspaceId: 0, bindingType: "BINDING_TYPE_READ_ONLY" }), "binding b's workspace ID is 0"],
    ["a service principal without a display name", () => new ServicePrincipalBlock(stack(), "sp", { key: "dev", displayName: "" }), "environment dev's service principal"],
    ["a group lookup without a display name", () => new GroupLookupBlock(stack(), "g", { key: "dev", displayName: " " }), "group dev's display name"],
    ["a principal lookup by nothing", () => new ServicePrincipalLookupBlock(stack(), "l", { name: "plan", by: { applicationId: "" } }), "the lookup plan's application ID"],
    ["a provider aimed at a path", () => new ProviderBlock(stack(), { host: "https://dbc-1.cloud.databricks.com/x", profile: "p" }), "the provider's host"],
  ])("rejects %s, naming the value", (_, render, message) => {
    expect(render).toThrow(message);
  });

  it("rejects a federation policy trusting tokens from elsewhere than GitHub Actions, and an assignment beyond USER", () => {
    const s = stack();
    const plan = new ServicePrincipalLookupBlock(s, "plan", { name: "plan", by: { applicationId: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f" } });
    expect(() => new FederationPolicyBlock(s, "p", { id: "github__plan", principal: plan, subject: "anything", audience: "acct", description: "d" })).toThrow("federation policy github__plan's subject is \"anything\"");
    expect(() => new PermissionAssignmentBlock(s, "a", { id: "plan__workspace_dev", principal: plan, workspaceId: 1, permissions: ["ADMIN"] as unknown as ["USER"] })).toThrow("assignment plan__workspace_dev's permissions");
  });
});

describe("the resource types", () => {
  it("are types the pinned provider has (resources and data sources), and the stand-in implements every resource", () => {
    const schema = loadSchema();
    for (const t of RESOURCE_TYPES) expect({ type: t.type, known: (t.mode === "resource" ? schema.resources : schema.dataSources).has(t.type) }).toEqual({ type: t.type, known: true });
    expect([...MODEL_RESOURCE_TYPES].sort()).toEqual(Object.keys(RESOURCES).sort());
  });

  it("keep catalogs, schemas and service principals (forgotten, never destroyed), and protect catalogs and schemas", () => {
    expect([...STATEFUL_TYPES].sort()).toEqual(["databricks_catalog", "databricks_schema", "databricks_service_principal"]);
    expect(RESOURCE_TYPES.filter((t) => t.protected).map((t) => t.type).sort()).toEqual(["databricks_catalog", "databricks_schema"]);
  });

  it("name, for a block the model does not declare, a rule that says what is wrong with it", () => {
    for (const t of RESOURCE_TYPES) {
      const owners = typeof t.gate.extraBlock === "function" ? [t.gate.extraBlock({ unresolved: false }), t.gate.extraBlock({ unresolved: true })] : [t.gate.extraBlock];
      for (const rule of owners) expect({ type: t.type, rule, reports: ruleOf(rule).extraBlock !== undefined }).toEqual({ type: t.type, rule, reports: true });
    }
    // Types the model never produces: every rule that claims one says what is wrong with it.
    for (const r of RULES) if ("claimsType" in r) expect({ rule: r.id, reports: "extraBlock" in r }).toEqual({ rule: r.id, reports: true });
  });
});
