/**
 * Reads a workspace's live Unity Catalog state through the Databricks CLI, the tool platform
 * engineers already have and which handles every way of signing in (a profile locally, GitHub OIDC
 * in CI). The audit never builds a token of its own and only runs the read commands below.
 *
 * Shapes, as the CLI prints them with `--output json` (databricks/cli v1.13.0 cmd/workspace/*,
 * types in databricks-sdk-go v0.171.0 service/catalog and service/iam):
 * - `grants get TYPE NAME --max-results 0`: one response object, `{privilege_assignments:
 *   [{principal, privileges}], next_page_token?}`; the CLI does not page it, so `--page-token`
 *   follows next_page_token (with max_results set the API pages, and a page may be empty while a
 *   token follows; without it the call is the unpaginated one the API deprecates).
 * - `catalogs get NAME`: a CatalogInfo object (`name`, `owner`, `isolation_mode` OPEN|ISOLATED).
 * - `current-user me`: a SCIM user (`userName`, `groups: [{display}]`); `metastores summary`: the
 *   metastore (`metastore_id`, `owner`, the metastore admin).
 * - listing commands (`catalogs`, `schemas`, `tables`, `volumes`, `functions`, `registered-models`,
 *   `external-locations`, `storage-credentials`, `service-principals`, `workspace-bindings
 *   get-bindings`): the CLI follows the pages itself and prints one JSON array
 *   (libs/cmdio/render.go renderJson).
 *
 * A command that fails because the audit identity may not read something is a CliDenied (the
 * audit reports "not audited: ..."); one on something that no longer exists is a CliNotFound.
 */
import { spawn } from "child_process";
import { ReviewInputError } from "../output/stack";
import type { BindingType } from "./expected";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI with an argument list (never through a shell) and the given environment. Tests pass
 * an in-process one that answers from recorded responses.
 */
