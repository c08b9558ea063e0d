// The product's versions read back from a deployed portfolio stack (moto keeps the template and the
// parameters; it skips the Service Catalog resources themselves, so what Service Catalog does with the list
// is asserted on the rendered template and with SDK mocks in test/unit/product-versions.test.ts).
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedProductVersions } from '../../src/aws/product-versions.js';
import { deployStack } from '../../src/aws/stacks.js';
import { resolveOptions } from '../../src/core/options.js';
import { ARTIFACT_DESCRIPTION, planProductVersions } from '../../src/core/product-versions.js';
import { type RenderedStack, renderInfrastructure } from '../../src/core/render/infrastructure.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';
import { TestIoHost } from '../support/io-host.js';

const STACK = 'SecurityNotifications-Service-Catalog';
const url = (hash: string) =>
  `https://secnotify-bucket.s3.eu-west-1.amazonaws.com/products/security-notifications-${hash}.yaml`;

let hub: MotoAccount;
let cfn: CloudFormationClient;

beforeAll(async () => {
  hub = await motoAccount('eu-west-1');
  cfn = new CloudFormationClient(hub.clientConfig);
});

function portfolioFor(templateUrl: string, deployed: Awaited<ReturnType<typeof deployedProductVersions>>) {
  const plan = planProductVersions({ deployed: deployed ?? [], templateUrl });
  const options = resolveOptions({ values: { launchRole: false }, sources: {} });
  const stack = renderInfrastructure(options, {
    hubRegion: 'eu-west-1',
    productTemplateUrl: plan.current.templateUrl,
    productVersion: plan.current.name,
    earlierProductVersions: plan.earlier,
  }).find((s) => s.id === 'portfolio') as RenderedStack;
  return { plan, stack };
}

/** Through change sets, as install deploys (moto's CreateStack rejects GetAtt of types it skips). */
const deploy = (stack: RenderedStack) =>
  deployStack(
    cfn,
    { stackName: STACK, templateBody: stack.body, parameters: stack.parameters },
    { io: new TestIoHost(), confirm: async () => true, pollIntervalMs: 10 },
  );

describe('deployedProductVersions (moto)', () => {
  it('is undefined before the portfolio stack exists, then lists every kept version, oldest first', async () => {
    expect(await deployedProductVersions(cfn, STACK)).toBeUndefined();

    const first = portfolioFor(url('1111111111111111'), undefined);
    expect(first.plan.current.name).toBe('v1');
    expect((await deploy(first.stack)).outcome).toBe('created');
    expect(await deployedProductVersions(cfn, STACK)).toEqual([
      { name: 'v1', templateUrl: url('1111111111111111'), description: ARTIFACT_DESCRIPTION },
    ]);

    // A changed template: v1 stays in the deployed product, v2 is added.
    const second = portfolioFor(url('2222222222222222'), await deployedProductVersions(cfn, STACK));
    expect((await deploy(second.stack)).outcome).toBe('updated');
    expect(await deployedProductVersions(cfn, STACK)).toEqual([
      { name: 'v1', templateUrl: url('1111111111111111'), description: ARTIFACT_DESCRIPTION },
      { name: 'v2', templateUrl: url('2222222222222222'), description: ARTIFACT_DESCRIPTION },
    ]);

    // The same template again: nothing to publish, both versions rendered as they are.
    const third = portfolioFor(url('2222222222222222'), await deployedProductVersions(cfn, STACK));
    expect(third.plan.publishes).toBe(false);
    expect(third.stack.body).toBe(second.stack.body);
  });
});
