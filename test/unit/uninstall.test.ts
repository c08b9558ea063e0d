// uninstall: the removal plan from facts (pure), and the steps against scripted AWS clients
// (aws-sdk-client-mock) for what moto cannot produce: a bucket stack whose delete fails on late log objects,
// an organization share removed asynchronously, a StackSet with instances and a running operation, and
// DeleteObjects refusing single keys.
import {
  type StackEvent as CfnStackEvent,
  CloudFormationClient,
  CloudFormationServiceException,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  ListStackSetOperationsCommand,
  type ResourceStatus,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DeleteObjectsCommand,
  GetBucketLoggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketLoggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DeletePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DeploymentError, OperationError } from '../../src/core/errors.js';
import { MSG } from '../../src/core/messages.js';
import { formatRemovalPlan, planRemoval, type RemovalStep } from '../../src/core/removal.js';
import { REMOVAL_RUNNERS, type StepAccount, type UninstallState } from '../../src/ops/uninstall/steps.js';
import {
  denied,
  HUB,
  installationFacts,
  LOG_BUCKET,
  nothingInstalled,
  PRODUCT_BUCKET,
  present,
  REGION,
} from '../support/facts.js';
import { TestIoHost } from '../support/io-host.js';

const config = { region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };

function recorder(): TestIoHost {
  return new TestIoHost();
}

const installed = installationFacts;

const running = (plan: ReturnType<typeof planRemoval>) => plan.steps.filter((s) => s.run).map((s) => s.id);

describe('planRemoval', () => {
  it('removes every part in reverse install order and lists exactly what goes', () => {
    const plan = planRemoval(installed(), { includeOrgSetup: true });
    expect(running(plan)).toEqual([
      'shares',
      'portfolio',
      'empty-buckets',
      'bucket-stack',
      'permission-set',
      'launch-roles',
      'org-setup',
    ]);
    const text = formatRemovalPlan(plan);
    expect(text).toContain(
      'share of portfolio port-abc123 with organization o-abcdefghij (with principal sharing)',
    );
    expect(text).toContain('share of portfolio port-abc123 with account 999988887777');
    expect(text).toContain(
      `bucket ${PRODUCT_BUCKET} (product-templates): 3 object versions, 1 delete marker`,
    );
    expect(text).toContain(`bucket ${LOG_BUCKET} (access-logs): 120 object versions, 0 delete markers`);
    expect(text).toContain('product prod-xyz789, versions v1, v2');
    expect(text).toContain('StackSet Security-Hub-Notifications-Product-IAM-Roles with 2 stack instances');
    expect(text).toContain(`delegated administration of account ${HUB} for servicecatalog.amazonaws.com`);
    // StackSets trusted access serves every service-managed StackSet: never switched off silently.
    expect(plan.notes.join('\n')).toContain('StackSets trusted access stays active');
  });

  it('keeps the organization setup unless asked', () => {
    const plan = planRemoval(installed());
    expect(plan.steps.find((s) => s.id === 'org-setup')).toMatchObject({
      run: false,
      skipReason: 'kept (pass --include-org-setup to undo it)',
    });
  });

  it('has nothing to remove when every part is absent', () => {
    const plan = planRemoval(nothingInstalled(), { includeOrgSetup: true });
    expect(plan.nothingToRemove).toBe(true);
    expect(plan.steps.map((s) => s.skipReason)).toEqual([
      'no portfolio is deployed',
      'not deployed',
      'not deployed',
      'not deployed',
      'not deployed',
      'not deployed',
      'nothing to undo',
    ]);
  });

  it('honours the --keep flags and what they imply', () => {
    const keepShares = planRemoval(installed(), { keepShares: true });
    expect(running(keepShares)).toEqual(['permission-set', 'launch-roles']);
    expect(keepShares.steps.find((s) => s.id === 'portfolio')?.skipReason).toMatch(
      /cannot delete a shared portfolio/,
    );
    expect(keepShares.steps.find((s) => s.id === 'bucket-stack')?.skipReason).toMatch(
      /portfolio stack that stays/,
    );
    expect(keepShares.notes.join('\n')).toMatch(
      /launch-role constraint then names a role that no longer exists/,
    );

    const keepBuckets = planRemoval(installed(), {
      keepBuckets: true,
      keepPermissionSet: true,
      keepLaunchRoles: true,
    });
    expect(running(keepBuckets)).toEqual(['shares', 'portfolio']);
  });

  it('without management credentials removes the hub parts and says what was not checked', () => {
    const plan = planRemoval(installed({ management: undefined }));
    expect(running(plan)).toEqual(['shares', 'portfolio', 'empty-buckets', 'bucket-stack']);
    expect(plan.steps.find((s) => s.id === 'launch-roles')?.skipReason).toMatch(/--management-profile/);
    expect(plan.notes.join('\n')).toContain('were not checked');
  });

  it('lists the subscriptions the hub can see, and says member-account subscriptions stay', () => {
    const plan = planRemoval(
      installed({
        subscribers: present([
          { name: 'team-a-alerts', id: 'pp-aaa', status: 'AVAILABLE', versionName: 'v1' },
        ]),
      }),
    );
    const notes = plan.notes.join('\n');
    expect(notes).toContain('1 subscription (provisioned product) of this product in the hub account');
    expect(notes).toContain('team-a-alerts (pp-aaa, AVAILABLE, v1)');
    expect(notes).toContain('NOT deleted');
    expect(notes).toContain(
      'Subscriptions in member accounts are not visible from the hub and are not deleted',
    );
  });

  it('refuses to plan when a part it would remove could not be looked up', () => {
    const facts = installed({
      shares: denied('not allowed to DescribePortfolioShares'),
    });
    expect(() => planRemoval(facts)).toThrow(OperationError);
    expect(() => planRemoval(facts)).toThrow(/Cannot tell whether the portfolio shares exists: not allowed/);
    // Kept parts need no look-up.
    expect(() => planRemoval(facts, { keepShares: true, keepPortfolio: true })).not.toThrow();
  });
});

