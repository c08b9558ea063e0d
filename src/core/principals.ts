// ARN patterns for the portfolio's IAM_PATTERN principal associations. Service Catalog matches them
// against the role a user signs in with in each recipient account, so they name no account.
import type { PrincipalType, SecnotifyOptions } from './options.js';

/** The partition as CloudFormation resolves it; the default keeps templates partition-neutral (defect 6). */
export const PARTITION_REF = '${AWS::Partition}';

/**
 * The AWS partition a Region belongs to, for callers that need a literal ARN outside CloudFormation
 * (e.g. an SDK call). Templates use PARTITION_REF instead.
 */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/**
 * One principal's ARN pattern.
 *
 * Identity Center puts the roles it creates for a permission set under
 * `role/aws-reserved/sso.amazonaws.com/<home region>/`, except for instances whose home Region is
 * us-east-1, whose roles sit directly under `role/aws-reserved/sso.amazonaws.com/` (defect 3: the original
 * always added the Region, so nobody with a us-east-1 home Region could see the product). The trailing
 * `_*` matches the random suffix Identity Center appends to the role name.
 *
 * `partition` defaults to `${AWS::Partition}`, so the result is meant for `Fn::Sub`.
 */
export function principalArnPattern(
  principalType: PrincipalType,
  name: string,
  idcHomeRegion: string | undefined,
  partition: string = PARTITION_REF,
): string {
  if (principalType === 'iam-role') return `arn:${partition}:iam:::role/${name}`;
  if (!idcHomeRegion) {
    throw new Error(
      `principalArnPattern: the Identity Center home Region is needed for permission set ${name}`,
    );
  }
  const regionSegment = idcHomeRegion === 'us-east-1' ? '' : `${idcHomeRegion}/`;
  return `arn:${partition}:iam:::role/aws-reserved/sso.amazonaws.com/${regionSegment}AWSReservedSSO_${name}_*`;
}

/** The ARN patterns of every principal allowed to launch the product, in the order the user gave them. */
export function principalArnPatterns(
  options: Pick<SecnotifyOptions, 'principalType' | 'principals'>,
  idcHomeRegion: string | undefined,
  partition: string = PARTITION_REF,
): string[] {
  return options.principals.map((name) =>
    principalArnPattern(options.principalType, name, idcHomeRegion, partition),
  );
}
