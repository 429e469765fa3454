/**
 * The environment model (environments.yaml), every field once: its type, pattern, description and
 * the fix shown when it is wrong. The loader validates against it (lib/model/load.ts), the types
 * are inferred from it (lib/model/types.ts), and `npm run model:schema` generates the JSON Schema
 * for editors (environments.schema.json) and the field reference (docs/model.md) from it.
 * Rules that span fields (distinct hosts, references, ...) are lib/model/rules/.
 */
import * as v from "valibot";
import { accessJsonSchema, accessProblems, cleanStorageUrl, diagnoseHost, stateKeyProblems } from "./checks";
import { custom, flag, keyed, list, named, oneOf, optional, positiveInteger, section, text } from "./fields";
import * as P from "./patterns";

const ENVIRONMENT_KEY = { rule: "an environment key", fix: "use one of: {environments}" } as const;
const HOST = { rule: "the workspace URL", fix: "write it like https://dbc-a72d6af9-df3d.cloud.databricks.com", diagnose: diagnoseHost } as const;
const STACK = { rule: "a stack name (letters, digits, - and _)" } as const;
const PROFILE = { rule: "a CLI profile name" } as const;

const workspace = section(
  "workspace",
  {
    host: text(P.HTTPS_HOST, { ...HOST, description: "The workspace URL, `https://<host>` and nothing else (no path, port or trailing slash). Distinct per environment: the incident this project exists for was the prod target aimed at the dev workspace." }),
    profile: text(P.PROFILE, { ...PROFILE, fix: "use the profile name from ~/.databrickscfg, e.g. ref-dev", description: "The Databricks CLI profile people use for this workspace. Distinct per environment." }),
    id: optional(
      positiveInteger({
        problem: "is not a numeric workspace ID",
        fix: "write the number after `?o=` in the workspace URL, unquoted",
        default: "none: synth warns once, naming every missing ID, and no catalog is made ISOLATED",
        description: "The numeric workspace ID. With every environment's ID set, catalogs are ISOLATED and bound to the workspaces that may reach them.",
      }),
    ),
  },
  { description: "The environment's workspace." },
);

const adopt = section(
  "adopt",
  {
    catalog: optional(flag({ problem: "must be true or false", fix: "write `catalog: true` when the catalog already exists", default: "false", description: "The catalog already exists (made by the old HCL stack): it is imported on the first plan, never recreated." })),
    schemas: optional(list(P.UC_NAME, { rule: "schema names", fix: "list the schemas that already exist, e.g. [bronze, silver]", default: "none", description: "Schemas of the catalog that already exist (a subset of `schemas`)." })),
    groupGrants: optional(list(P.KEY, { rule: "group keys", fix: "list the keys of groups whose grant on this catalog already exists", default: "none", description: "Keys of groups whose grant on this catalog already exists; each must have access to this environment in `access`." })),
  },
  { description: "What already exists (managed by the old HCL stack): imported on the first plan instead of created. docs/adopting-from-hcl.md." },
);

const catalog = section(
  "catalog",
  {
    name: text(P.UC_NAME, { rule: "a catalog name (lower-case letters, digits, single underscores)", fix: "name it like dev", description: "The environment's catalog. Distinct per environment; not a name Databricks reserves, and not matching the sandbox catalog pattern." }),
    schemas: list(P.UC_NAME, { rule: "schema names (lower-case letters, digits, single underscores)", fix: "list schemas like [bronze, silver, gold, models]", description: "The catalog's schemas, each created and owned by the environment's stack." }),
    bucket: optional(text(P.S3_BUCKET, { rule: "an S3 bucket name", fix: "write the bucket name only, without s3:// (e.g. ref-ml-core-dev-workspace-bucket)", default: "none", description: "The environment's S3 bucket (the bundles' `s3_bucket`); informational, exported as a stack output." })),
    storageRoot: optional(
      text(P.STORAGE_ROOT, {
        rule: "a storage location URL (s3://, abfss://, gs:// or r2://)",
        fix: "copy the catalog's storage root exactly as `databricks catalogs get <name>` shows it",
        default: "none: the metastore's storage root",
        description: "The catalog's own managed storage location, when it has one. Changing it replaces the catalog, so an adopted catalog must state the location it already has.",
      }),
    ),
    adopt: optional(adopt),
  },
  { description: "The environment's catalog and its schemas." },
);

