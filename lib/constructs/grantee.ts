/**
 * Something a grant can name. Groups are named by display name, service principals by their
 * application ID (the provider's rule for `principal`).
 */
export interface IGrantee {
  /** The value of `principal` in a grant (may be a Terraform reference). */
  readonly principal: string;
  /** Stable key for Terraform addresses, e.g. `group_dev`, `sp_staging`. */
  readonly addressKey: string;
  /**
   * The principal as a literal, when it is known before apply (a group's display name); needed to
   * import an existing grant. Undefined for principals this project creates.
   */
  readonly literalName?: string;
}
