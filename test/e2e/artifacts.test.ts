// The product template upload against moto's S3: hash-named key, provisioning tag, encryption, and no
// second upload of unchanged content. URL building per partition is pure and checked alongside.
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hashOfProductTemplateKey,
  productTemplateKey,
  s3ObjectUrl,
  templateSha256,
  uploadProductTemplate,
} from '../../src/aws/artifacts.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';

const TEMPLATE_V1 = `AWSTemplateFormatVersion: '2010-09-09'
Description: Security Hub notifications subscription
Resources:
  Topic:
    Type: AWS::SNS::Topic
`;
const TEMPLATE_V2 = `${TEMPLATE_V1}  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [aws.securityhub] }
`;

let hub: MotoAccount;
let s3: S3Client;
let bucket: string;

beforeAll(async () => {
  hub = await motoAccount('eu-west-1');
  s3 = new S3Client(hub.clientConfig);
  bucket = `secnotify-templates-${hub.accountId}`;
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
});

describe('uploadProductTemplate (moto)', () => {
  it('uploads once under a key carrying the content hash, tagged for the launch role and encrypted', async () => {
    const sha = templateSha256(TEMPLATE_V1);
    const first = await uploadProductTemplate(s3, bucket, TEMPLATE_V1, sha, { region: 'eu-west-1' });
    expect(first.uploaded).toBe(true);
    expect(first.key).toBe(`products/security-notifications-${sha.slice(0, 16)}.yaml`);
    expect(hashOfProductTemplateKey(first.key)).toBe(sha.slice(0, 16));
    expect(first.url).toBe(`https://${bucket}.s3.eu-west-1.amazonaws.com/${first.key}`);

    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: first.key }));
    expect(tags.TagSet).toEqual([{ Key: 'servicecatalog:provisioning', Value: 'true' }]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: first.key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ContentType).toBe('application/yaml');
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: first.key }))
    ).Body!.transformToString();
    expect(body).toBe(TEMPLATE_V1);

    const second = await uploadProductTemplate(s3, bucket, TEMPLATE_V1, sha, { region: 'eu-west-1' });
    expect(second).toEqual({ ...first, uploaded: false });
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: first.key }));
    expect(versions.Versions).toHaveLength(1);
  });

  it('puts changed content under a new key, leaving the old one for existing subscribers', async () => {
    const v1 = await uploadProductTemplate(s3, bucket, TEMPLATE_V1, templateSha256(TEMPLATE_V1), {
      region: 'eu-west-1',
    });
    const v2 = await uploadProductTemplate(s3, bucket, TEMPLATE_V2, templateSha256(TEMPLATE_V2), {
      region: 'eu-west-1',
    });
    expect(v2.uploaded).toBe(true);
    expect(v2.key).not.toBe(v1.key);
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: v1.key }))).resolves.toBeDefined();
  });

  it('refuses a hash that is not the digest of the body', async () => {
    await expect(
      uploadProductTemplate(s3, bucket, TEMPLATE_V2, templateSha256(TEMPLATE_V1), { region: 'eu-west-1' }),
    ).rejects.toThrow(/not the digest/);
  });
});

describe('template URLs and keys', () => {
  it('builds regional virtual-hosted URLs with the partition DNS suffix', () => {
    const key = productTemplateKey('a'.repeat(64));
    expect(key).toBe('products/security-notifications-aaaaaaaaaaaaaaaa.yaml');
    expect(s3ObjectUrl('b', key, 'us-east-1')).toBe(
      'https://b.s3.us-east-1.amazonaws.com/products/security-notifications-aaaaaaaaaaaaaaaa.yaml',
    );
    expect(s3ObjectUrl('b', key, 'cn-north-1', 'aws-cn')).toBe(
      'https://b.s3.cn-north-1.amazonaws.com.cn/products/security-notifications-aaaaaaaaaaaaaaaa.yaml',
    );
    expect(s3ObjectUrl('b', key, 'us-gov-west-1', 'aws-us-gov')).toBe(
      'https://b.s3.us-gov-west-1.amazonaws.com/products/security-notifications-aaaaaaaaaaaaaaaa.yaml',
    );
  });

  it('rejects something that is not a hex digest', () => {
    expect(() => productTemplateKey('not-a-hash')).toThrow(/not a hex SHA-256/);
  });
});
