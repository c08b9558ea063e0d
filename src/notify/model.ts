// One shape for a finding, whichever format it arrived in (ASFF from Security Hub CSPM, OCSF from the
// relaunched Security Hub), so the e-mail is written once.

export type FindingFormat = 'asff' | 'ocsf';

export interface FindingResource {
  type: string;
  id: string;
  region?: string;
  partition?: string;
  /** Tag key/value pairs in the order the finding lists them. */
  tags: Array<[string, string]>;
}

export interface Finding {
  format: FindingFormat;
  /** ASFF `Id` or OCSF `finding_info.uid`: the value the console searches by. */
  id: string;
  accountId: string;
  /** ASFF `AwsAccountName` / OCSF `cloud.account.name`, when the finding carries it. */
  accountName?: string;
  region: string;
  partition: string;
  productName: string;
  title: string;
  description: string;
  /** Capitalised label: Critical, High, Medium, Low, Informational (or the product's own word). */
  severity: string;
  types: string[];
  createdAt?: string;
  updatedAt?: string;
  /** Upper case: NEW, NOTIFIED, RESOLVED, SUPPRESSED, IN_PROGRESS, ARCHIVED… */
  workflowStatus: string;
  /** Upper case: ACTIVE or ARCHIVED (OCSF: a closed finding is ARCHIVED). */
  recordState: string;
  recommendationText?: string;
  recommendationUrl?: string;
  resources: FindingResource[];
  /** The finding exactly as received, for the raw JSON at the end of the e-mail. */
  raw: Record<string, unknown>;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function capitalise(word: string): string {
  const lower = word.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The partition a region belongs to, for findings that do not say. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function partitionOfArn(arn: string | undefined): string | undefined {
  const match = arn ? /^arn:(aws[a-z-]*):/.exec(arn) : null;
  return match?.[1];
}
