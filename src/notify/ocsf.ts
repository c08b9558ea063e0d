// OCSF 1.6 finding (Security Hub's "Findings Imported V2" events) → Finding. Field names from the
// Security Hub OCSF finding reference; OCSF allows most of them to be absent, so each has a fallback.
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

export function isOcsfFinding(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    isObject(value.finding_info) &&
    (str(get(value, 'finding_info', 'uid')) !== undefined ||
      str(get(value, 'metadata', 'uid')) !== undefined) &&
    str(get(value, 'cloud', 'account', 'uid')) !== undefined
  );
}

const SEVERITY_BY_ID: Record<number, string> = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
};
const STATUS_BY_ID: Record<number, string> = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
  5: 'Archived',
  6: 'Deleted',
};

function isoTime(dt: unknown, epochMs: unknown): string | undefined {
  const text = str(dt);
  if (text) return text;
  return typeof epochMs === 'number' && Number.isFinite(epochMs)
    ? new Date(epochMs).toISOString()
    : undefined;
}

function tagsOf(tags: unknown): Array<[string, string]> {
  // OCSF tags are key/value objects ({name, value}); tolerate a plain map as well.
  if (Array.isArray(tags)) {
    return tags.filter(isObject).map((t) => [str(t.name) ?? '', str(t.value) ?? ''] as [string, string]);
  }
  if (isObject(tags)) return Object.entries(tags).map(([k, v]) => [k, String(v)] as [string, string]);
  return [];
}

function resourcesOf(f: JsonObject): FindingResource[] {
  const list = Array.isArray(f.resources) ? f.resources : [];
  return list.filter(isObject).map((r) => {
    const uid = str(r.uid);
    const alt = str(r.uid_alt);
    return {
      type: str(r.type) ?? 'Unknown type',
      // The ARN (uid_alt for S3 buckets) names the resource unambiguously across accounts.
      id: alt?.startsWith('arn:') ? alt : (uid ?? alt ?? str(r.name) ?? 'unknown'),
      region: str(r.region),
      partition: str(r.cloud_partition),
      tags: tagsOf(r.tags),
    };
  });
}

export function fromOcsf(f: JsonObject, eventRegion?: string): Finding {
  const resources = resourcesOf(f);
  const region = str(get(f, 'cloud', 'region')) ?? eventRegion ?? resources[0]?.region ?? 'us-east-1';
  const severityId = get(f, 'severity_id');
  const statusId = get(f, 'status_id');
  const severity =
    str(f.severity) ?? (typeof severityId === 'number' ? SEVERITY_BY_ID[severityId] : undefined) ?? 'Unknown';
  const status =
    str(f.status) ?? (typeof statusId === 'number' ? STATUS_BY_ID[statusId] : undefined) ?? 'New';
  const upperStatus = status.toUpperCase().replace(/\s+/g, '_');
  const archived = upperStatus === 'ARCHIVED' || upperStatus === 'DELETED';
  const references = get(f, 'remediation', 'references');
  const types = get(f, 'finding_info', 'types');
  return {
    format: 'ocsf',
    id: str(get(f, 'finding_info', 'uid')) ?? str(get(f, 'metadata', 'uid'))!,
    accountId: str(get(f, 'cloud', 'account', 'uid'))!,
    accountName: str(get(f, 'cloud', 'account', 'name')),
    region,
    partition:
      str(get(f, 'cloud', 'cloud_partition')) ??
      resources[0]?.partition ??
      partitionOfArn(str(get(f, 'metadata', 'product', 'uid'))) ??
      partitionOfRegion(region),
    productName: str(get(f, 'metadata', 'product', 'name')) ?? 'Unknown product',
    title: str(get(f, 'finding_info', 'title')) ?? '(no title)',
    description: str(get(f, 'finding_info', 'desc')) ?? '',
    severity: capitalise(severity),
    types: Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : [],
    createdAt: isoTime(get(f, 'finding_info', 'created_time_dt'), get(f, 'finding_info', 'created_time')),
    updatedAt:
      isoTime(get(f, 'finding_info', 'modified_time_dt'), get(f, 'finding_info', 'modified_time')) ??
      isoTime(f.time_dt, f.time),
    // OCSF has one status; Archived/Deleted play the part of ASFF's record state.
    workflowStatus: archived ? 'NEW' : upperStatus,
    recordState: archived ? upperStatus : 'ACTIVE',
    recommendationText: str(get(f, 'remediation', 'desc')),
    recommendationUrl: Array.isArray(references)
      ? references.map(str).find((r) => r !== undefined)
      : undefined,
    resources,
    raw: f,
  };
}
