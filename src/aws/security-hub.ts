// Security Hub calls used by `doctor` and `send-test-finding`: whether the hub is on (CSPM and the
// OCSF-based Security Hub), cross-Region aggregation, and importing / resolving / archiving our own findings.
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandInput,
  type BatchUpdateFindingsCommandOutput,
  DescribeHubCommand,
  DescribeSecurityHubV2Command,
  GetFindingAggregatorCommand,
  GetFindingsCommand,
  ListFindingAggregatorsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { OperationError } from '../core/errors.js';
import type { AsffFinding } from '../core/test-finding.js';
import { awsFailure, errorMessage, isAwsErrorNamed } from './aws-errors.js';

export interface HubStatus {
  hubArn: string;
  subscribedAt?: string;
}

export interface FindingAggregation {
  arn: string;
  /** The Region findings are aggregated into. */
  region: string;
  linkingMode?: string;
  regions: string[];
}

/** Remedy for a region without Security Hub CSPM. */
export function enableSecurityHubRemedy(region: string): string {
  return `aws securityhub enable-security-hub --region ${region} (console: Security Hub CSPM in ${region} > Go to Security Hub CSPM > Enable)`;
}

function notSubscribed(error: unknown): boolean {
  return isAwsErrorNamed(error, 'InvalidAccessException') && /not subscribed/i.test(errorMessage(error));
}

/** Security Hub CSPM's hub in the client's region, or null when the account is not subscribed there. */
export async function describeHub(client: SecurityHubClient): Promise<HubStatus | null> {
  try {
    const out = await client.send(new DescribeHubCommand({}));
    return { hubArn: out.HubArn ?? '', ...(out.SubscribedAt ? { subscribedAt: out.SubscribedAt } : {}) };
  } catch (error) {
    if (notSubscribed(error)) return null;
    throw awsFailure(error, 'securityhub:DescribeHub');
  }
}

/** The OCSF-based Security Hub (2025), or null when it is not enabled in the region. */
export async function describeHubV2(client: SecurityHubClient): Promise<HubStatus | null> {
  try {
    const out = await client.send(new DescribeSecurityHubV2Command({}));
    return { hubArn: out.HubV2Arn ?? '', ...(out.SubscribedAt ? { subscribedAt: out.SubscribedAt } : {}) };
  } catch (error) {
    if (isAwsErrorNamed(error, 'ResourceNotFoundException') || notSubscribed(error)) return null;
    throw awsFailure(error, 'securityhub:DescribeSecurityHubV2');
  }
}

/** Security Hub CSPM's cross-Region aggregator (there is at most one per account), or null when off. */
export async function findingAggregation(client: SecurityHubClient): Promise<FindingAggregation | null> {
  try {
    const list = await client.send(new ListFindingAggregatorsCommand({}));
    const arn = list.FindingAggregators?.[0]?.FindingAggregatorArn;
    if (!arn) return null;
    const out = await client.send(new GetFindingAggregatorCommand({ FindingAggregatorArn: arn }));
    return {
      arn,
      // The aggregator's ARN names its Region when the detail call leaves it out.
      region: out.FindingAggregationRegion ?? arn.split(':')[3] ?? '',
      ...(out.RegionLinkingMode ? { linkingMode: out.RegionLinkingMode } : {}),
      regions: out.Regions ?? [],
    };
  } catch (error) {
    throw awsFailure(error, 'securityhub:ListFindingAggregators');
  }
}

/** BatchImportFindings; any finding Security Hub refuses is an error that quotes its reason. */
export async function importFindings(client: SecurityHubClient, findings: AsffFinding[]): Promise<void> {
  let out: BatchImportFindingsCommandOutput;
  try {
    out = await client.send(new BatchImportFindingsCommand({ Findings: findings as AwsSecurityFinding[] }));
  } catch (error) {
    if (notSubscribed(error)) {
      const region = await client.config.region();
      throw new OperationError(`Security Hub CSPM is not enabled in ${region} for this account.`, {
        hint: `Enable it: ${enableSecurityHubRemedy(region)}`,
        cause: error,
      });
    }
    throw awsFailure(error, 'securityhub:BatchImportFindings');
  }
  if ((out.FailedCount ?? 0) > 0) {
    const reasons = (out.FailedFindings ?? [])
      .map((f) => `${f.Id ?? '?'}: ${f.ErrorCode ?? 'error'} ${f.ErrorMessage ?? ''}`.trim())
      .join('; ');
    throw new OperationError(`Security Hub refused ${out.FailedCount} finding(s): ${reasons}`);
  }
}

/** One finding by Id under a product ARN, or undefined. */
export async function getFinding(
  client: SecurityHubClient,
  id: string,
  productArn: string,
): Promise<AsffFinding | undefined> {
  try {
    const out = await client.send(
      new GetFindingsCommand({
        Filters: {
          Id: [{ Value: id, Comparison: 'EQUALS' }],
          ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
        },
        MaxResults: 10,
      }),
    );
    // Filter again: emulators (moto) ignore the filters.
    const found = (out.Findings ?? []).find((f) => f.Id === id && f.ProductArn === productArn);
    return found as AsffFinding | undefined;
  } catch (error) {
    throw awsFailure(error, 'securityhub:GetFindings');
  }
}

/** BatchUpdateFindings; an unprocessed finding is an error that quotes its reason. */
export async function updateFindings(
  client: SecurityHubClient,
  input: BatchUpdateFindingsCommandInput,
): Promise<void> {
  let out: BatchUpdateFindingsCommandOutput;
  try {
    out = await client.send(new BatchUpdateFindingsCommand(input));
  } catch (error) {
    throw awsFailure(error, 'securityhub:BatchUpdateFindings');
  }
  const unprocessed = out.UnprocessedFindings ?? [];
  if (unprocessed.length > 0) {
    const reasons = unprocessed
      .map((f) =>
        `${f.FindingIdentifier?.Id ?? '?'}: ${f.ErrorCode ?? 'error'} ${f.ErrorMessage ?? ''}`.trim(),
      )
      .join('; ');
    throw new OperationError(`Security Hub did not update ${unprocessed.length} finding(s): ${reasons}`);
  }
}
