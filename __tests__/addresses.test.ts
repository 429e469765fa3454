import { DatabricksProvider, Grant, TerraformStack, Testing } from "../lib/cdk";
import { stringify } from "yaml";
import { declareForgotten, declareMoved } from "../lib/resources/state-blocks";
import { desiredState, missingRenames } from "../lib/desired-state";
import { checkGate, formatViolation } from "../lib/gate/check";
import { ModelError } from "../lib/model/errors";
import { parseAddressManifest, type AddressManifest } from "../lib/model/history";
import type { EnvironmentModel } from "../lib/model/types";
import { addressManifest, checkAddresses, manifestChanges } from "../lib/review/addresses";
import type { StackJson } from "../lib/output/stack";
import { defaultModel, defaultModelData, modelFrom, retireProd, synthOutput } from "./helpers";

// The mechanism on the reference model; the live model's committed manifest is checked by
// __tests__/live/live-model.test.ts.
const model = defaultModel();
const committed: AddressManifest = addressManifest(desiredState(model));

/** A model as it is read beside a manifest (loadEnvironmentModel attaches the one next to the file). */
function withHistory(m: EnvironmentModel, history: AddressManifest = committed): EnvironmentModel {
  return { ...m, history };
}

/** JSON with every object's keys sorted, so two syntheses compare regardless of declaration order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function modelError(f: () => unknown): ModelError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error("expected a ModelError");
}

/** The reference model with the group key `dev` renamed `developers` (same group). */
function renamedGroupKey(): any {
  const data = defaultModelData();
  data.groups = Object.fromEntries(Object.entries(data.groups).map(([k, v]) => [k === "dev" ? "developers" : k, v]));
  data.access = Object.fromEntries(Object.entries(data.access).map(([k, v]) => [k === "dev" ? "developers" : k, v]));
  data.sandbox.creators = data.sandbox.creators.map((k: string) => (k === "dev" ? "developers" : k));
  return data;
}

