// ASFF (AWS Security Finding Format) → Finding. Field names from the ASFF syntax in the Security Hub
// CSPM user guide; everything but Id and AwsAccountId is treated as optional because third-party
// products and older findings leave fields out.
import {
  capitalise,
  type Finding,
  type FindingResource,
  get,
  isObject,
  type JsonObject,
  partitionOfArn,
  partitionOfRegion,
  str,
} from './model.js';

export function isAsffFinding(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    str(value.Id) !== undefined &&
    str(value.AwsAccountId) !== undefined &&
    (str(value.ProductArn) !== undefined || str(value.SchemaVersion) !== undefined)
  );
}

/** ASFF severity label from the normalized score, for findings that carry only the number. */
function labelFromNormalized(normalized: unknown): string | undefined {
  if (typeof normalized !== 'number') return undefined;
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

function productNameOf(f: JsonObject): string {
  const fromArn = /product\/[^/]+\/([^/]+)$/.exec(str(f.ProductArn) ?? '')?.[1];
  return (
    str(f.ProductName) ??
    str(get(f, 'ProductFields', 'aws/securityhub/ProductName')) ??
    fromArn ??
    'Unknown product'
  );
}

function resourcesOf(f: JsonObject): FindingResource[] {
  const list = Array.isArray(f.Resources) ? f.Resources : [];
  return list.filter(isObject).map((r) => ({
    type: str(r.Type) ?? 'Unknown type',
    id: str(r.Id) ?? 'unknown',
    region: str(r.Region),
    partition: str(r.Partition),
    tags: isObject(r.Tags) ? Object.entries(r.Tags).map(([k, v]) => [k, String(v)] as [string, string]) : [],
  }));
}

export function fromAsff(f: JsonObject, eventRegion?: string): Finding {
  const resources = resourcesOf(f);
  const productArn = str(f.ProductArn);
  const region =
    str(f.Region) ??
    /^arn:[^:]+:securityhub:([^:]+):/.exec(productArn ?? '')?.[1] ??
    eventRegion ??
    resources[0]?.region ??
    'us-east-1';
  const label =
    str(get(f, 'Severity', 'Label')) ?? labelFromNormalized(get(f, 'Severity', 'Normalized')) ?? 'Unknown';
  return {
    format: 'asff',
    id: str(f.Id)!,
    accountId: str(f.AwsAccountId)!,
    accountName: str(f.AwsAccountName),
    region,
    partition: partitionOfArn(productArn) ?? resources[0]?.partition ?? partitionOfRegion(region),
    productName: productNameOf(f),
    title: str(f.Title) ?? '(no title)',
    description: str(f.Description) ?? '',
    severity: capitalise(label),
    types: Array.isArray(f.Types) ? f.Types.filter((t): t is string => typeof t === 'string') : [],
    createdAt: str(f.CreatedAt),
    updatedAt: str(f.UpdatedAt),
    workflowStatus: (str(get(f, 'Workflow', 'Status')) ?? str(f.WorkflowState) ?? 'NEW').toUpperCase(),
    recordState: (str(f.RecordState) ?? 'ACTIVE').toUpperCase(),
    recommendationText: str(get(f, 'Remediation', 'Recommendation', 'Text')),
    recommendationUrl: str(get(f, 'Remediation', 'Recommendation', 'Url')),
    resources,
    raw: f,
  };
}
