/** Planning as the provider's SDKs do (stand-in/provider/plan.ts), on the committed schema. */
import { UNKNOWN, type ObjectValue } from "../../stand-in/protocol/values";
import { planFramework, planSdkv2 } from "../../stand-in/provider/plan";
import { loadSchema } from "../../stand-in/provider/schema";

const schema = loadSchema();
const resource = (t: string) => schema.resources.get(t)!;
/** A full value of the type: every attribute null, then the given ones. */
function value(t: string, attrs: ObjectValue): ObjectValue {
  const type = resource(t).type as ["object", { [k: string]: unknown }];
  const out: ObjectValue = {};
  for (const [name, at] of Object.entries(type[1])) out[name] = Array.isArray(at) && (at[0] === "list" || at[0] === "set") && Array.isArray(at[1]) ? [] : null;
  return { ...out, ...attrs };
}

describe("SDKv2 planning", () => {
  it("on create: defaults applied, computed attributes the configuration leaves null unknown", () => {
    const config = value("databricks_schema", { catalog_name: "dev", name: "gold" });
    const { planned, requiresReplace } = planSdkv2(resource("databricks_schema"), null, config, config);
    expect(planned).toMatchObject({ force_destroy: false, id: UNKNOWN, owner: UNKNOWN, schema_id: UNKNOWN, name: "gold", comment: null });
    expect(requiresReplace).toEqual([]);
  });

  it("on update: a ForceNew attribute (schema catalog_name) requires replacement and makes computed values unknown", () => {
    const prior = value("databricks_schema", { catalog_name: "dev", name: "gold", id: "dev.gold", owner: "me", force_destroy: false, schema_id: "x" });
    const config = value("databricks_schema", { catalog_name: "staging", name: "gold" });
    const proposed = { ...config, id: "dev.gold", owner: "me", schema_id: "x" };
    const { planned, requiresReplace } = planSdkv2(resource("databricks_schema"), prior, proposed, config);
    expect(requiresReplace).toEqual(["catalog_name"]);
    expect(planned).toMatchObject({ id: UNKNOWN, owner: UNKNOWN, catalog_name: "staging" });
  });

  it("suppresses a change of letter case in a name (EqualFoldDiffSuppress) and keeps a set's prior order", () => {
    const prior = value("databricks_schema", { catalog_name: "dev", name: "gold", id: "dev.gold", force_destroy: false });
    const config = value("databricks_schema", { catalog_name: "DEV", name: "gold" });
    expect(planSdkv2(resource("databricks_schema"), prior, { ...config, id: "dev.gold" }, config)).toEqual({ planned: { ...config, id: "dev.gold", catalog_name: "dev", force_destroy: false }, requiresReplace: [] });
    const g = value("databricks_grant", { catalog: "dev", principal: "p", privileges: ["B", "A"], id: "catalog/dev/p" });
    const gc = value("databricks_grant", { catalog: "dev", principal: "p", privileges: ["a", "b"] });
    expect(planSdkv2(resource("databricks_grant"), g, { ...gc, id: "catalog/dev/p" }, gc).planned!.privileges).toEqual(["B", "A"]);
  });

  it("makes every argument of a resource without Update force a new one (workspace binding), but not an optional+computed one", () => {
    const prior = value("databricks_workspace_binding", { securable_name: "dev", securable_type: "catalog", workspace_id: 1, binding_type: "BINDING_TYPE_READ_ONLY", id: "1|catalog|dev" });
    const config = value("databricks_workspace_binding", { securable_name: "dev", securable_type: "catalog", workspace_id: 1, binding_type: "BINDING_TYPE_READ_WRITE" });
    expect(planSdkv2(resource("databricks_workspace_binding"), prior, { ...config, id: "1|catalog|dev" }, config).requiresReplace).toEqual(["binding_type"]);
    const renamed = { ...config, binding_type: "BINDING_TYPE_READ_ONLY", securable_name: "other" };
    expect(planSdkv2(resource("databricks_workspace_binding"), prior, { ...renamed, id: "1|catalog|dev" }, renamed).requiresReplace).toEqual([]);
  });

  it("forces a new catalog when an option other than authorized_paths changes (CustomizeDiff)", () => {
    const prior = value("databricks_catalog", { name: "c", id: "c", options: { authorized_paths: "a" }, force_destroy: false });
    const paths = value("databricks_catalog", { name: "c", options: { authorized_paths: "b" } });
    expect(planSdkv2(resource("databricks_catalog"), prior, { ...paths, id: "c" }, paths).requiresReplace).toEqual([]);
    const other = value("databricks_catalog", { name: "c", options: { authorized_paths: "a", k: "v" } });
    expect(planSdkv2(resource("databricks_catalog"), prior, { ...other, id: "c" }, other).requiresReplace).toEqual(["options"]);
  });
});

describe("plugin-framework planning (federation policy)", () => {
  const t = resource("databricks_service_principal_federation_policy");
  const prior = value("databricks_service_principal_federation_policy", { service_principal_id: 5, policy_id: "p", description: "old", uid: "u", name: "n", create_time: "c", update_time: "t", oidc_policy: { issuer: "i", subject: "s", audiences: ["a"], jwks_json: null, jwks_uri: null, subject_claim: null } });

  it("keeps UseStateForUnknown values and makes the others unknown on an update", () => {
    const config = { ...prior, description: "new", uid: null, name: null, create_time: null, update_time: null, policy_id: null };
    const { planned, requiresReplace } = planFramework(t, prior, { ...config, uid: "u", name: "n", create_time: "c", update_time: "t", policy_id: "p" }, config);
    expect(planned).toMatchObject({ description: "new", uid: "u", name: "n", create_time: "c", policy_id: "p", update_time: UNKNOWN });
    expect(requiresReplace).toEqual([]);
  });

  it("requires replacement when service_principal_id changes (RequiresReplace)", () => {
    const config = { ...prior, service_principal_id: 6, uid: null, name: null, create_time: null, update_time: null, policy_id: null };
    expect(planFramework(t, prior, { ...config, uid: "u", name: "n", create_time: "c", update_time: "t", policy_id: "p" }, config).requiresReplace).toEqual(["service_principal_id"]);
  });

  it("changes nothing when nothing changes", () => {
    expect(planFramework(t, prior, prior, prior)).toEqual({ planned: prior, requiresReplace: [] });
  });
});
