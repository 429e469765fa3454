/**
 * The text patterns of the environment model's fields. The schema (./model.ts) names each field's
 * pattern once; the JSON Schema for editors carries the same expressions.
 */

/** A lower-case UUID (IDs as Databricks shows them); the review tools use it too. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * Unity Catalog names as this project uses them: lower case (what UC stores), single underscores
 * (a double one separates the parts of a Terraform address, so it must stay unambiguous).
 */
export const UC_NAME = /^(?=.{1,255}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** Keys become parts of Terraform addresses; same rule as UC_NAME. */
export const KEY = /^(?=.{1,63}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
export const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;
export const PROFILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HOST_NAME = "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+";
/**
 * A workspace (or accounts console) URL in its plain form: https, a lower-case host name, nothing
 * else. A value matches exactly when `new URL(value)` gives it back as `https://<hostname>`.
 */
export const HTTPS_HOST = new RegExp(`^https://${HOST_NAME}$`);
export const STORAGE_ROOT = /^(s3|abfss|gs|r2):\/\/[^\s]+$/;
/** A managed resource's address, `databricks_<type>.<name>` (data sources and modules cannot be moved here). */
export const ADDRESS = /^databricks_[a-z0-9_]+\.[A-Za-z0-9_-]+$/;
/** Unity Catalog external location names as this project accepts them. */
export const EXTERNAL_LOCATION = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
export const S3_BUCKET = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Display names of groups and service principals: printable, no surrounding spaces. */
export const DISPLAY_NAME = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,254}[^\s\x00-\x1f\x7f])?$/;
/** The sandbox catalog pattern: one `{user}` among lower-case letters, digits and underscores. */
export const SANDBOX_CATALOG = /^[a-z0-9_]*\{user\}[a-z0-9_]*$/;
export const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
export const AWS_REGION = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/;
/** An S3 key pattern's characters (the `{stack}` placeholder included). */
export const S3_KEY = /^[A-Za-z0-9!_.*'()\/{}-]{1,900}$/;
/** The state key's shape (editors only: the loader's check says which part is wrong): `{stack}` once, no other braces, no leading or doubled slash. */
export const STATE_KEY = /^(?!\/)(?!.*\/\/)[^{}]*\{stack\}[^{}]*$/;
/** A GitHub user or team as CODEOWNERS names them (defined with CODEOWNERS' rendering). */
export { CODE_OWNER } from "../../ci/code-owners";
