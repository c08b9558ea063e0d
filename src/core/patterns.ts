// Accepted forms of every identifier the tool takes, with the words used in error messages.

export interface Pattern {
  regex: RegExp;
  /** The accepted form, as shown to the user. */
  form: string;
}

export const patterns = {
  organizationId: {
    regex: /^o-[a-z0-9]{10,32}$/,
    form: 'o- followed by 10 to 32 lowercase letters or digits',
  },
  rootId: { regex: /^r-[a-z0-9]{4,32}$/, form: 'r- followed by 4 to 32 lowercase letters or digits' },
  ouId: {
    regex: /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/,
    form: 'ou-xxxx-yyyyyyyy (ou-, 4 to 32 lowercase letters or digits, a dash, 8 to 32 more)',
  },
  accountId: { regex: /^\d{12}$/, form: 'a 12-digit AWS account ID' },
  region: {
    regex: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/,
    form: 'an AWS Region code such as us-east-1 or eu-west-2',
  },
  // Identity Center start-URL subdomain: d- plus 10 characters, or a custom alias (letters, digits, hyphens).
  idcSubdomain: {
    regex: /^(?!-)[a-z0-9-]{3,63}(?<!-)$/,
    form: 'the subdomain of the AWS access portal URL, e.g. d-abcd123456 or my-alias from https://my-alias.awsapps.com/start',
  },
  iamRoleName: { regex: /^[\w+=,.@-]{1,64}$/, form: '1 to 64 characters of letters, digits and +=,.@_-' },
  permissionSetName: {
    regex: /^[\w+=,.@-]{1,32}$/,
    form: '1 to 32 characters of letters, digits and +=,.@_-',
  },
  productVersion: {
    regex: /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/,
    form: 'up to 100 letters, digits and ._+- starting with a letter or digit, no spaces (e.g. v3)',
  },
  // Service Catalog ProviderName: 1 to 50 characters; we also refuse control characters.
  providerName: { regex: /^[^\p{Cc}]{1,50}$/u, form: '1 to 50 printable characters' },
  stackName: {
    regex: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    form: 'a CloudFormation stack name: a letter, then up to 127 letters, digits and dashes',
  },
  // One address; the product template uses the same expression for a comma-separated list.
  email: {
    regex: /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/,
    form: 'an email address such as team@example.com',
  },
} satisfies Record<string, Pattern>;

/** Comma-separated email list, as the product template's AllowedPattern and the CLI accept it. */
export const emailListPattern = String.raw`^([A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})(\s*,\s*[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})*$`;

/** Time zones this runtime knows (what the Lambda's Node.js runtime will use), plus UTC. */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC') return true;
  return Intl.supportedValuesOf('timeZone').includes(name);
}
