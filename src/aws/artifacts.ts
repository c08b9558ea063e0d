// The product template in the hub bucket. Its key carries the content hash, so a changed template is a new
// object (and a new product version) and an unchanged one is never uploaded twice.
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsFailure, isAwsErrorNamed } from './aws-errors.js';

/** The tag the launch role's policy requires on every object it may read. */
export const PROVISIONING_TAG = { key: 'servicecatalog:provisioning', value: 'true' } as const;

export const PRODUCT_TEMPLATE_PREFIX = 'products/security-notifications-';

/** DNS suffix of each partition (from the SDK's partition table); S3 URLs are built from it. */
const PARTITION_DNS_SUFFIX: Record<string, string> = {
  aws: 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-eusc': 'amazonaws.eu',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
};

export function templateSha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** `products/security-notifications-<first 16 hex digits of the SHA-256>.yaml`. */
export function productTemplateKey(sha256: string): string {
  if (!/^[0-9a-f]{16,64}$/i.test(sha256)) {
    throw new TypeError(`not a hex SHA-256 digest: ${JSON.stringify(sha256)}`);
  }
  return `${PRODUCT_TEMPLATE_PREFIX}${sha256.slice(0, 16).toLowerCase()}.yaml`;
}

/** The content hash prefix a product template key carries, or undefined for other keys. */
export function hashOfProductTemplateKey(key: string): string | undefined {
  const m = /^products\/security-notifications-([0-9a-f]{16})\.yaml$/.exec(key);
  return m?.[1];
}

/** The regional virtual-hosted-style URL Service Catalog loads the template from. */
export function s3ObjectUrl(bucket: string, key: string, region: string, partition = 'aws'): string {
  const suffix = PARTITION_DNS_SUFFIX[partition] ?? 'amazonaws.com';
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `https://${bucket}.s3.${region}.${suffix}/${path}`;
}

export interface UploadedTemplate {
  key: string;
  url: string;
  /** False when an object with this content hash was already there. */
  uploaded: boolean;
}

export interface UploadTemplateOptions {
  region: string;
  partition?: string;
}

/**
 * Uploads the product template unless an object with its hash is already in the bucket. The object is
 * tagged for the launch role and encrypted with S3-managed keys: a KMS key would have to let every member
 * account's launch role decrypt, which the AWS-managed aws/s3 key never does across accounts.
 */
export async function uploadProductTemplate(
  s3: S3Client,
  bucket: string,
  body: string,
  sha256: string,
  options: UploadTemplateOptions,
): Promise<UploadedTemplate> {
  if (templateSha256(body) !== sha256.toLowerCase()) {
    throw new TypeError('uploadProductTemplate: sha256 is not the digest of body');
  }
  const key = productTemplateKey(sha256);
  const url = s3ObjectUrl(bucket, key, options.region, options.partition);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { key, url, uploaded: false };
  } catch (error) {
    if (!isAwsErrorNamed(error, 'NotFound', 'NoSuchKey'))
      throw awsFailure(error, 's3:GetObject (HeadObject)');
  }
  const tagging = new URLSearchParams({ [PROVISIONING_TAG.key]: PROVISIONING_TAG.value }).toString();
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/yaml',
        ServerSideEncryption: 'AES256',
        Tagging: tagging,
      }),
    );
  } catch (error) {
    throw awsFailure(error, 's3:PutObject');
  }
  return { key, url, uploaded: true };
}
