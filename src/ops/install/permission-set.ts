// The IAM Identity Center permission set, in the management account and the Identity Center home region.

import { findIdentityCenterInstance } from '../../aws/identity-center.js';
import { hintCommand } from '../../cli/io/command-name.js';
import { OperationError } from '../../core/errors.js';
import {
  deploy,
  describeDeploy,
  type InstallContext,
  type InstallDone,
  type InstallRun,
  managementIn,
  outcomeOf,
  type PortfolioOutput,
  renderContext,
  rendered,
} from './context.js';
import { deployedPortfolioIds } from './portfolio.js';

export async function permissionSet(
  ctx: Pick<
    InstallContext,
    | 'options'
    | 'management'
    | 'hub'
    | 'hubCaller'
    | 'organization'
    | 'managementCaller'
    | 'idcHomeRegion'
    | 'dryRun'
    | 'pollIntervalMs'
    | 'view'
  >,
  run: Pick<InstallRun, 'io' | 'signal'> & { portfolio?: PortfolioOutput },
  region: string,
): Promise<InstallDone<'permission-set'>> {
  const mgmt = managementIn(ctx, 'permission-set', region);
  const productId = run.portfolio?.productId ?? (await deployedPortfolioIds(ctx)).productId;
  if (!productId) {
    if (ctx.dryRun) {
      return {
        outcome: 'dry-run',
        detail: 'depends on the product ID, which the portfolio stack creates',
        output: { stacks: [] },
      };
    }
    throw new OperationError('The product ID is unknown: the portfolio stack is not deployed.', {
      hint: `Run the portfolio step first: ${hintCommand('install --steps portfolio,permission-set')}`,
    });
  }
  const instance = await findIdentityCenterInstance(await mgmt.ssoAdmin());
  if (!instance) {
    throw new OperationError(
      `No IAM Identity Center instance found in ${region} with the management credentials.`,
      {
        hint: 'Pass --idc-region with the Identity Center home region, or use --principal-type iam-role.',
      },
    );
  }
  const stack = rendered(
    ctx.options,
    'permission-set',
    renderContext(ctx, { idcInstanceArn: instance.instanceArn, productId }),
  );
  const { result, report } = await deploy(ctx, run, await mgmt.cloudformation(), stack, 'management');
  return { outcome: outcomeOf(result), detail: describeDeploy(result), output: { stacks: [report] } };
}
