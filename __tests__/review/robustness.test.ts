/**
 * Valid-but-unusual Terraform JSON (what a person writes by hand, or another tool emits) must not
 * crash the review tools: it is read in every form Terraform accepts, and what Terraform would not
 * accept is refused with a ReviewInputError (exit 2) naming the stack and the address.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { diffOutputs, prodScope, renderDiffMarkdown } from "../../lib/review/diff";
import { grantRows } from "../../lib/output/grants";
import { ReviewInputError, type SynthesizedStack } from "../../lib/output/stack";
import { readSynthOutput } from "../../lib/output/read";
import { checkGate, formatViolation } from "../../lib/gate/check";
import { desiredState } from "../../lib/desired-state";
import { renderMarkdown } from "../../lib/review/report";
import { environmentsOf } from "../../lib/review/environments";
import { ROOT, defaultModel } from "../helpers";
import { FIXTURES, edited as editedFrom } from "./support";
import { runInProcess } from "../run-command";

const model = defaultModel();
const allow = desiredState(model);
const clean = readSynthOutput(path.join(FIXTURES, "clean"));
const edited = (name: string, edit: (json: any) => void) => editedFrom(clean, name, edit);
const lines = (stacks: readonly SynthesizedStack[]) => checkGate(stacks, allow).violations.map(formatViolation);

/** Runs all three tools over `stacks`; returns the policy lines, or the ReviewInputError. */
function review(stacks: readonly SynthesizedStack[]): string[] | ReviewInputError {
  try {
    renderMarkdown(grantRows(stacks), "x", stacks.length, environmentsOf(undefined, stacks));
    renderDiffMarkdown(diffOutputs(clean, stacks, prodScope([clean, stacks], model)));
    renderDiffMarkdown(diffOutputs(stacks, clean, prodScope([stacks, clean])));
    return lines(stacks);
  } catch (e) {
    if (e instanceof ReviewInputError) return e;
    throw e;
  }
}

