/**
 * Reading and changing the workspace file. Several processes change it at once (terraform runs
 * stacks in parallel, each with provider processes, and runs resources concurrently), so every
 * change is: take the lock, read the file afresh, change it, write a temporary file, rename it over
 * the file (readers see the old or the new file, never half of one), release the lock.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { WORKSPACE_FORMAT, type WorkspaceFile } from "./types";

/** The environment variable naming the workspace file (set by `npm run rehearse` and its `--env`). */
export const WORKSPACE_ENV = "UC_STAND_IN_WORKSPACE";

/** A workspace file that is missing, unreadable or malformed: the message names the field and the fix. */
export class WorkspaceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkspaceFileError";
  }
}

type Check = (v: unknown, at: string) => void;

function fail(file: string, at: string, problem: string, fix: string): never {
  throw new WorkspaceFileError(`${file}: ${at}: ${problem}. Fix: ${fix}`);
}

function kindOf(v: unknown): string {
  return v === undefined ? "nothing" : v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

/** Validates the parsed file against the format (types.ts), naming the first wrong field. */
export function validateWorkspace(data: unknown, file: string): WorkspaceFile {
  const obj = (at: string, v: unknown, fix: string): { [k: string]: unknown } => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail(file, at, `expected an object, found ${kindOf(v)}`, fix);
    return v as { [k: string]: unknown };
  };
  const str: Check = (v, at) => {
    if (typeof v !== "string" || v === "") fail(file, at, `expected a non-empty string, found ${kindOf(v)}`, "set it to the text described in docs/rehearsing.md");
  };
  const optStr: Check = (v, at) => {
    if (v !== undefined) str(v, at);
  };
  const strList: Check = (v, at) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail(file, at, `expected a list of strings, found ${kindOf(v)}`, "write it as [\"...\", ...]");
  };
  const idList: Check = (v, at) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "number" || !Number.isSafeInteger(x))) fail(file, at, `expected a list of numeric workspace IDs, found ${kindOf(v)}`, "write it as [1234567890123456, ...]");
  };
  const grants: Check = (v, at) => {
    for (const [p, privs] of Object.entries(obj(at, v, "write grants as { \"<principal>\": [\"PRIVILEGE\", ...] }"))) strList(privs, `${at}.${JSON.stringify(p)}`);
  };
  const fields = (at: string, v: unknown, spec: { [k: string]: Check }, optional: readonly string[] = []) => {
    const o = obj(at, v, "see docs/rehearsing.md for the format");
    for (const k of Object.keys(o)) if (!(k in spec)) fail(file, `${at}.${k}`, "unknown field", `remove it; the fields here are ${Object.keys(spec).join(", ")}`);
    for (const [k, check] of Object.entries(spec)) {
      if (o[k] === undefined && optional.includes(k)) continue;
      if (o[k] === undefined) fail(file, `${at}.${k}`, "missing", `add it (docs/rehearsing.md, "The workspace file")`);
      check(o[k], `${at}.${k}`);
    }
  };
  const each = (check: Check): Check => (v, at) => {
    for (const [k, x] of Object.entries(obj(at, v, "write it as an object keyed by name"))) check(x, `${at}.${JSON.stringify(k)}`);
  };
  const root = obj("(top level)", data, "the file must hold one JSON object (docs/rehearsing.md)");
  if (root.format !== WORKSPACE_FORMAT) {
    fail(file, "format", `expected ${JSON.stringify(WORKSPACE_FORMAT)}, found ${kindOf(root.format)}`, "this is not a stand-in workspace file; rehearse without --workspace to start from the model's pre-deploy workspace");
  }
  const strMap: Check = (v, at) => {
    for (const [k, x] of Object.entries(obj(at, v, "write it as { \"key\": \"value\" }"))) str(x, `${at}.${k}`);
  };
  const schema: Check = (v, at) =>
    fields(at, v, { owner: str, comment: optStr, storageRoot: optStr, properties: strMap, schemaId: str, grants, tables: strList }, ["comment", "storageRoot", "properties"]);
  const catalog: Check = (v, at) =>
    fields(
      at,
      v,
      {
        owner: str,
        comment: optStr,
        isolationMode: (x, a) => {
          if (x !== "OPEN" && x !== "ISOLATED") fail(file, a, `expected "OPEN" or "ISOLATED", found ${kindOf(x)}`, "use one of the two");
        },
        storageRoot: optStr,
        properties: strMap,
        bindings: (x, a) => {
          for (const [k, t] of Object.entries(obj(a, x, "write it as { \"<workspace id>\": \"BINDING_TYPE_READ_ONLY\" }"))) {
            if (!/^\d+$/.test(k)) fail(file, `${a}.${k}`, "expected a numeric workspace ID as the key", "use the workspace's numeric ID");
            if (t !== "BINDING_TYPE_READ_WRITE" && t !== "BINDING_TYPE_READ_ONLY") fail(file, `${a}.${k}`, `expected BINDING_TYPE_READ_WRITE or BINDING_TYPE_READ_ONLY, found ${kindOf(t)}`, "use one of the two");
          }
        },
        grants,
        schemas: each(schema),
        createdAt: num,
        updatedAt: num,
      },
      ["comment", "storageRoot", "properties"],
    );
  function num(v: unknown, at: string): void {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(file, at, `expected a number, found ${kindOf(v)}`, "write a number");
  }
  fields("(top level)", root, {
    format: () => undefined,
    caller: str,
    account: (v, at) => fields(at, v, { id: str, host: str }),
    metastore: (v, at) => fields(at, v, { id: str, name: str, region: str, owner: str, storageRoot: optStr, grants }, ["storageRoot"]),
    workspaces: each((v, at) => {
      fields(at, v, { id: (x, a) => (typeof x === "number" && Number.isSafeInteger(x) && x > 0 ? undefined : fail(file, a, `expected a positive integer, found ${kindOf(x)}`, "use the workspace's numeric ID")), environment: optStr }, ["environment"]);
    }),
    catalogs: each(catalog),
    externalLocations: each((v, at) => fields(at, v, { url: str, owner: str, grants })),
    groups: each((v, at) => fields(at, v, { id: str, workspaces: idList })),
    servicePrincipals: each((v, at) =>
      fields(at, v, { applicationId: str, displayName: str, active: (x, a) => (typeof x === "boolean" ? undefined : fail(file, a, `expected true or false, found ${kindOf(x)}`, "write true or false")), externalId: optStr, entitlements: strList, workspaces: idList }, ["externalId"]),
    ),
    users: each((v, at) => fields(at, v, { id: str })),
    federationPolicies: each((v, at) =>
      fields(
        at,
        v,
        {
          servicePrincipalId: str,
          policyId: str,
          uid: str,
          description: optStr,
          oidcPolicy: (x, a) => fields(a, x, { issuer: optStr, subject: optStr, subjectClaim: optStr, audiences: strList, jwksJson: optStr, jwksUri: optStr }, ["issuer", "subject", "subjectClaim", "audiences", "jwksJson", "jwksUri"]),
          createTime: str,
          updateTime: str,
        },
        ["description"],
      ),
    ),
    permissionAssignments: each((v, at) => each(strList)(v, at)),
    states: each((v, at) => {
      const s = obj(at, v, "a stack's state is the JSON of its terraform.tfstate");
      if (typeof s.version !== "number" || !Array.isArray(s.resources)) fail(file, at, "not a Terraform state (no version and resources)", "remove the entry to start that stack from an empty state");
    }),
  });
  return root as unknown as WorkspaceFile;
}

