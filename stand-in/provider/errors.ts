/** Errors as the Databricks API and the provider report them. */

/**
 * An API error. `missing` marks a 404 (apierr.IsMissing in the Go SDK): the provider's Read then
 * removes the object from state (common/resource.go, generateReadFunc with ignoreMissing), while
 * import and data sources report it.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A diagnostic for terraform: summary and detail. */
export interface Problem {
  readonly summary: string;
  readonly detail?: string;
}

export const notFound = (message: string) => new ApiError(message, true);