describe("the address manifest", () => {
  it("records each address with the object it stands for", () => {
    expect(committed["ref-dev"].addresses).toMatchObject({
      "databricks_catalog.dev": "catalog dev",
      "databricks_schema.dev__gold": "schema dev.gold",
      "databricks_service_principal.dev": "service principal ml-pipelines-dev-service-principal",
      "databricks_grant.catalog_dev__group_dev": "grant on catalog dev to group Databricks - Dev",
      "data.databricks_group.dev": "lookup of group Databricks - Dev",
    });
    expect(committed["ref-dev"].imports).toEqual({ "databricks_catalog.dev": "dev" });
  });

  it("matches the desired state it was recorded from", () => {
    expect(checkAddresses(committed, desiredState(model))).toEqual([]);
  });

  it("reads a manifest written before objects were recorded (a list of addresses), as unknown objects", () => {
    const old = parseAddressManifest({ "ref-dev": { addresses: ["databricks_catalog.dev"], imports: {} } }, "terraform-addresses.json");
    expect(old["ref-dev"].addresses).toEqual({ "databricks_catalog.dev": "" });
  });

  it("rejects a manifest that is not one, naming the field and the fix", () => {
    const e = modelError(() => parseAddressManifest({ "ref-dev": { addresses: { "databricks_catalog.dev": 1 }, imports: {}, extra: true } }, "terraform-addresses.json"));
    expect(e.message).toMatch(/ref-dev\.addresses: is not an object of strings/);
    expect(e.message).toMatch(/ref-dev\.extra: is not a field of the manifest/);
    expect(e.message).toMatch(/Fix: restore it from git and run `npm run update`/);
  });

  it("fails when a resource's address disappears without a moved entry, explaining the destroy and the fix", () => {
    const changed = { ...committed, "ref-dev": { ...committed["ref-dev"], addresses: { ...committed["ref-dev"].addresses, "databricks_grant.catalog_dev__group_old": "grant on catalog dev to group Old" } } };
    expect(checkAddresses(changed, desiredState(model))).toEqual([
      expect.stringMatching(/^ref-dev: databricks_grant\.catalog_dev__group_old \(grant on catalog dev to group Old\) is no longer declared, so Terraform would DESTROY it \(revoking the grant\).*moved\.ref-dev: \{ databricks_grant\.catalog_dev__group_old: <new address> \}/),
    ]);
  });

  it("says what really happens when a whole stack disappears (nothing: its resources stay, unmanaged) and how to retire it", () => {
    const data = defaultModelData();
    delete data.environments.prod;
    delete data.access.prod_readonly;
    delete data.access.account_admin.prod;
    const withoutProd = modelFrom(data);
    const problems = checkAddresses(committed, desiredState(withoutProd));
    expect(problems).toEqual([expect.stringMatching(/^ref-prod: the stack is no longer synthesized, so Terraform plans nothing for it: its 11 resources .* stay in its state and in the workspace, unmanaged\. To retire it through Terraform, list it under retired/)]);
  });

  it("does not depend on the order of the model file: reordered mappings and lists synthesize the same stacks", () => {
    const data = defaultModelData();
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const shuffled = {
      ...reversed(data),
      groups: reversed(data.groups),
      access: Object.fromEntries(Object.entries(reversed(data.access)).map(([k, v]) => [k, reversed(v as Record<string, unknown>)])),
      environments: Object.fromEntries(
        Object.entries(reversed(data.environments)).map(([k, env]: [string, any]) => [
          k,
          { ...reversed(env), catalog: { ...env.catalog, schemas: [...env.catalog.schemas].reverse() } },
        ]),
      ),
    };
    expect(stringify(shuffled)).not.toEqual(stringify(data));
    const reordered = modelFrom(shuffled);
    expect(addressManifest(desiredState(reordered))).toEqual(committed);
    const byName = (xs: ReturnType<typeof synthOutput>) => Object.fromEntries(xs.map((s) => [s.name, canonical(s.json)]));
    expect(byName(synthOutput(reordered))).toEqual(byName(synthOutput(model)));
  });
});