/** Reads and validates the workspace file. */
export function readWorkspace(file: string): WorkspaceFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new WorkspaceFileError(`${file}: cannot read the workspace file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: give the path of a file written by \`npm run rehearse -- --apply\`, or leave --workspace out to start from the model's pre-deploy workspace`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new WorkspaceFileError(`${file}: not valid JSON (${(e as Error).message}). Fix: restore the file, or start again from the model's pre-deploy workspace`);
  }
  return validateWorkspace(data, file);
}

/** Writes the file atomically: a temporary file beside it, then one rename. */
export function writeWorkspaceAtomically(file: string, ws: WorkspaceFile): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(ws, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `change` on the current content under the file's lock (`<file>.lock`, created exclusively,
 * holding the owner's pid; a lock whose owner died is taken over) and writes the result. Returns
 * what `change` returns; when it throws, nothing is written.
 */
export function updateWorkspace<T>(file: string, change: (ws: WorkspaceFile) => T, timeoutMs = 30_000): T {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      const fd = fs.openSync(lock, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(lock, "utf8"));
      } catch {
        continue; // released meanwhile
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) throw new WorkspaceFileError(`${file}: still locked by process ${owner} after ${timeoutMs / 1000} s (${lock}). Fix: stop that process, or remove the lock file if it is gone`);
      sleepMs(5);
    }
  }
  try {
    const ws = readWorkspace(file);
    const result = change(ws);
    writeWorkspaceAtomically(file, ws);
    return result;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