const environment = section(
  "environment `{key}`",
  {
    stack: text(P.STACK_NAME, { ...STACK, fix: "name it like ref-dev", description: "The stack name (`ref-dev`). Distinct per environment." }),
    workspace,
    servicePrincipal: text(P.DISPLAY_NAME, { rule: "a service principal display name", fix: "name it like ml-pipelines-dev-service-principal", description: "Display name of the environment's deploying service principal (created by its stack). Distinct per environment; never a retired principal." }),
    catalog,
    promotion: optional(
      section(
        "promotion",
        {
          from: text(P.KEY, { rule: "an environment key", fix: "name the environment models are copied from, e.g. dev", description: "The environment whose catalog models are copied from: an earlier one, never the production environment." }),
          schema: text(P.UC_NAME, { rule: "a schema name", fix: "name the schema that holds the models, e.g. models", description: "The schema of the source catalog that holds the registered models." }),
        },
        { default: "none", description: "Models are copied into this environment from another one without retraining. Models flow towards production, never out of it; promotions may not form a cycle." },
      ),
    ),
    approval: optional(
      oneOf(["required", "none"], {
        problem: "must be `required` or `none`",
        fix: "write `approval: required` when a reviewer must approve each apply of this environment's stack (the GitHub environment's required reviewers), or leave it out for the default (production and the environment before it)",
        default: "`required` for production and the environment before it, `none` otherwise",
        description: "Whether a reviewer must approve each apply of the stack (its GitHub environment's required reviewers; every deploy checks they are set).",
      }),
    ),
  },
  { description: "One environment: its stack, workspace, deploying principal and catalog." },
);

const access = keyed(
  P.KEY,
  // A group written with nothing under it (`dev:`) has access nowhere, as it always had.
  optional(keyed(
    P.KEY,
    custom(v.union([v.string(), v.array(v.unknown())]), {
      rule: "a level (read, use, all, browse) or a list of catalog privileges",
      problem: "must be an access level (read, use, all, browse) or a list of privileges",
      fix: "write e.g. `read` or [USE_CATALOG, SELECT]",
      check: accessProblems("catalog"),
      json: accessJsonSchema("catalog"),
      description: "A level (`read`, `use`, `all`, `browse`; lib/permissions.ts) or a list of Unity Catalog catalog privileges (exact strings, checked against what UC accepts on a catalog).",
    }),
    { what: "environment keys to access levels", example: "`dev: read`", keyName: "environment", description: "The group's access per environment key; an environment not listed gives the group nothing there." },
  )),
  {
    what: "group keys to their access",
    example: "`dev: {dev: read}`",
    keyName: "group",
    description: "Who may do what on each environment's catalog: group key -> environment key -> access. Each environment's service principal gets ALL_PRIVILEGES on its own catalog by rule; it is not listed here.",
  },
);

const account = section(
  "account",
  {
    id: text(P.UUID, { rule: "an account ID (a lower-case UUID)", fix: "copy it from the account console (top right menu)", description: "The Databricks account ID." }),
    profile: text(P.PROFILE, { ...PROFILE, fix: "name the account admin's profile from ~/.databrickscfg, e.g. ref-account", description: "Databricks CLI profile of an account admin, for the first (bootstrap) apply." }),
    host: optional(text(P.HTTPS_HOST, { ...HOST, default: "the accounts console of the workspaces' cloud (accounts.cloud.databricks.com for AWS, accounts.azuredatabricks.net for Azure, accounts.gcp.databricks.com for GCP); required when the workspace hosts name no single cloud", description: "The accounts console URL." })),
    stack: optional(text(P.STACK_NAME, { ...STACK, fix: "name it like ref-account", default: "ref-account", description: "Name of the account-level stack; not an environment's stack name." })),
  },
  { default: "none: no account stack (synth warns)", description: "The Databricks account. With `github`, adds the account stack (GitHub OIDC federation policies for CI)." },
);

