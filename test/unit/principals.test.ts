// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates.
import { describe, expect, it } from 'vitest';
import { partitionOfRegion, principalArnPattern, principalArnPatterns } from '../../src/core/principals.js';

describe('principalArnPattern', () => {
  it('matches an IAM role by name in any account, partition left to CloudFormation', () => {
    expect(principalArnPattern('iam-role', 'Developer', undefined)).toBe(
      'arn:${AWS::Partition}:iam:::role/Developer',
    );
  });

  it('matches the roles Identity Center creates for a permission set under its home Region', () => {
    expect(principalArnPattern('identity-center', 'SubscribeToSecurityNotifications', 'eu-west-1')).toBe(
      'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SubscribeToSecurityNotifications_*',
    );
  });

  it('has no Region segment for a us-east-1 home Region, where Identity Center puts no Region in the path', () => {
    expect(principalArnPattern('identity-center', 'AWSPowerUserAccess', 'us-east-1')).toBe(
      'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AWSPowerUserAccess_*',
    );
  });

  it('writes a literal partition when given one (GovCloud)', () => {
    const partition = partitionOfRegion('us-gov-west-1');
    expect(partition).toBe('aws-us-gov');
    expect(principalArnPattern('identity-center', 'Subscribe', 'us-gov-west-1', partition)).toBe(
      'arn:aws-us-gov:iam:::role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_Subscribe_*',
    );
    expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionOfRegion('ap-southeast-2')).toBe('aws');
  });

  it('refuses a permission set without a home Region rather than guessing one', () => {
    expect(() => principalArnPattern('identity-center', 'Subscribe', undefined)).toThrow(/home Region/);
  });

  it('gives one pattern per principal, in order', () => {
    expect(
      principalArnPatterns({ principalType: 'iam-role', principals: ['A', 'B.c'] }, undefined, 'aws'),
    ).toEqual(['arn:aws:iam:::role/A', 'arn:aws:iam:::role/B.c']);
  });
});
