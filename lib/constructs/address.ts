/**
 * Terraform addresses are an external contract: renaming one destroys and recreates the resource.
 * Every resource this project declares gets an explicit logical ID built here from stable names in
 * the model (catalog names, group and environment keys), never from list positions or hashes.
 * Names are validated to use single underscores, so `__` separates parts unambiguously.
 */
export function logicalId(...parts: readonly string[]): string {
  return parts.join("__");
}
