// bench:install — a full install (every default step, with management credentials) against moto behind a
// loopback proxy that adds a fixed delay to every CloudFormation and StackSet call, so that waiting for
// AWS dominates as it does for real. Prints the wall time of the install, the sum of the step times and
// their ratio (the budget: at most 0.8, i.e. independent steps overlap), then the time of a no-change
// re-run. Everything stays on 127.0.0.1: moto and the proxy are started here.
//
// What the proxy adds beyond the delay, because moto lacks it: Service Catalog's and StackSets'
// Organizations-access status calls answer "enabled" (an organization already set up), and the launch
// role appears in the hub a few delays after the StackSet stack starts, as the StackSet's instance would;
// and moto skips Service Catalog resources inside stacks, so the portfolio is made with the API and the
// portfolio stack reports its IDs as outputs, as CloudFormation does.
import { parseArgs } from 'node:util';
import { CreatePortfolioCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { PORTFOLIO_DISPLAY_NAME } from '../src/core/render/infrastructure.js';
import { type MotoAccount, motoOrganization, putLaunchRole } from '../test/support/aws.js';
import { startAwsProxy } from '../test/support/aws-proxy.js';
import { runCli } from '../test/support/cli.js';
import { startMotoServer } from '../test/support/moto-server.js';

const { values } = parseArgs({
  options: {
    delay: { type: 'string', default: '400' },
    poll: { type: 'string', default: '250' },
  },
});
const DELAY = Number(values.delay);
const POLL = values.poll ?? '250';

interface Timing {
  wallMs: number;
  stepMs: number;
  steps: Record<string, number>;
}

async function runInstall(
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; doc: { timing: Timing; steps: { id: string; outcome: string }[] } }> {
  const started = Date.now();
  const result = await runCli(['install', '--yes', '--json', ...args], {
    cleanEnv: true,
    env,
    timeoutMs: 600_000,
  });
  if (result.code !== 0) throw new Error(`install exited ${result.code}:\n${result.stderr}`);
  return { ms: Date.now() - started, doc: JSON.parse(result.stdout) };
}

const XML = 'text/xml';
const moto = await startMotoServer();
let hub: MotoAccount | undefined;
let portfolioOutputs = '';
let roleScheduled = false;
const proxy = await startAwsProxy(moto.endpoint, {
  delayMs: (call) => (call.service === 'cloudformation' ? DELAY : 0),
  answer: (call) => {
    if (call.service === 'servicecatalog' && call.action === 'GetAWSOrganizationsAccessStatus') {
      return { status: 200, contentType: 'application/x-amz-json-1.1', body: '{"AccessStatus":"ENABLED"}' };
    }
    if (call.service === 'servicecatalog' && call.action === 'ListProvisioningArtifacts') {
      // The product exists only as the portfolio stack's output here (moto skips it): no other versions.
      return {
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: '{"ProvisioningArtifactDetails":[]}',
      };
    }
    if (call.service === 'cloudformation' && call.action === 'DescribeOrganizationsAccess') {
      return {
        status: 200,
        contentType: XML,
        body: '<DescribeOrganizationsAccessResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeOrganizationsAccessResult><Status>ENABLED</Status></DescribeOrganizationsAccessResult></DescribeOrganizationsAccessResponse>',
      };
    }
    return undefined;
  },
  rewrite: (call, body) =>
    call.action === 'DescribeStacks' && portfolioOutputs && !body.includes('<Outputs>')
      ? body.replace(
          '<StackName>SecurityNotifications-Service-Catalog</StackName>',
          `<StackName>SecurityNotifications-Service-Catalog</StackName>${portfolioOutputs}`,
        )
      : body,
  onCall: (call) => {
    if (
      !roleScheduled &&
      hub &&
      call.action === 'ExecuteChangeSet' &&
      call.body.includes('IAM-roles-StackSet')
    ) {
      roleScheduled = true;
      const account = hub;
      setTimeout(() => void putLaunchRole(account), 3 * DELAY);
    }
  },
});

try {
  const org = await motoOrganization('eu-west-1', moto.endpoint);
  hub = org.hub;
  const sc = new ServiceCatalogClient(hub.clientConfig);
  const portfolio = await sc.send(
    new CreatePortfolioCommand({
      DisplayName: PORTFOLIO_DISPLAY_NAME,
      ProviderName: 'Security',
      IdempotencyToken: 'bench',
    }),
  );
  const output = (key: string, value: string) =>
    `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`;
  portfolioOutputs = `<Outputs>${output('PortfolioId', portfolio.PortfolioDetail!.Id!)}${output('ProductId', 'prod-benchabcdefgh')}</Outputs>`;
  const env = { ...hub.env, AWS_ENDPOINT_URL: proxy.url, SECNOTIFY_POLL_MS: POLL };
  const args = [
    '--management-role-arn',
    `arn:aws:iam::${org.management.accountId}:role/OrganizationAccountAccessRole`,
    '--share',
    org.memberId,
  ];
  const first = await runInstall(args, env);
  const { timing } = first.doc;
  const ran = first.doc.steps.filter((s) => s.outcome !== 'skipped').map((s) => s.id);
  const again = await runInstall(args, env);
  const changed = again.doc.steps.filter((s) => s.outcome !== 'no-changes' && s.outcome !== 'skipped');

  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `bench:install — moto behind a 127.0.0.1 proxy, ${DELAY} ms added to every CloudFormation/StackSet call`,
  );
  console.log(`steps run: ${ran.join(', ')}`);
  for (const [id, ms] of Object.entries(timing.steps)) console.log(`  ${id.padEnd(15)} ${sec(ms)}`);
  console.log(`sum of step times        ${sec(timing.stepMs)}`);
  console.log(
    `wall time of the steps   ${sec(timing.wallMs)}   ratio ${(timing.wallMs / timing.stepMs).toFixed(2)} (budget ≤ 0.80)`,
  );
  // Run one after another, the steps would take their sum: the whole install against that baseline.
  const sequential = first.ms - timing.wallMs + timing.stepMs;
  console.log(
    `wall time of the install ${sec(first.ms)} (process, with pre-flight checks and look-ups); one step after another: ${sec(sequential)}, ratio ${(first.ms / sequential).toFixed(2)}`,
  );
  console.log(
    `no-change re-run         ${sec(again.ms)} (process); steps with changes: ${changed.length ? changed.map((s) => `${s.id}=${s.outcome}`).join(', ') : 'none'}`,
  );
  if (timing.wallMs / timing.stepMs > 0.8) process.exitCode = 1;
} finally {
  await proxy.close();
  moto.stop();
}