const github = section(
  "github",
  {
    repository: text(P.GITHUB_REPOSITORY, { rule: "a GitHub repository (<org>/<repo>)", fix: "write it like my-org/uc-env-isolation", description: "The GitHub repository CI runs in, `<org>/<repo>`." }),
    planServicePrincipal: section(
      "planServicePrincipal",
      {
        name: text(P.DISPLAY_NAME, { rule: "a service principal display name", fix: "name the read-only principal pull-request plans run as, e.g. uc-env-isolation-plan", description: "Its display name: not an environment's deploying principal nor a retired one." }),
        applicationId: text(P.UUID, { rule: "an application ID (a lower-case UUID)", fix: "create the principal in the account console first and copy its application ID (docs/ci-setup.md#bootstrapping-oidc)", description: "Its application ID; grants name it by this ID." }),
      },
      { description: "The read-only service principal pull-request plans run as. Made by hand before the first deploy (docs/ci-setup.md#bootstrapping-oidc), so that no stack depends on another having been applied; the environment key `plan` is reserved for its addresses." },
    ),
  },
  { default: "none: no account stack (synth warns)", description: "Where CI runs. Requires `account`." },
);

const state = section(
  "state",
  {
    bucket: text(P.S3_BUCKET, { rule: "an S3 bucket name", fix: "write the bucket name only, without s3://", description: "The S3 bucket of the state files." }),
    region: text(P.AWS_REGION, { rule: "an AWS region", fix: "write it like us-east-1", description: "The bucket's AWS region." }),
    key: text(P.S3_KEY, { rule: "an S3 key pattern", fix: 'write it like "uc-env-isolation/{stack}.tfstate"', check: stateKeyProblems, json: { allOf: [{ pattern: P.STATE_KEY.source }] }, description: "The state file's key, with `{stack}` exactly once (without it every stack would share one state file)." }),
  },
  { default: "a local `terraform.<stack>.tfstate` per stack", description: "S3 remote state for every stack." },
);

const retired = keyed(
  P.KEY,
  section(
    "retired environment `{key}`",
    {
      stack: text(P.STACK_NAME, { ...STACK, fix: "write the stack name it had, e.g. ref-qa", description: "The stack it had; not a live environment's or the account stack's." }),
      workspace: section(
        "workspace",
        {
          host: text(P.HTTPS_HOST, { ...HOST, description: "The workspace URL it had; not a live environment's." }),
          profile: text(P.PROFILE, { ...PROFILE, fix: "the profile the environment had in ~/.databrickscfg, e.g. ref-qa", description: "The CLI profile it had; not a live environment's." }),
        },
        { description: "The workspace it had: the provider still reads (refreshes) what it forgets." },
      ),
    },
    { description: "An environment on its way out." },
  ),
  {
    what: "retired environment keys to their stack and workspace",
    keyName: "key",
    example: "`qa: {stack: ref-qa, workspace: {host: ..., profile: ref-qa}}`",
    default: "none",
    description: "Environments being retired: their stacks tell Terraform to forget the catalog, schemas and service principal (which stay, with their data) and revoke the grants they declared. docs/renaming-and-retiring.md.",
  },
);

