// The template bucket stack in the hub and the product template upload. The upload is the one place the
// product template is published; the portfolio step calls it too when this step did not run (--steps).
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { type UploadedTemplate, uploadProductTemplate } from '../../aws/artifacts.js';
import { describeStack, stackOutputs } from '../../aws/stacks.js';
import { OperationError } from '../../core/errors.js';
import type { SecnotifyOptions } from '../../core/options.js';
import { renderProductTemplate } from '../../core/render/product.js';
import {
  deploy,
  describeDeploy,
  type InstallContext,
  type InstallDone,
  type InstallRun,
  outcomeOf,
  renderContext,
  rendered,
} from './context.js';

/** The bucket name from the deployed bucket stack, or undefined when it is not deployed. */
export async function deployedBucketName(
  cfn: CloudFormationClient,
  options: Pick<SecnotifyOptions, 'stackNames'>,
): Promise<string | undefined> {
  if (!(await describeStack(cfn, options.stackNames.bucket))) return undefined;
  return (await stackOutputs(cfn, options.stackNames.bucket)).BucketName;
}

/** Uploads the rendered product template under its content hash (a no-op when it is there already). */
export async function publishProductTemplate(
  ctx: Pick<InstallContext, 'options' | 'hub' | 'hubCaller'>,
  bucketName: string,
): Promise<UploadedTemplate & { sha256: string }> {
  const product = renderProductTemplate(ctx.options, { partition: ctx.hubCaller.partition });
  const upload = await uploadProductTemplate(await ctx.hub.s3(), bucketName, product.body, product.sha256, {
    region: ctx.hub.region,
    partition: ctx.hubCaller.partition,
  });
  return { ...upload, sha256: product.sha256 };
}

export async function templates(
  ctx: Pick<
    InstallContext,
    | 'options'
    | 'hub'
    | 'hubCaller'
    | 'organization'
    | 'managementCaller'
    | 'idcHomeRegion'
    | 'dryRun'
    | 'pollIntervalMs'
    | 'view'
  >,
  run: Pick<InstallRun, 'io' | 'signal'>,
): Promise<InstallDone<'templates'>> {
  const cfn = await ctx.hub.cloudformation();
  const stack = rendered(ctx.options, 'bucket', renderContext(ctx));
  const { result, report } = await deploy(ctx, run, cfn, stack, 'hub');
  if (result.outcome === 'dry-run' || result.outcome === 'declined') {
    const sha256 = renderProductTemplate(ctx.options, { partition: ctx.hubCaller.partition }).sha256;
    return {
      outcome: outcomeOf(result),
      detail: `${describeDeploy(result)}; product template sha256 ${sha256.slice(0, 16)} not uploaded`,
      output: { stacks: [report], productSha256: sha256 },
    };
  }
  const bucketName = result.outputs.BucketName ?? (await deployedBucketName(cfn, ctx.options));
  if (!bucketName) throw new OperationError(`Stack ${stack.stackName} has no BucketName output.`);
  const upload = await publishProductTemplate(ctx, bucketName);
  const uploaded = upload.uploaded ? `uploaded ${upload.key}` : `${upload.key} already uploaded`;
  return {
    outcome: result.outcome === 'no-changes' && !upload.uploaded ? 'no-changes' : 'done',
    detail: `${describeDeploy(result)}; ${uploaded}`,
    output: { stacks: [report], bucketName, productTemplateUrl: upload.url, productSha256: upload.sha256 },
  };
}