describe("renames keep state", () => {
  it("rejects a renamed group key without moved entries, naming each entry to add (a grant re-created at a new address can end up revoked)", () => {
    const renamed = withHistory(modelFrom(renamedGroupKey()));
    expect(missingRenames(renamed).map((r) => `${r.stack} ${r.from} -> ${r.to}`).sort()).toEqual([
      "ref-dev databricks_grant.catalog_dev__group_dev -> databricks_grant.catalog_dev__group_developers",
      "ref-dev databricks_grant.metastore__group_dev -> databricks_grant.metastore__group_developers",
      "ref-staging databricks_grant.catalog_staging__group_dev -> databricks_grant.catalog_staging__group_developers",
    ]);
    const e = modelError(() => desiredState(renamed));
    expect(e.issues).toHaveLength(3);
    expect(e.message).toMatch(/moved\.ref-dev: grant on catalog dev to group Databricks - Dev was recorded at databricks_grant\.catalog_dev__group_dev \(terraform-addresses\.json\) and is now declared at databricks_grant\.catalog_dev__group_developers; without a rename Terraform would destroy the old address and create the new one, in no fixed order, so the privileges can end up revoked\. Fix: run `npm run update`, which adds the rename, or add it by hand: moved: \{ ref-dev: \{ databricks_grant\.catalog_dev__group_dev: databricks_grant\.catalog_dev__group_developers \} \}/);
  });

  it("accepts the rename once the model carries the moved entries, and the output has the moved blocks", () => {
    const data = renamedGroupKey();
    data.moved = {
      "ref-dev": { "databricks_grant.catalog_dev__group_dev": "databricks_grant.catalog_dev__group_developers", "databricks_grant.metastore__group_dev": "databricks_grant.metastore__group_developers" },
      "ref-staging": { "databricks_grant.catalog_staging__group_dev": "databricks_grant.catalog_staging__group_developers" },
    };
    const renamed = withHistory(modelFrom(data));
    const desired = desiredState(renamed);
    expect(missingRenames(renamed)).toEqual([]);
    const output = synthOutput(renamed);
    expect(output.find((s) => s.name === "ref-dev")!.json.moved).toEqual([
      { from: "databricks_grant.catalog_dev__group_dev", to: "databricks_grant.catalog_dev__group_developers" },
      { from: "databricks_grant.metastore__group_dev", to: "databricks_grant.metastore__group_developers" },
    ]);
    expect(checkGate(output, desired).violations.map(formatViolation)).toEqual([]);
    // The manifest then records the new addresses; the data source lookup is simply replaced.
    expect(manifestChanges(committed, addressManifest(desired))).toEqual(
      expect.arrayContaining(["- ref-dev data.databricks_group.dev", "+ ref-dev data.databricks_group.developers", "+ ref-dev databricks_grant.catalog_dev__group_developers"]),
    );
  });

  it("rejects a service principal whose address moves with the environment key, unless renamed", () => {
    const data = defaultModelData();
    data.environments = Object.fromEntries(Object.entries(data.environments).map(([k, v]) => [k === "dev" ? "development" : k, v]));
    data.metastore.grantsFrom = "development";
    data.environments.staging.promotion.from = "development";
    data.access = Object.fromEntries(Object.entries(data.access).map(([g, perEnv]: [string, any]) => [g, Object.fromEntries(Object.entries(perEnv).map(([k, v]) => [k === "dev" ? "development" : k, v]))]));
    const renames = missingRenames(withHistory(modelFrom(data))).map((r) => `${r.stack} ${r.from} -> ${r.to}`);
    expect(renames).toEqual(expect.arrayContaining(["ref-dev databricks_service_principal.dev -> databricks_service_principal.development", "ref-dev databricks_grant.catalog_dev__sp_dev -> databricks_grant.catalog_dev__sp_development"]));
  });

  it("reads the moved block that declareMoved writes", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new DatabricksProvider(stack, "p", {});
    new Grant(stack, "new", { catalog: "dev", principal: "g", privileges: ["USE_CATALOG"] });
    declareMoved(stack, "databricks_grant.old", "databricks_grant.new");
    declareForgotten(stack, "databricks_schema.dev__gold");
    const json = JSON.parse(Testing.synth(stack)) as StackJson & { removed?: unknown };
    expect(json.moved).toEqual([{ from: "databricks_grant.old", to: "databricks_grant.new" }]);
    expect(json.removed).toEqual([{ from: "databricks_schema.dev__gold", lifecycle: { destroy: false } }]);
  });
});