describe("Terraform JSON in the other forms Terraform accepts", () => {
  it("reads provider.databricks written as one object instead of a list", () => {
    expect(review(edited("ref-dev", (j) => (j.provider.databricks = j.provider.databricks[0])))).toEqual([]);
    // ...and still checks it.
    const moved = edited("ref-prod", (j) => (j.provider.databricks = { ...j.provider.databricks[0], host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" }));
    expect(review(moved)).toEqual([expect.stringMatching(/^ref-prod provider.databricks: \[provider-workspace\] host is "https:\/\/dbc-a72d6af9-df3d.cloud.databricks.com", environment dev's workspace/)]);
  });

  it("reads block types written as lists of objects (HCL's JSON form), lifecycle as a one-element list", () => {
    const out = edited("ref-dev", (j) => {
      j.resource = Object.entries(j.resource).map(([type, blocks]) => ({ [type]: blocks }));
      j.data = { databricks_group: Object.entries(j.data.databricks_group).map(([name, block]) => ({ [name]: [block] })) };
      j.resource[0].databricks_catalog.dev.lifecycle = [{ prevent_destroy: true, ignore_changes: ["comment"] }];
      j.provider = [{ databricks: j.provider.databricks }];
    });
    expect(review(out)).toEqual([]);
  });

  it("reads databricks_grants' grant as one object, and still fails the authoritative resource", () => {
    const out = edited("ref-dev", (j) => {
      const { catalog, principal, privileges } = j.resource.databricks_grant.catalog_dev__group_dev;
      delete j.resource.databricks_grant.catalog_dev__group_dev;
      j.resource.databricks_grants = { catalog_dev: { catalog, grant: { principal, privileges } } };
    });
    expect(grantRows(out).filter((r) => r.resourceType === "databricks_grants").map((r) => r.principal)).toEqual(["Databricks - Dev"]);
    expect(review(out)).toContainEqual(expect.stringMatching(/^ref-dev databricks_grants.catalog_dev: \[/));
  });

  it("fails privileges given as an expression (decided at apply time) instead of guessing", () => {
    const out = edited("ref-dev", (j) => (j.resource.databricks_grant.catalog_dev__group_dev.privileges = "${var.dev_privileges}"));
    expect(review(out)).toEqual([
      expect.stringMatching(/^ref-dev databricks_grant.catalog_dev__group_dev: \[unresolved-reference\] privileges is "\$\{var.dev_privileges\}"; the model says \["EXECUTE"/),
    ]);
  });
});

describe("Terraform JSON no Terraform accepts: a clear error naming the stack and the address", () => {
  it.each([
    ["a null block", (j: any) => (j.resource.databricks_grant.catalog_dev__group_dev = null), "stack ref-dev: databricks_grant.catalog_dev__group_dev is null, not a block (an object)"],
    ["a string for a resource type", (j: any) => (j.resource.databricks_grant = "grants"), 'stack ref-dev: databricks_grant is string "grants", not an object'],
    ["a number for a lookup", (j: any) => (j.data.databricks_group.dev = 5), "stack ref-dev: data.databricks_group.dev is number 5, not a block (an object)"],
    ["a block declared twice", (j: any) => (j.resource.databricks_catalog.dev = [j.resource.databricks_catalog.dev, j.resource.databricks_catalog.dev]), "stack ref-dev: databricks_catalog.dev is declared more than once"],
    ["privileges as a bare string", (j: any) => (j.resource.databricks_grant.catalog_dev__group_dev.privileges = "SELECT"), 'stack ref-dev: databricks_grant.catalog_dev__group_dev: privileges is "SELECT", not a list (write ["SELECT"])'],
    ["a number among the privileges", (j: any) => j.resource.databricks_grant.catalog_dev__group_dev.privileges.push(7), "stack ref-dev: databricks_grant.catalog_dev__group_dev: privileges holds 7, not a privilege name"],
    ["no privileges", (j: any) => delete j.resource.databricks_grant.catalog_dev__group_dev.privileges, "stack ref-dev: databricks_grant.catalog_dev__group_dev: privileges is missing"],
    ["an object as the principal", (j: any) => (j.resource.databricks_grant.catalog_dev__group_dev.principal = { name: "x" }), 'stack ref-dev: databricks_grant.catalog_dev__group_dev: principal is {"name":"x"}, not a name'],
    ["a list as the securable", (j: any) => (j.resource.databricks_grant.catalog_dev__group_dev.catalog = ["dev"]), 'stack ref-dev: databricks_grant.catalog_dev__group_dev: catalog is ["dev"], not a name'],
    ["null as a provider", (j: any) => (j.provider.databricks = null), "stack ref-dev: provider.databricks is null, not a block or a list of blocks"],
    ["null as a variable", (j: any) => (j.variable.databricks_profile = null), "stack ref-dev: variable.databricks_profile is null, not a block (an object)"],
    ["a string as the moved blocks", (j: any) => (j.moved = "nothing"), 'stack ref-dev: moved is string "nothing", not a block or a list of blocks'],
  ])("%s", (_what, edit, message) => {
    const result = review(edited("ref-dev", edit));
    expect(result).toBeInstanceOf(ReviewInputError);
    expect((result as ReviewInputError).message).toContain(message);
  });

  it("never throws anything but a ReviewInputError, whatever value replaces whatever part of a stack", () => {
    /** Every path into the stack's JSON, down to the attributes of blocks. */
    const paths: [string, string[]][] = [];
    const walk = (stack: string, value: unknown, at: string[]) => {
      if (at.length > 0) paths.push([stack, at]);
      if (value && typeof value === "object" && at.length < 5) for (const [k, v] of Object.entries(value)) walk(stack, v, [...at, k]);
    };
    for (const s of clean) walk(s.name, s.json, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), ([stack, at], value) => {
        const out = edited(stack, (j) => {
          let parent = j;
          for (const key of at.slice(0, -1)) parent = parent[key];
          parent[at[at.length - 1]] = value;
        });
        review(out); // throws (failing the property) on anything but a ReviewInputError
      }),
      { numRuns: 300 },
    );
  });
});

describe("the commands over such output", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-review-odd-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(FIXTURES, "clean"), dir, { recursive: true });
  const file = path.join(dir, "stacks", "ref-dev", "cdk.tf.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  json.resource.databricks_grant.catalog_dev__group_dev = null;
  fs.writeFileSync(file, JSON.stringify(json));

  const expectRefused = (r: { status: number | null; stdout: string; stderr: string }) => {
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file} (stack ref-dev): databricks_grant.catalog_dev__group_dev is null, not a block (an object)`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
  };

  it.each([
    ["grants", ["--out", dir]],
    ["policy", ["--out", dir]],
  ])("%s: exit 2 with the file and the address, no stack trace", async (script, args) => {
    expectRefused(await runInProcess(script, args));
  });

  it("grants-diff: the same, as a real process (through runCommand, as the npm script runs it)", () => {
    expectRefused(spawnSync(process.execPath, ["scripts/run-ts.js", "scripts/grants-diff.ts", path.join(FIXTURES, "clean"), dir], { cwd: ROOT, encoding: "utf8" }));
  });
});