/** The whole file. Required sections first: "allowed keys" lists them in this order. */
export const modelSchema = section(
  "the environment model",
  {
    metastore: section(
      "metastore",
      {
        id: text(P.UUID, { rule: "a metastore ID (a lower-case UUID)", fix: "copy it from `databricks metastores current`", description: "The Unity Catalog metastore every workspace is attached to." }),
        grantsFrom: text(P.KEY, { ...ENVIRONMENT_KEY, description: "The one environment whose stack declares every metastore grant (two stacks declaring one would fight; docs/how-it-works.md#why-databricks_grant-and-never-databricks_grants)." }),
      },
      { description: "The shared Unity Catalog metastore." },
    ),
    groups: keyed(P.KEY, text(P.DISPLAY_NAME, { rule: "a group display name", fix: "write the account-level group's display name exactly as SCIM shows it", description: "The account-level group's display name, exactly as SCIM shows it. Distinct per group, in any case; never a service principal's name." }), {
      what: "group keys to display names",
      example: "`dev: Databricks - Dev`",
      keyName: "group",
      description: "Account-level (SCIM) groups, looked up, never created: key (used in this file and in Terraform addresses) -> display name. A group must be assigned to every workspace whose stack grants to it.",
    }),
    environments: keyed(P.KEY, environment, {
      what: "environments",
      example: "`dev: {stack: ref-dev, ...}`",
      keyName: "environment",
      whenEmpty: { problem: "declares no environment", fix: "declare at least one environment (dev, staging, prod)" },
      description: "One stack per environment, each aimed at its own workspace, in deploy order. The key `plan` is reserved.",
    }),
    access,
    sandbox: section(
      "sandbox",
      {
        catalogName: text(P.SANDBOX_CATALOG, { rule: "a catalog name pattern with `{user}` (lower-case letters, digits, underscores)", fix: 'write it like "{user}_sandbox"', description: "The sandbox catalog name pattern with `{user}`; no environment catalog may match it." }),
        creators: list(P.KEY, { rule: "group keys", fix: "list the group keys whose members create sandboxes, e.g. [dev]", description: "Keys of the groups that get CREATE_CATALOG on the metastore (each member owns what it creates)." }),
        storage: optional(
          section(
            "sandbox.storage",
            {
              externalLocation: text(P.EXTERNAL_LOCATION, { rule: "an external location name (letters, digits, underscores, hyphens)", fix: "write the external location's name as `databricks external-locations list` shows it", description: "The external location's name; the creators get CREATE_MANAGED_STORAGE on it, and nothing else there." }),
              url: text(P.STORAGE_ROOT, {
                rule: "a storage URL (s3://, abfss://, gs://, r2://)",
                fix: "write the external location's URL, e.g. s3://ref-ml-core-dev-workspace-bucket/sandboxes",
                check: cleanStorageUrl,
                description: "The external location's URL: clean (no `..`, `//`, `%`), not in another environment's `bucket` than `metastore.grantsFrom`'s, not overlapping any catalog's `storageRoot`.",
              }),
            },
            { default: "none: the metastore's storage root", description: "Where sandbox catalogs keep their managed storage when the metastore has none (docs/changing-access.md#let-developers-create-sandbox-catalogs)." },
          ),
        ),
      },
      { description: "Developer sandboxes: each member of a creator group creates and owns `<user>_sandbox`." },
    ),
    account: optional(account),
    github: optional(github),
    state: optional(state),
    legacyServicePrincipals: optional(
      named(text(P.UUID, { rule: "an application ID (a lower-case UUID)", fix: "copy the principal's application ID from the account console", description: "The retired principal's application ID." }), {
        default: "none",
        keyName: "name",
        description: "Principals this project never grants to (the old single CI principal): display name -> application ID. Synth refuses output that grants to one.",
      }),
    ),
    production: optional(text(P.KEY, { ...ENVIRONMENT_KEY, default: "the environment keyed `prod`, else the last one", description: "The production environment: listed first and marked in grants diffs; models are promoted towards it, never out of it." })),
    moved: optional(
      named(
        named(
          text(P.ADDRESS, { rule: "a Terraform resource address", fix: "write the new address as terraform plan shows it, e.g. databricks_grant.catalog_dev__group_developers", description: "The new address." }),
          { keyName: "old address", description: "Old address -> new address in one stack; each becomes a `moved` block." },
          { pattern: P.ADDRESS, problem: "the old address is not a Terraform resource address", fix: "write it as terraform plan shows it, e.g. databricks_grant.catalog_dev__group_dev" },
        ),
        { default: "none", keyName: "stack", description: "Renamed addresses per stack name (`npm run update` writes them): Terraform renames the resource in state instead of destroying and creating it." },
      ),
    ),
    codeOwners: optional(
      list(P.CODE_OWNER, {
        rule: "GitHub users or teams (@user, @org/team)",
        fix: 'list who reviews changes to the code and workflows, e.g. ["@my-org/platform"]',
        default: "none: CODEOWNERS names no owner (synth warns)",
        description: "GitHub teams or users who must review a change to anything but the model and the docs; `npm run update` writes .github/CODEOWNERS from it.",
      }),
    ),
    retired: optional(retired),
  },
  { description: "The organisation's facts: the only file another organisation edits to adopt this project." },
);

/** The model file as written (after validation): what the rules and the build read. */
export type ModelFile = v.InferOutput<typeof modelSchema>;
