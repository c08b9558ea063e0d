// The template checks can fail: broken templates produce findings of both tools.
import { describe, expect, it } from 'vitest';
import { checkIamActions, checkTemplates } from './harness.js';

const invalidProperty = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: broken
      NotAProperty: true
`;

const publicBucket = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WideOpen:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        BlockPublicPolicy: false
        IgnorePublicAcls: false
        RestrictPublicBuckets: false
`;

const skipWithoutReason = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Quiet:
    Type: AWS::S3::Bucket
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_18
    Properties:
      VersioningConfiguration:
        Status: Enabled
`;

describe('checkTemplates', () => {
  it('reports an invalid property (cfn-lint), a public bucket and an unexplained skip (checkov)', async () => {
    const { findings } = await checkTemplates([
      { name: 'invalid-property', body: invalidProperty },
      { name: 'public-bucket', body: publicBucket },
      { name: 'skip-without-reason', body: skipWithoutReason },
    ]);

    const lint = findings.filter((f) => f.tool === 'cfn-lint');
    expect(lint).toContainEqual(
      expect.objectContaining({ templates: ['invalid-property'], rule: 'E3002', resource: 'Topic' }),
    );
    expect(lint.every((f) => f.templates[0] !== 'public-bucket' || f.rule !== 'E3002')).toBe(true);

    const checkov = findings.filter((f) => f.tool === 'checkov' && f.templates[0] === 'public-bucket');
    // Public ACL and the disabled public access block, among others.
    expect(checkov.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['CKV_AWS_20', 'CKV_AWS_53', 'CKV_AWS_56']),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ tool: 'checkov', templates: ['skip-without-reason'], rule: 'CKV_AWS_18' }),
    );
  });

  it('reports a misspelt IAM action and a resource ARN on an action that takes none', async () => {
    const body = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Typo
            Effect: Allow
            Action: sns:Publsh
            Resource: !Sub "arn:\${AWS::Partition}:sns:*:\${AWS::AccountId}:*"
          - Sid: NoResourceLevel
            Effect: Allow
            Action: logs:DescribeLogGroups
            Resource: !Sub "arn:\${AWS::Partition}:logs:*:\${AWS::AccountId}:log-group:*"
`;
    expect(await checkIamActions([{ name: 'bad-policy', body }])).toEqual([
      { template: 'bad-policy', sid: 'Typo', action: 'sns:Publsh', problem: 'no such IAM action' },
      {
        template: 'bad-policy',
        sid: 'NoResourceLevel',
        action: 'logs:DescribeLogGroups',
        problem: 'supports only Resource "*"',
      },
    ]);
  });
});