describe("nothing stateful is destroyed when it leaves the model", () => {
  function droppedGold() {
    const data = defaultModelData();
    data.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    return withHistory(modelFrom(data));
  }

  it("forgets a dropped schema (removed, destroy = false) instead of destroying it, and warns once with how to delete it by hand", () => {
    const dropped = droppedGold();
    const desired = desiredState(dropped);
    const dev = desired.stacks.find((s) => s.name === "ref-dev")!;
    expect(dev.forgets).toEqual([{ address: "databricks_schema.dev__gold", object: "schema dev.gold", isNew: true }]);
    expect(dev.requiredVersion).toBe("1.7.0");
    expect(desired.warnings).toEqual([expect.stringMatching(/schema dev\.gold \(ref-dev databricks_schema\.dev__gold\) is no longer in the model: Terraform will forget it .* If you meant to delete it, do it by hand after the deploy: DROP SCHEMA dev\.gold/)]);
    const json = synthOutput(dropped).find((s) => s.name === "ref-dev")!.json as StackJson & { removed?: unknown; terraform: { required_version: string } };
    expect(json.removed).toEqual([{ from: "databricks_schema.dev__gold", lifecycle: { destroy: false } }]);
    expect(json.terraform.required_version).toBe(">= 1.7.0");
    expect(checkGate(synthOutput(dropped), desired).violations).toEqual([]);
  });

  it("keeps the forget once recorded, without warning again, and records it in the manifest", () => {
    const first = desiredState(droppedGold());
    const recorded = addressManifest(first);
    expect(recorded["ref-dev"].forgotten).toEqual({ "databricks_schema.dev__gold": "schema dev.gold" });
    expect(manifestChanges(committed, recorded)).toContain("- ref-dev databricks_schema.dev__gold (forgotten: a removed block, not destroyed)");
    const later = desiredState(withHistory(droppedGold(), recorded));
    expect(later.stacks.find((s) => s.name === "ref-dev")!.forgets).toEqual([{ address: "databricks_schema.dev__gold", object: "schema dev.gold", isNew: false }]);
    expect(later.warnings).toEqual([]);
    expect(checkAddresses(recorded, later)).toEqual([]);
  });

  it("fails the address check until a new forget is recorded", () => {
    expect(checkAddresses(committed, desiredState(droppedGold()))).toEqual([expect.stringMatching(/^ref-dev: databricks_schema\.dev__gold \(schema dev\.gold\) left the model and is forgotten \(a removed block\), not recorded/)]);
  });

  it("rejects a forgotten schema declared again unless it is adopted (it still exists: creating it fails)", () => {
    const recorded = addressManifest(desiredState(droppedGold()));
    const e = modelError(() => desiredState(withHistory(model, recorded)));
    expect(e.message).toMatch(/environments\.dev\.catalog\.schemas: schema dev\.gold was forgotten by Terraform earlier .* Fix: add gold to environments\.dev\.catalog\.adopt\.schemas/);
    const data = defaultModelData();
    data.environments.dev.catalog.adopt = { catalog: true, schemas: ["gold"] };
    const adopted = desiredState(withHistory(modelFrom(data), recorded));
    expect(adopted.stacks.find((s) => s.name === "ref-dev")!.forgets).toEqual([]);
  });

  it("refuses a removed block the model does not forget, or one that destroys (the gate)", () => {
    const output = synthOutput(droppedGold()).map((s) => ({ ...s, json: JSON.parse(JSON.stringify(s.json)) as any }));
    const dev = output.find((s) => s.name === "ref-dev")!.json;
    dev.removed = [{ from: "databricks_schema.dev__gold", lifecycle: { destroy: true } }, { from: "databricks_catalog.dev", lifecycle: { destroy: false } }];
    const lines = checkGate(output, desiredState(droppedGold())).violations.map(formatViolation);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ref-dev removed databricks_schema\.dev__gold: \[state-guard\] lifecycle is \{"destroy":true\}, not \{"destroy":false\}: terraform would destroy databricks_schema\.dev__gold instead of forgetting it/),
        expect.stringMatching(/^ref-dev removed databricks_catalog\.dev: \[state-guard\] a removed block for databricks_catalog\.dev \(lifecycle \{"destroy":false\}\) makes terraform forget it; the model forgets nothing there/),
      ]),
    );
    delete dev.removed;
    expect(checkGate(output, desiredState(droppedGold())).violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^ref-dev removed databricks_schema\.dev__gold: \[missing-from-output\] databricks_schema\.dev__gold left the model and must be forgotten, but the output has no removed block for it, so terraform would destroy it/),
    ]);
  });

  it("forgets the old catalog when an environment's catalog is renamed (the provider cannot rename one), and creates the new one", () => {
    const data = defaultModelData();
    data.environments.dev.catalog.name = "development";
    data.environments.dev.catalog.adopt = { catalog: false };
    const desired = desiredState(withHistory(modelFrom(data)));
    expect(desired.stacks.find((s) => s.name === "ref-dev")!.forgets.map((f) => f.address)).toEqual([
      "databricks_catalog.dev",
      "databricks_schema.dev__bronze",
      "databricks_schema.dev__gold",
      "databricks_schema.dev__models",
      "databricks_schema.dev__silver",
    ]);
  });
});

