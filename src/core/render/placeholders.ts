// Parameter values that need an AWS look-up the renderer was not given. They are written as visible,
// greppable tokens (`<lookup:organization-id>`) so an offline render is still a complete, reviewable set of
// files, and the deploy step can refuse to send one to AWS.

export type LookupName =
  | 'organization-id'
  | 'root-id'
  | 'current-account-type'
  | 'identity-center-instance-arn'
  | 'hub-account-id'
  | 'product-id'
  | 'product-template-url'
  | 'product-version'
  /** OUs given by name or path, looked up in the organization by install. */
  | 'ou-ids';

export function lookupPlaceholder(name: LookupName): string {
  return `<lookup:${name}>`;
}

const PLACEHOLDER = /<lookup:[a-z0-9-]+>/g;

/** Every placeholder in a text or parameter value, in order of first appearance, without duplicates. */
export function findPlaceholders(...texts: string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(PLACEHOLDER)) found.add(m[0]);
  return [...found];
}
