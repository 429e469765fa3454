/**
 * Terraform's cached backend record (`.terraform/terraform.tfstate`) with the real terraform
 * 1.11.4: whether a record that differs from the configuration is used to plan, and that the gate
 * refuses every record but the one terraform init writes for the synthesized backend.
 *
 * Terraform's answer (internal/command/meta_backend.go, backendFromConfig): when the record's hash
 * equals the configuration's, init and plan use the record's settings ("using already-initialized,
 * unchanged backend configuration"), not the configuration's. So a record naming another state
 * path with the configuration's hash plans against that state, and nothing says so.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkGate } from "../../lib/gate/check";
import { readOutputTree } from "../../lib/output/read";
import { desiredState } from "../../lib/desired-state";
import { loadEnvironmentModel } from "../../lib/model/load";
import { Lab, REFERENCE_MODEL, requireTerraform, summaryOf } from "./support";

beforeAll(requireTerraform);

describe("terraform's cached backend record", () => {
  const lab = new Lab(REFERENCE_MODEL);
  const desired = desiredState(loadEnvironmentModel(REFERENCE_MODEL));
  // The synthesized output itself, with its own backend (a local state file beside the output):
  // the directory the plan jobs run terraform in.
  const dir = path.join(lab.outdir, "stacks", "ref-dev");
  const record = path.join(dir, ".terraform", "terraform.tfstate");
  const terraform = (args: string[]) => spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: lab.env });
  const gate = () => checkGate(readOutputTree(lab.outdir), desired).violations.map((v) => `${v.stack} ${v.resource} [${v.rule}]`);
  afterAll(() => lab.remove());

  it("rejects a backend record naming another state (terraform 1.11.4 plans against it while its hash is the configuration's) and passes the one init writes", () => {
    expect(terraform(["init", "-input=false", "-no-color"]).status).toBe(0);
    const applied = terraform(["apply", "-input=false", "-no-color", "-auto-approve"]);
    expect(applied.status).toBe(0);
    expect(fs.existsSync(path.join(lab.dir, "terraform.ref-dev.tfstate"))).toBe(true);
    // The record init wrote restates the synthesized backend: the gate passes the real working data.
    const honest = JSON.parse(fs.readFileSync(record, "utf8"));
    expect(honest).toMatchObject({ version: 3, terraform_version: "1.11.4", backend: { type: "local", config: { path: "../../../terraform.ref-dev.tfstate", workspace_dir: null } } });
    expect(gate()).toEqual([]);
    expect(summaryOf(terraform(["plan", "-input=false", "-no-color", "-lock=false"]).stdout)).toMatch(/^No changes\./);

    // The same record, naming another state file, the configuration's hash kept.
    fs.writeFileSync(record, JSON.stringify({ ...honest, backend: { ...honest.backend, config: { ...honest.backend.config, path: "../../../other.tfstate" } } }));
    expect(terraform(["init", "-input=false", "-no-color"]).status).toBe(0);
    const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false"]);
    expect(plan.status).toBe(0);
    // Planned against an empty state: everything the applied state holds is to be made again.
    expect(summaryOf(plan.stdout)).toMatch(/^Plan: 1 to import, \d+ to add, /);
    expect(JSON.parse(fs.readFileSync(record, "utf8")).backend.config.path).toBe("../../../other.tfstate");
    expect(gate()).toEqual(["ref-dev stacks/ref-dev/.terraform/terraform.tfstate [unexpected-file]"]);

    // Without any record, init makes the honest one again, and the plan is against the real state.
    fs.rmSync(path.join(dir, ".terraform"), { recursive: true });
    expect(terraform(["init", "-input=false", "-no-color"]).status).toBe(0);
    expect(summaryOf(terraform(["plan", "-input=false", "-no-color", "-lock=false"]).stdout)).toMatch(/^No changes\./);
    expect(gate()).toEqual([]);
  }, 120_000);
});
