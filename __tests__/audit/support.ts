/** Runs the audit in-process against recorded responses (the fake CLI's responder, no processes). */
import * as fs from "fs";
import * as path from "path";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { runAudit, type AuditResult, type Finding } from "../../lib/audit/audit";
import { DatabricksCli, type Executor } from "../../lib/audit/databricks-cli";
import { respond, type FakeState } from "../fixtures/audit/responder";
import { DEFAULT_MODEL_FILE, ROOT } from "../helpers";

export const AUDIT_FIXTURES = path.join(ROOT, "__tests__", "fixtures", "audit");
export const FAKE_CLI = path.join(AUDIT_FIXTURES, "databricks");
export const FULL_MODEL_FILE = path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml");

/** Application IDs in the recorded responses. */
export const IDS = {
  dev: "3f2a9c1e-6b7d-4e85-9a10-2c4d6e8f0a11",
  staging: "8b41d0e2-93c5-4f67-a8b9-0c1d2e3f4a52",
  prod: "c7e6f5d4-1a2b-4c3d-8e9f-a0b1c2d3e493",
  plan: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f",
  legacy: "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2",
};
export const PROD_PAGE_2 = "grants get catalog prod --max-results 0 --page-token CAEaEgoQcHJvZC1wYWdlLTItdG9rZW4";

const modelCache = new Map<string, EnvironmentModel>();
export function model(file: "full" | "default"): EnvironmentModel {
  if (!modelCache.has(file)) {
    const p = file === "full" ? FULL_MODEL_FILE : DEFAULT_MODEL_FILE; // the reference model, never the live one
    modelCache.set(file, parseEnvironmentModel(fs.readFileSync(p, "utf8"), file === "full" ? "full.yaml" : "environments.yaml"));
  }
  return modelCache.get(file)!;
}

/** A fresh copy of a recorded clean state, to change one thing in a test. */
export function cleanState(which: "full" | "default"): FakeState {
  return JSON.parse(fs.readFileSync(path.join(AUDIT_FIXTURES, `clean-${which}.json`), "utf8"));
}

export type Responses = { [command: string]: any };
export const ws = (state: FakeState, profile: "ref-dev" | "ref-staging" | "ref-prod"): Responses => state.workspaces[profile].responses as Responses;

export interface Call {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly code: number;
}

export function fakeExecutor(state: FakeState, calls: Call[] = []): Executor {
  return async (args, env) => {
    const r = respond(args, env, state);
    calls.push({ args: [...args], env, code: r.code });
    return r;
  };
}

export interface AuditRun extends AuditResult {
  readonly calls: readonly Call[];
}

export async function audit(
  state: FakeState,
  options: { model?: "full" | "default" | EnvironmentModel; environments?: string[]; ambientAuth?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<AuditRun> {
  const calls: Call[] = [];
  const cli = new DatabricksCli(fakeExecutor(state, calls), "databricks", options.env ?? {});
  const m = typeof options.model === "object" ? options.model : model(options.model ?? "full");
  const result = await runAudit(m, { cli, environments: options.environments ?? [], ambientAuth: options.ambientAuth ?? false });
  return { ...result, calls };
}

/** Findings without the fix text, for compact assertions. */
export const brief = (f: Finding) => ({ direction: f.direction, prod: f.prod, kind: f.kind, securable: `${f.securableType} ${f.securable}`, principal: f.principal });