export type Executor = (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<CliResult>;

/** The CLI as an executable: `DATABRICKS_CLI`, else `databricks` on the PATH. */
export function processExecutor(cli: string = process.env.DATABRICKS_CLI || "databricks"): Executor {
  return (args, env) =>
    new Promise((resolve) => {
      const child = spawn(cli, [...args], { env, shell: false, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      // A CLI that cannot be started (not installed, not executable) is a failure like any other.
      child.on("error", (e: NodeJS.ErrnoException) =>
        resolve({ code: 127, stdout: "", stderr: e.code === "ENOENT" ? `${cli}: not found. Install the Databricks CLI, or set DATABRICKS_CLI to its path.` : `${cli}: ${e.message}` }),
      );
      child.on("close", (code, signal) =>
        resolve({ code: code ?? 128, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + (signal ? `\n(killed by ${signal})` : "") }),
      );
    });
}

/** A CLI command failed or printed what its JSON cannot be: exit 2, with the command and the CLI's message. */
export class CliFailure extends ReviewInputError {
  constructor(message: string) {
    super(message);
    this.name = "CliFailure";
  }
}

/**
 * The CLI says the caller may not read it: v1.13.0 appends "Verify you have the required
 * permissions for this operation" to a 403 (libs/auth/error.go EnrichAuthError); the API's own
 * messages say "does not have ... on ..." or PERMISSION_DENIED.
 */
export class CliDenied extends CliFailure {
  constructor(
    message: string,
    /** The command as a reader pastes it, and the CLI's first line. */
    readonly command: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = "CliDenied";
  }
}

/** The securable does not exist (dropped since it was listed, or never created). */
export class CliNotFound extends CliFailure {
  constructor(message: string) {
    super(message);
    this.name = "CliNotFound";
  }
}

const DENIED = /Verify you have the required permissions|PERMISSION_DENIED|\bdoes not have [A-Z_ ]+ (privilege )?on\b|not authorized|\bForbidden\b/i;
const NOT_FOUND = /\bdoes not exist\b|NOT_FOUND|RESOURCE_DOES_NOT_EXIST/;

/** How to reach one workspace: its CLI profile (locally) or its host with the ambient auth (CI). */
export interface WorkspaceTarget {
  /** The environment's key, for messages. */
  readonly environment: string;
  readonly host: string;
  /** Passed as `--profile`; without it the CLI signs in from DATABRICKS_* (CI: GitHub OIDC). */
  readonly profile?: string;
}

export interface PrivilegeAssignment {
  /** Empty for a deleted principal. */
  readonly principal: string;
  readonly principalId?: string;
  readonly privileges: readonly string[];
}

export interface LiveCatalog {
  readonly name: string;
  readonly owner: string;
  readonly isolationMode?: string;
}

export interface LiveBinding {
  readonly workspaceId: number;
  readonly bindingType: BindingType | string;
}

export interface LiveServicePrincipal {
  readonly applicationId: string;
  readonly displayName: string;
}

/** A schema, table, volume, function, registered model, external location or storage credential. */
export interface LiveSecurable {
  readonly name: string;
  /** `catalog.schema[.name]` for what lives in a catalog; the name otherwise. */
  readonly fullName: string;
  readonly owner: string;
  /** An external location's URL and storage credential. */
  readonly url?: string;
  readonly credential?: string;
}

export interface LiveIdentity {
  readonly userName: string;
  readonly displayName?: string;
  readonly groups: readonly string[];
}

/** A command line as a reader can paste it into a shell. */
export function shellLine(cli: string, args: readonly string[]): string {
  return [cli, ...args].map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The read commands the audit runs, with at most `parallel` CLI processes at a time. */
export class DatabricksCli {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Every command run, in order, for tests and `--verbose` style diagnostics. */
  readonly commands: string[][] = [];

  constructor(
    private readonly exec: Executor,
    private readonly cliName: string,
    private readonly baseEnv: NodeJS.ProcessEnv,
    private readonly parallel = 4,
  ) {}

  async grants(target: WorkspaceTarget, securableType: string, fullName: string): Promise<PrivilegeAssignment[]> {
    return this.grantsPaged(target, securableType, fullName);
  }

  private async grantsPaged(target: WorkspaceTarget, securableType: string, fullName: string): Promise<PrivilegeAssignment[]> {
    const out: PrivilegeAssignment[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    // A name from the workspace (a catalog anyone could have made) is never taken for a flag.
    if (fullName.startsWith("-") || securableType.startsWith("-")) throw new CliFailure(`refusing to read the grants of ${securableType} ${JSON.stringify(fullName)}: the name would be read as a command-line flag`);
    do {
      const args = ["grants", "get", securableType, fullName, "--max-results", "0", ...(token ? ["--page-token", token] : [])];
      const { value, where } = await this.json(target, args);
      if (!isObject(value)) throw this.shape(where, "is not a JSON object");
      const list = value.privilege_assignments ?? [];
      if (!Array.isArray(list)) throw this.shape(where, "privilege_assignments is not a list");
      list.forEach((a, i) => {
        const at = `privilege_assignments[${i}]`;
        if (!isObject(a)) throw this.shape(where, `${at} is not an object`);
        const principal = a.principal ?? "";
        if (typeof principal !== "string") throw this.shape(where, `${at}.principal is ${JSON.stringify(principal)}, not a name`);
        const privileges = a.privileges ?? [];
        if (!Array.isArray(privileges) || privileges.some((p) => typeof p !== "string")) throw this.shape(where, `${at}.privileges is ${JSON.stringify(privileges)}, not a list of names`);
        const principalId = typeof a.principal_id === "string" || typeof a.principal_id === "number" ? String(a.principal_id) : undefined;
        out.push({ principal, ...(principalId ? { principalId } : {}), privileges: privileges as string[] });
      });
      const next = value.next_page_token;
      if (next !== undefined && next !== null && typeof next !== "string") throw this.shape(where, "next_page_token is not a string");
      token = next || undefined;
      // A token seen before would page forever: the API promises a new one for each page.
      if (token && seen.has(token)) throw this.shape(where, `next_page_token ${JSON.stringify(token)} repeats an earlier page's`);
      if (token) seen.add(token);
    } while (token);
    return out;
  }

  async catalog(target: WorkspaceTarget, name: string): Promise<LiveCatalog> {
    const { value, where } = await this.json(target, ["catalogs", "get", name]);
    return this.catalogInfo(value, where, "");
  }

  /** Every catalog of the metastore, those not bound to this workspace too (an ISOLATED sandbox bound elsewhere). */
  async catalogs(target: WorkspaceTarget): Promise<LiveCatalog[]> {
    const { value, where } = await this.json(target, ["catalogs", "list", "--include-browse", "--include-unbound"]);
    if (!Array.isArray(value)) throw this.shape(where, "is not a JSON list of catalogs");
    return value.map((c, i) => this.catalogInfo(c, where, `[${i}]`));
  }

  async bindings(target: WorkspaceTarget, catalog: string): Promise<LiveBinding[]> {
    const { value, where } = await this.json(target, ["workspace-bindings", "get-bindings", "catalog", catalog]);
    if (!Array.isArray(value)) throw this.shape(where, "is not a JSON list of bindings");
    return value.map((b, i) => {
      if (!isObject(b) || typeof b.workspace_id !== "number") throw this.shape(where, `[${i}] has no numeric workspace_id`);
      if (b.binding_type !== undefined && typeof b.binding_type !== "string") throw this.shape(where, `[${i}].binding_type is not a string`);
      // The API's default binding type, when the field is left out, is read-write.
      return { workspaceId: b.workspace_id, bindingType: (b.binding_type as string | undefined) ?? "BINDING_TYPE_READ_WRITE" };
    });
  }

  async servicePrincipals(target: WorkspaceTarget): Promise<LiveServicePrincipal[]> {
    const { value, where } = await this.json(target, ["service-principals", "list"]);
    if (!Array.isArray(value)) throw this.shape(where, "is not a JSON list of service principals");
    return value.flatMap((sp, i) => {
      if (!isObject(sp)) throw this.shape(where, `[${i}] is not an object`);
      if (typeof sp.applicationId !== "string") return []; // not an application (cannot hold grants by ID)
      return [{ applicationId: sp.applicationId, displayName: typeof sp.displayName === "string" ? sp.displayName : sp.applicationId }];
    });
  }

  async schemas(target: WorkspaceTarget, catalog: string): Promise<LiveSecurable[]> {
    return this.securables(target, ["schemas", "list", this.arg(catalog), "--include-browse"]);
  }

  async tables(target: WorkspaceTarget, catalog: string, schema: string): Promise<LiveSecurable[]> {
    return this.securables(target, ["tables", "list", this.arg(catalog), this.arg(schema), "--include-browse", "--omit-columns", "--omit-properties"]);
  }

  async volumes(target: WorkspaceTarget, catalog: string, schema: string): Promise<LiveSecurable[]> {
    return this.securables(target, ["volumes", "list", this.arg(catalog), this.arg(schema), "--include-browse"]);
  }

  async functions(target: WorkspaceTarget, catalog: string, schema: string): Promise<LiveSecurable[]> {
    return this.securables(target, ["functions", "list", this.arg(catalog), this.arg(schema), "--include-browse"]);
  }

  async registeredModels(target: WorkspaceTarget, catalog: string, schema: string): Promise<LiveSecurable[]> {
    return this.securables(target, ["registered-models", "list", "--catalog-name", this.arg(catalog), "--schema-name", this.arg(schema), "--include-browse"]);
  }

  async externalLocations(target: WorkspaceTarget): Promise<LiveSecurable[]> {
    return this.securables(target, ["external-locations", "list", "--include-browse", "--include-unbound"]);
  }

  async storageCredentials(target: WorkspaceTarget): Promise<LiveSecurable[]> {
    return this.securables(target, ["storage-credentials", "list", "--include-unbound"]);
  }

  /** Who the audit runs as. */
  async me(target: WorkspaceTarget): Promise<LiveIdentity> {
    const { value, where } = await this.json(target, ["current-user", "me"]);
    if (!isObject(value) || typeof value.userName !== "string") throw this.shape(where, "has no userName");
    const groups = Array.isArray(value.groups) ? value.groups.flatMap((g) => (isObject(g) && typeof g.display === "string" ? [g.display] : [])) : [];
    return { userName: value.userName, ...(typeof value.displayName === "string" ? { displayName: value.displayName } : {}), groups };
  }

  /** The metastore's ID and owner (its administrator). */
  async metastore(target: WorkspaceTarget): Promise<{ id: string; owner: string }> {
    const { value, where } = await this.json(target, ["metastores", "summary"]);
    if (!isObject(value) || typeof value.metastore_id !== "string") throw this.shape(where, "has no metastore_id");
    return { id: value.metastore_id, owner: typeof value.owner === "string" ? value.owner : "" };
  }

  /** A name from the workspace is never taken for a flag. */
  private arg(name: string): string {
    if (name.startsWith("-")) throw new CliFailure(`refusing to pass ${JSON.stringify(name)} to the CLI: it would be read as a command-line flag`);
    return name;
  }

  private async securables(target: WorkspaceTarget, args: readonly string[]): Promise<LiveSecurable[]> {
    const { value, where } = await this.json(target, args);
    if (!Array.isArray(value)) throw this.shape(where, "is not a JSON list");
    return value.map((v, i) => {
      if (!isObject(v) || typeof v.name !== "string") throw this.shape(where, `[${i}] has no name`);
      for (const k of ["full_name", "owner", "url", "credential_name"]) if (v[k] !== undefined && typeof v[k] !== "string") throw this.shape(where, `[${i}].${k} is not a string`);
      return {
        name: v.name,
        fullName: (v.full_name as string | undefined) ?? v.name,
        owner: (v.owner as string | undefined) ?? "",
        ...(typeof v.url === "string" ? { url: v.url } : {}),
        ...(typeof v.credential_name === "string" ? { credential: v.credential_name } : {}),
      };
    });
  }

  private catalogInfo(value: unknown, where: string, at: string): LiveCatalog {
    if (!isObject(value) || typeof value.name !== "string") throw this.shape(where, `${at || "the catalog"} has no name`);
    if (value.owner !== undefined && typeof value.owner !== "string") throw this.shape(where, `${at}.owner is not a string`);
    if (value.isolation_mode !== undefined && typeof value.isolation_mode !== "string") throw this.shape(where, `${at}.isolation_mode is not a string`);
    return {
      name: value.name,
      owner: (value.owner as string | undefined) ?? "",
      ...(value.isolation_mode !== undefined ? { isolationMode: value.isolation_mode as string } : {}),
    };
  }

  private shape(where: string, problem: string): CliFailure {
    return new CliFailure(`${where} printed JSON the audit cannot read: ${problem}. Is the Databricks CLI recent enough (0.2x or later)?`);
  }

  /** Runs one command with `--output json` (and the profile), and parses what it prints. */
  private async json(target: WorkspaceTarget, args: readonly string[]): Promise<{ value: unknown; where: string }> {
    const full = [...args, "--output", "json", ...(target.profile ? ["--profile", target.profile] : [])];
    const env: NodeJS.ProcessEnv = { ...this.baseEnv };
    if (target.profile) {
      // The profile decides the workspace; a DATABRICKS_HOST left in the shell must not compete.
      delete env.DATABRICKS_HOST;
    } else {
      // CI: the host comes from the model, never from the job, so no job can aim the audit elsewhere.
      env.DATABRICKS_HOST = target.host;
    }
    const where = `\`${shellLine(this.cliName, full)}\` (${target.environment}, ${target.host})`;
    this.commands.push(full);
    const result = await this.limited(() => this.exec(full, env));
    if (result.code !== 0) {
      const text = result.stderr.trim() || result.stdout.trim() || "(no output)";
      const message = text.split("\n").slice(0, 20).join("\n  ");
      const failure = `${where} failed with exit code ${result.code}:\n  ${message}`;
      if (DENIED.test(text)) throw new CliDenied(failure, `\`${shellLine(this.cliName, full)}\``, text.split("\n")[0].replace(/^Error:\s*/, ""));
      if (NOT_FOUND.test(text)) throw new CliNotFound(failure);
      throw new CliFailure(failure);
    }
    try {
      return { value: JSON.parse(result.stdout), where };
    } catch (e) {
      throw new CliFailure(`${where} did not print JSON (${(e as Error).message}): ${JSON.stringify(result.stdout.slice(0, 200))}`);
    }
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.parallel) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
