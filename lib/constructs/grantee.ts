/**
 * Something a grant can name, as the stack refers to it. Groups are named by display name, service
 * principals by their application ID (the provider's rule for `principal`).
 */
export interface IGrantee {
  /** The value of `principal` in a grant (may be a Terraform reference). */
  readonly principal: string;
}
