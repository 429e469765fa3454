/**
 * The one module that imports the CDK for Terraform packages (cdktf and the prebuilt Databricks
 * provider bindings); the rest of the project imports them from here. (The tests' jest matchers,
 * `__tests__/cdktf-matchers.ts`, are the only other importer: they extend jest's types.) Moving to
 * the community fork, CDK Terrain (`cdktn`, `@cdktn/provider-databricks`, `cdktn-cli`), is then a
 * rename of these specifiers and of package.json's dependencies: `scripts/rename-to-cdktn.js`
 * does it in a copy, and a CI job (`.github/workflows/cdk-terrain.yml`) runs the tests there.
 * `__tests__/cdk-imports.test.ts` keeps every other file from importing the packages directly.
 *
 * Provider classes come by deep path (`.../lib/grant`), never from the package root, which would
 * load every resource class of the provider (seconds per process).
 */
export {
  Annotations,
  App,
  LocalBackend,
  S3Backend,
  TerraformDataSource,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  type TerraformResourceLifecycle,
} from "cdktf";

export { Catalog } from "@cdktf/provider-databricks/lib/catalog";
export { DataDatabricksGroup } from "@cdktf/provider-databricks/lib/data-databricks-group";
export { DataDatabricksServicePrincipal } from "@cdktf/provider-databricks/lib/data-databricks-service-principal";
export { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
export { Grant } from "@cdktf/provider-databricks/lib/grant";
export { MwsPermissionAssignment } from "@cdktf/provider-databricks/lib/mws-permission-assignment";
export { Schema } from "@cdktf/provider-databricks/lib/schema";
export { ServicePrincipal } from "@cdktf/provider-databricks/lib/service-principal";
export { ServicePrincipalFederationPolicy } from "@cdktf/provider-databricks/lib/service-principal-federation-policy";
export { WorkspaceBinding } from "@cdktf/provider-databricks/lib/workspace-binding";

/**
 * The CDK CLI's command, as npm links it into `node_modules/.bin` (cdktf-cli's is `cdktf`), for the
 * tests that run it. Read from the CLI package, a devDependency, so it is loaded only when asked.
 */
export function cdkCliCommand(): string {
  const { bin } = require("cdktf-cli/package.json") as { bin: Record<string, string> };
  const names = Object.keys(bin);
  if (names.length !== 1) throw new Error(`the CDK CLI package declares ${names.length} commands (${names.join(", ")}), expected one`);
  return names[0];
}