describe("retiring an environment", () => {
  function retiredProd() {
    const data = defaultModelData();
    retireProd(data);
    return data;
  }

  it("synthesizes the retiring stack: its provider, and a removed block for its catalog, schemas and principal; its grants are no longer declared (revoked)", () => {
    const m = withHistory(modelFrom(retiredProd()));
    const desired = desiredState(m);
    const prod = desired.stacks.find((s) => s.name === "ref-prod")!;
    expect(prod.kind).toBe("retiring");
    expect(prod.forgets.map((f) => f.address)).toEqual([
      "databricks_catalog.prod",
      "databricks_schema.prod__bronze",
      "databricks_schema.prod__gold",
      "databricks_schema.prod__models",
      "databricks_schema.prod__silver",
      "databricks_service_principal.prod",
    ]);
    const json = synthOutput(m).find((s) => s.name === "ref-prod")!.json as StackJson & { removed?: unknown[] };
    expect(Object.keys(json).filter((k) => k !== "//").sort()).toEqual(["provider", "removed", "terraform", "variable"]);
    expect(json.provider!.databricks).toEqual([{ host: "https://dbc-028d9e53-7ce6.cloud.databricks.com", profile: "${var.databricks_profile}" }]);
    expect(checkGate(synthOutput(m), desired).violations.map(formatViolation)).toEqual([]);
    // The grants it declared are destroyed (revoked): said as such; nothing stateful is.
    const problems = checkAddresses(committed, desired);
    expect(problems.filter((p) => /DESTROY/.test(p) && /: databricks_(catalog|schema|service_principal)\./.test(p))).toEqual([]);
    expect(problems.filter((p) => /DESTROY/.test(p))).toHaveLength(5);
  });

  it("rejects retiring a stack the manifest has no record of: what to forget would be unknown and the stack would destroy it", () => {
    const e = modelError(() => desiredState(modelFrom(retiredProd())));
    expect(e.message).toMatch(/retired\.prod: terraform-addresses\.json beside the model has no record of stack ref-prod/);
  });

  it("rejects a retired environment that reuses a live environment's key, stack or workspace", () => {
    const data = retiredProd();
    data.retired.dev = { stack: "ref-dev", workspace: { host: data.environments.staging.workspace.host, profile: "x" } };
    const e = modelError(() => modelFrom(data));
    expect(e.message).toMatch(/retired\.dev: is also a live environment/);
    const data2 = retiredProd();
    data2.retired.prod.workspace.host = data2.environments.dev.workspace.host;
    expect(modelError(() => modelFrom(data2)).message).toMatch(/retired\.prod\.workspace\.host: is the same workspace host as environments\.dev\.workspace\.host/);
  });
});

describe("a manifest that would keep access alive", () => {
  it("rejects a forgotten grant (Dev's write on prod removed from the model, but forgotten instead of revoked: it would stay, unmanaged, while the diff reads revoked)", () => {
    const d = defaultModelData();
    d.access.dev.prod = ["USE_CATALOG", "MODIFY"];
    const withWrite = desiredState(modelFrom(d));
    const recorded = addressManifest(withWrite);
    // The attacker's pull request: the grant leaves the model (a narrowing anyone approves) and the
    // manifest lists it as forgotten, so that terraform would forget it instead of revoking it.
    const forged = { ...recorded, "ref-prod": { ...recorded["ref-prod"], forgotten: { "databricks_grant.catalog_prod__group_dev": "grant on catalog prod to group Databricks - Dev" } } };
    const e = modelError(() => desiredState(withHistory(model, forged)));
    expect(e.message).toMatch(/terraform-addresses\.json lists databricks_grant\.catalog_prod__group_dev .* under ref-prod's forgotten, but only catalogs, schemas and service principals are ever forgotten/);
  });
});