// ---- Steps against scripted clients ----

/** A stack whose DeleteStack runs a scripted outcome: each attempt ends as the next entry says. */
class ScriptedStack {
  readonly cfn = new CloudFormationClient(config);
  readonly mock = mockClient(this.cfn);
  status: StackStatus | undefined = 'CREATE_COMPLETE';
  events: CfnStackEvent[] = [];
  deletes = 0;
  private pending: StackStatus | undefined;

  constructor(
    readonly stackName: string,
    /** Per DeleteStack: the end status and, for a failure, the failing resource. */
    outcomes: { status: StackStatus; failed?: [string, string, string] }[],
    /** Runs at each DeleteStack (1-based attempt), e.g. to deliver a late log object. */
    onDelete: (attempt: number) => void = () => {},
  ) {
    const stackId = `arn:aws:cloudformation:${REGION}:${HUB}:stack/${stackName}/1234`;
    this.mock.on(DescribeStacksCommand).callsFake(() => {
      if (this.status === undefined) {
        throw new CloudFormationServiceException({
          name: 'ValidationError',
          $fault: 'client',
          $metadata: {},
          message: `Stack with id ${stackName} does not exist`,
        });
      }
      const current = this.status;
      if (this.pending) {
        this.status = this.pending;
        this.pending = undefined;
      }
      return {
        Stacks: [{ StackName: stackName, StackId: stackId, StackStatus: current, CreationTime: new Date() }],
      };
    });
    this.mock.on(DescribeStackEventsCommand).callsFake(() => ({ StackEvents: [...this.events] }));
    this.mock.on(DeleteStackCommand).callsFake(() => {
      const outcome = outcomes[this.deletes++];
      if (!outcome) throw new Error('unexpected DeleteStack');
      onDelete(this.deletes);
      this.status = 'DELETE_IN_PROGRESS';
      this.pending = outcome.status;
      const event = (
        logicalId: string,
        type: string,
        status: ResourceStatus,
        reason?: string,
      ): CfnStackEvent => ({
        EventId: `e-${this.deletes}-${logicalId}-${status}`,
        StackId: stackId,
        StackName: stackName,
        LogicalResourceId: logicalId,
        PhysicalResourceId: logicalId === stackName ? stackId : logicalId,
        ResourceType: type,
        ResourceStatus: status,
        ResourceStatusReason: reason,
        Timestamp: new Date(),
      });
      const fresh = [event(stackName, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS')];
      if (outcome.failed)
        fresh.unshift(event(outcome.failed[0], outcome.failed[1], 'DELETE_FAILED', outcome.failed[2]));
      fresh.unshift(event(stackName, 'AWS::CloudFormation::Stack', outcome.status as ResourceStatus));
      this.events = [...fresh, ...this.events];
      return {};
    });
  }
}

function account(clients: {
  cfn?: CloudFormationClient;
  s3?: S3Client;
  sc?: ServiceCatalogClient;
}): StepAccount {
  const self: StepAccount = {
    region: REGION,
    cloudformation: async () => clients.cfn ?? new CloudFormationClient(config),
    s3: async () => clients.s3 ?? new S3Client(config),
    serviceCatalog: async () => clients.sc ?? new ServiceCatalogClient(config),
    organizations: async () => new OrganizationsClient(config),
    inRegion: () => self,
  };
  return self;
}

function state(
  hub: StepAccount,
  facts = installed(),
  extra: Partial<UninstallState> = {},
): UninstallState & { io: ReturnType<typeof recorder> } {
  const io = recorder();
  return {
    hub,
    facts,
    io,
    signal: new AbortController().signal,
    color: false,
    pollIntervalMs: 1,
    settleMs: 1,
    ...extra,
  } as UninstallState & { io: ReturnType<typeof recorder> };
}

const step = (plan: ReturnType<typeof planRemoval>, id: RemovalStep['id']) =>
  plan.steps.find((s) => s.id === id)!;

/** A versioned bucket in memory: ListObjectVersions shows what is there, DeleteObjects removes it. */
class Buckets {
  readonly s3 = new S3Client(config);
  readonly mock = mockClient(this.s3);
  contents = new Map<string, { Key: string; VersionId: string }[]>();
  refuse = new Set<string>();
  loggingOn = new Set<string>([PRODUCT_BUCKET]);

  constructor() {
    this.contents.set(PRODUCT_BUCKET, []);
    this.contents.set(LOG_BUCKET, []);
    this.mock.on(HeadBucketCommand).resolves({});
    this.mock
      .on(GetBucketLoggingCommand)
      .callsFake((input) =>
        this.loggingOn.has(input.Bucket)
          ? { LoggingEnabled: { TargetBucket: LOG_BUCKET, TargetPrefix: 'p/' } }
          : {},
      );
    this.mock.on(PutBucketLoggingCommand).callsFake((input) => {
      this.loggingOn.delete(input.Bucket);
      return {};
    });
    this.mock.on(ListObjectVersionsCommand).callsFake((input) => ({
      Versions: this.contents.get(input.Bucket) ?? [],
      IsTruncated: false,
    }));
    this.mock.on(DeleteObjectsCommand).callsFake((input) => {
      const objects: { Key: string; VersionId?: string }[] = input.Delete.Objects;
      const errors = objects
        .filter((o) => this.refuse.has(o.Key))
        .map((o) => ({ Key: o.Key, VersionId: o.VersionId, Code: 'AccessDenied', Message: 'Access Denied' }));
      const gone = new Set(
        objects.filter((o) => !this.refuse.has(o.Key)).map((o) => `${o.Key}@${o.VersionId}`),
      );
      this.contents.set(
        input.Bucket,
        (this.contents.get(input.Bucket) ?? []).filter((v) => !gone.has(`${v.Key}@${v.VersionId}`)),
      );
      return errors.length ? { Errors: errors } : {};
    });
  }

  put(bucket: string, key: string): void {
    this.contents.get(bucket)!.push({ Key: key, VersionId: `v${Math.random().toString(36).slice(2)}` });
  }
}

describe('uninstall steps', () => {
  const NOT_EMPTY = {
    status: 'DELETE_FAILED' as const,
    failed: ['AccessLogBucket', 'AWS::S3::Bucket', 'The bucket you tried to delete is not empty'] as [
      string,
      string,
      string,
    ],
  };

  it('recovers a bucket stack delete that failed because late access logs refilled a bucket', async () => {
    const buckets = new Buckets();
    buckets.put(PRODUCT_BUCKET, 'products/security-notifications-0123456789abcdef.yaml');
    buckets.put(LOG_BUCKET, 'product-template-bucket/2025-01-01-00-00-00-AAAA');
    // A log object delivered late: after the emptying, just as CloudFormation deletes the buckets.
    const stack = new ScriptedStack(
      'SecurityNotifications-SC-Bucket',
      [NOT_EMPTY, { status: 'DELETE_COMPLETE' }],
      (attempt) => {
        if (attempt === 1) buckets.put(LOG_BUCKET, 'product-template-bucket/2025-01-01-00-05-00-LATE');
      },
    );
    const s = state(account({ cfn: stack.cfn, s3: buckets.s3 }));
    const plan = planRemoval(s.facts);

    await REMOVAL_RUNNERS['empty-buckets'](s, step(plan, 'empty-buckets'));
    expect(buckets.loggingOn.has(PRODUCT_BUCKET)).toBe(false);
    expect(buckets.contents.get(LOG_BUCKET)).toEqual([]);
    const done = await REMOVAL_RUNNERS['bucket-stack'](s, step(plan, 'bucket-stack'));

    expect(done).toMatchObject({ id: 'bucket-stack', outcome: 'removed' });
    expect(done.detail).toContain('after 2 attempts');
    expect(stack.deletes).toBe(2);
    const deletedKeys = buckets.mock
      .commandCalls(DeleteObjectsCommand)
      .flatMap((c) => c.args[0].input.Delete!.Objects!.map((o) => o.Key));
    expect(deletedKeys).toContain('product-template-bucket/2025-01-01-00-05-00-LATE');
    expect(buckets.contents.get(LOG_BUCKET)).toEqual([]);
    expect(s.io.codes).toContain(MSG.BUCKET_NOT_EMPTY_RETRY.code);
  });

  it('stops retrying after the bound and says exactly what is left', async () => {
    const buckets = new Buckets();
    const stack = new ScriptedStack(
      'SecurityNotifications-SC-Bucket',
      [NOT_EMPTY, NOT_EMPTY, NOT_EMPTY],
      (n) => buckets.put(LOG_BUCKET, `product-template-bucket/late-${n}`),
    );
    const s = state(account({ cfn: stack.cfn, s3: buckets.s3 }));
    const error = await REMOVAL_RUNNERS['bucket-stack'](s, step(planRemoval(s.facts), 'bucket-stack')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toBe(
      `Stack SecurityNotifications-SC-Bucket could not be deleted after 3 attempts: bucket ${LOG_BUCKET} holds 1 object version(s) and 0 delete marker(s).`,
    );
    expect(stack.deletes).toBe(3);
  });

  it('does not retry a bucket stack delete that failed for another reason', async () => {
    const buckets = new Buckets();
    const stack = new ScriptedStack('SecurityNotifications-SC-Bucket', [
      {
        status: 'DELETE_FAILED',
        failed: ['ProductTemplateBucketPolicy', 'AWS::S3::BucketPolicy', 'Access Denied'],
      },
    ]);
    const s = state(account({ cfn: stack.cfn, s3: buckets.s3 }));
    const error = await REMOVAL_RUNNERS['bucket-stack'](s, step(planRemoval(s.facts), 'bucket-stack')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).failedResources[0]).toMatchObject({
      logicalId: 'ProductTemplateBucketPolicy',
      reason: 'Access Denied',
    });
    expect(stack.deletes).toBe(1);
  });

  it('deletes the StackSet stack only once no StackSet operation runs, then waits for the instances to go', async () => {
    const stack = new ScriptedStack('SecurityNotifications-IAM-roles-StackSet', [
      { status: 'DELETE_COMPLETE' },
    ]);
    stack.mock
      .on(ListStackSetOperationsCommand)
      .resolvesOnce({ Summaries: [{ OperationId: 'auto-deploy-1', Action: 'CREATE', Status: 'RUNNING' }] })
      .resolves({ Summaries: [{ OperationId: 'auto-deploy-1', Action: 'CREATE', Status: 'SUCCEEDED' }] });
    stack.mock
      .on(ListStackInstancesCommand)
      .resolvesOnce({
        Summaries: [
          {
            Account: '999988887777',
            Region: REGION,
            Status: 'OUTDATED',
            StackInstanceStatus: { DetailedStatus: 'RUNNING' },
          },
        ],
      })
      .rejects(
        new CloudFormationServiceException({
          name: 'StackSetNotFoundException',
          $fault: 'client',
          $metadata: {},
          message: 'StackSet Security-Hub-Notifications-Product-IAM-Roles not found',
        }),
      );
    const mgmt = account({ cfn: stack.cfn });
    const s = state(account({}), installed(), { management: mgmt });
    const done = await REMOVAL_RUNNERS['launch-roles'](s, step(planRemoval(s.facts), 'launch-roles'));
    expect(done).toMatchObject({ outcome: 'removed' });
    expect(done.detail).toContain(
      'StackSet Security-Hub-Notifications-Product-IAM-Roles and its 2 stack instance(s) deleted',
    );

    const order = stack.mock.calls().map((c) => (c.args[0] as object).constructor.name);
    const firstDelete = order.indexOf('DeleteStackCommand');
    expect(order.slice(0, firstDelete).filter((n) => n === 'ListStackSetOperationsCommand')).toHaveLength(2);
    expect(order.slice(firstDelete).filter((n) => n === 'ListStackInstancesCommand')).toHaveLength(2);
    for (const call of stack.mock.commandCalls(ListStackInstancesCommand)) {
      expect(call.args[0].input).toMatchObject({
        StackSetName: 'Security-Hub-Notifications-Product-IAM-Roles',
        CallAs: 'SELF',
      });
    }
  });

  it('names the stack instances left behind when the StackSet stack delete fails', async () => {
    const stack = new ScriptedStack('SecurityNotifications-IAM-roles-StackSet', [
      {
        status: 'DELETE_FAILED',
        failed: ['LaunchRoleStackSet', 'AWS::CloudFormation::StackSet', 'Stack instances failed to delete'],
      },
    ]);
    stack.mock.on(ListStackSetOperationsCommand).resolves({ Summaries: [] });
    stack.mock.on(ListStackInstancesCommand).resolves({
      Summaries: [
        {
          Account: '999988887777',
          Region: REGION,
          Status: 'INOPERABLE',
          StatusReason: 'Role SecurityHubNotificationsServiceCatalogLaunchRole is in use',
          StackInstanceStatus: { DetailedStatus: 'FAILED' },
        },
      ],
    });
    const s = state(account({}), installed(), { management: account({ cfn: stack.cfn }) });
    const error = await REMOVAL_RUNNERS['launch-roles'](s, step(planRemoval(s.facts), 'launch-roles')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as Error).message).toContain(
      'still has 1 stack instance(s): 999988887777/eu-west-1 INOPERABLE FAILED: Role SecurityHubNotificationsServiceCatalogLaunchRole is in use',
    );
  });

  it('waits for an organization share removal to complete before reporting it removed', async () => {
    const sc = new ServiceCatalogClient(config);
    const mock = mockClient(sc);
    mock
      .on(DeletePortfolioShareCommand)
      .callsFake((input) => (input.OrganizationNode ? { PortfolioShareToken: 'share-token-org' } : {}));
    mock
      .on(DescribePortfolioShareStatusCommand)
      .resolvesOnce({ Status: 'NOT_STARTED' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['o-abcdefghij'] } });
    const s = state(account({ sc }));
    const done = await REMOVAL_RUNNERS.shares(s, step(planRemoval(s.facts), 'shares'));
    expect(done).toMatchObject({ outcome: 'removed' });
    expect(done.detail).toContain('removed 2 share(s) of portfolio port-abc123');
    expect(mock.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(3);
    expect(mock.commandCalls(DeletePortfolioShareCommand).map((c) => c.args[0].input)).toEqual([
      { PortfolioId: 'port-abc123', OrganizationNode: { Type: 'ORGANIZATION', Value: 'o-abcdefghij' } },
      { PortfolioId: 'port-abc123', AccountId: '999988887777' },
    ]);
  });

  it('fails before the portfolio when an organization share removal ends in ERROR', async () => {
    const sc = new ServiceCatalogClient(config);
    const mock = mockClient(sc);
    mock.on(DeletePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-org' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'ERROR',
      ShareDetails: {
        ShareErrors: [
          {
            Accounts: ['999988887777'],
            Message: 'Organizations access is disabled',
            Error: 'InvalidStateException',
          },
        ],
      },
    });
    const s = state(
      account({ sc }),
      installed({
        shares: present([
          { type: 'ORGANIZATION', principalId: 'o-abcdefghij', accepted: true, sharePrincipals: true },
        ]),
      }),
    );
    const error = await REMOVAL_RUNNERS.shares(s, step(planRemoval(s.facts), 'shares')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain(
      'organization o-abcdefghij (with principal sharing): failed (Organizations access is disabled [accounts 999988887777])',
    );
    expect((error as OperationError).hint).toContain('The portfolio was not deleted');
  });

  it('does not take a DeleteObjects response with per-key errors for success', async () => {
    const buckets = new Buckets();
    buckets.put(PRODUCT_BUCKET, 'products/security-notifications-0123456789abcdef.yaml');
    buckets.put(PRODUCT_BUCKET, 'legal-hold/contract.pdf');
    buckets.refuse.add('legal-hold/contract.pdf');
    const stack = new ScriptedStack('SecurityNotifications-SC-Bucket', []);
    const s = state(account({ cfn: stack.cfn, s3: buckets.s3 }));
    const error = await REMOVAL_RUNNERS['empty-buckets'](
      s,
      step(planRemoval(s.facts), 'empty-buckets'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `bucket ${PRODUCT_BUCKET}: S3 refused to delete 1 object version.*legal-hold/contract.pdf \\(version v\\w+\\): AccessDenied Access Denied`,
      ),
    );
    expect((error as OperationError).hint).toContain('The bucket stack was not deleted');
    expect(buckets.contents.get(PRODUCT_BUCKET)?.map((v) => v.Key)).toEqual(['legal-hold/contract.pdf']);
    expect(stack.deletes).toBe(0);
  });
});
