// Finding the Identity Center instance and its home region. moto answers ListInstances with one default
// instance in every region, so the region search can only be exercised against mocks.
import { AccessDeniedException, ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  findIdentityCenterHomeRegion,
  findIdentityCenterInstance,
  identityCenterCandidateRegions,
} from '../../src/aws/identity-center.js';
import { OperationError } from '../../src/core/errors.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const ORG_INSTANCE = {
  InstanceArn: 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6',
  IdentityStoreId: 'd-9067abcdef',
  OwnerAccountId: '111111111111',
  Status: 'ACTIVE' as const,
};

/** One client per region; only `homeRegion` has an instance; `broken` regions fail. */
function regions(homeRegion: string | undefined, broken: string[] = []) {
  const asked: string[] = [];
  const makeClient = (region: string) => {
    asked.push(region);
    const client = new SSOAdminClient({ region, credentials });
    const mock = mockClient(client);
    if (broken.includes(region)) {
      mock
        .on(ListInstancesCommand)
        .rejects(new Error('The security token included in the request is invalid'));
    } else {
      mock.on(ListInstancesCommand).resolves({ Instances: region === homeRegion ? [ORG_INSTANCE] : [] });
    }
    return client;
  };
  return { asked, makeClient };
}

describe('findIdentityCenterInstance', () => {
  it("returns the instance with the client's region as home region", async () => {
    const client = new SSOAdminClient({ region: 'eu-central-1', credentials });
    mockClient(client)
      .on(ListInstancesCommand)
      .resolves({ Instances: [ORG_INSTANCE] });
    expect(await findIdentityCenterInstance(client)).toEqual({
      instanceArn: ORG_INSTANCE.InstanceArn,
      identityStoreId: 'd-9067abcdef',
      ownerAccountId: '111111111111',
      homeRegion: 'eu-central-1',
    });
  });

  it('takes the primary region of a multi-region instance, wherever it was asked', async () => {
    const client = new SSOAdminClient({ region: 'eu-west-1', credentials });
    mockClient(client)
      .on(ListInstancesCommand)
      .resolves({ Instances: [{ ...ORG_INSTANCE, PrimaryRegion: 'us-east-1' }] });
    expect((await findIdentityCenterInstance(client))?.homeRegion).toBe('us-east-1');
  });

  it('prefers the given owner (the organization instance) over account instances, and skips inactive ones', async () => {
    const client = new SSOAdminClient({ region: 'eu-west-1', credentials });
    mockClient(client)
      .on(ListInstancesCommand)
      .resolvesOnce({
        Instances: [
          {
            ...ORG_INSTANCE,
            InstanceArn: 'arn:aws:sso:::instance/ssoins-deleting00000000',
            Status: 'DELETE_IN_PROGRESS',
          },
          {
            ...ORG_INSTANCE,
            InstanceArn: 'arn:aws:sso:::instance/ssoins-account000000000',
            OwnerAccountId: '222222222222',
          },
        ],
        NextToken: 'n',
      })
      .resolves({ Instances: [ORG_INSTANCE] });
    const found = await findIdentityCenterInstance(client, { preferOwner: '111111111111' });
    expect(found?.instanceArn).toBe(ORG_INSTANCE.InstanceArn);
  });

  it('is undefined where there is no instance, and access denied is an OperationError', async () => {
    const client = new SSOAdminClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock.on(ListInstancesCommand).resolves({ Instances: [] });
    expect(await findIdentityCenterInstance(client)).toBeUndefined();
    mock.on(ListInstancesCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));
    await expect(findIdentityCenterInstance(client)).rejects.toBeInstanceOf(OperationError);
  });
});

describe('findIdentityCenterHomeRegion', () => {
  it('asks only the current region when the instance is there', async () => {
    const { asked, makeClient } = regions('eu-west-1');
    const found = await findIdentityCenterHomeRegion(makeClient, ['eu-west-1', 'us-east-1', 'eu-central-1']);
    expect(found?.region).toBe('eu-west-1');
    expect(asked).toEqual(['eu-west-1']);
  });

  it('searches the other candidates a few at a time and stops at the batch that finds it', async () => {
    const { asked, makeClient } = regions('eu-central-1', ['ap-south-1']);
    const skipped: string[] = [];
    const candidates = identityCenterCandidateRegions('eu-west-1', 'aws');
    const found = await findIdentityCenterHomeRegion(makeClient, candidates, {
      concurrency: 3,
      onRegionSkipped: (region) => skipped.push(region),
    });
    expect(found).toMatchObject({
      region: 'eu-central-1',
      instance: { instanceArn: ORG_INSTANCE.InstanceArn },
    });
    // eu-west-1 first, then us-east-1, us-east-2, us-west-2, then the batch holding eu-central-1
    expect(asked[0]).toBe('eu-west-1');
    expect(asked).toContain('eu-central-1');
    expect(asked.length).toBeLessThan(candidates.length);
    expect(asked.length).toBe(1 + 3 * 2);
    expect(skipped).toEqual([]);
  });

  it('skips candidates that fail (regions not enabled) but not the current region', async () => {
    const { makeClient } = regions('us-west-2', ['us-east-1']);
    const skipped: string[] = [];
    const found = await findIdentityCenterHomeRegion(makeClient, ['eu-west-1', 'us-east-1', 'us-west-2'], {
      onRegionSkipped: (region) => skipped.push(region),
    });
    expect(found?.region).toBe('us-west-2');
    expect(skipped).toEqual(['us-east-1']);

    const broken = regions('us-west-2', ['eu-west-1']);
    await expect(findIdentityCenterHomeRegion(broken.makeClient, ['eu-west-1', 'us-west-2'])).rejects.toThrow(
      'security token',
    );
  });

  it('gives up after maxRegions and returns undefined when no region has an instance', async () => {
    const { asked, makeClient } = regions(undefined);
    expect(
      await findIdentityCenterHomeRegion(makeClient, ['a-1', 'b-1', 'c-1', 'd-1'], { maxRegions: 2 }),
    ).toBe(undefined);
    expect(asked).toEqual(['a-1', 'b-1']);
  });

  it('offers candidates of the right partition, current region first', () => {
    expect(identityCenterCandidateRegions('cn-northwest-1', 'aws-cn')).toEqual([
      'cn-northwest-1',
      'cn-north-1',
    ]);
    expect(identityCenterCandidateRegions('us-gov-west-1', 'aws-us-gov')).toEqual([
      'us-gov-west-1',
      'us-gov-east-1',
    ]);
    const commercial = identityCenterCandidateRegions('eu-west-1');
    expect(commercial[0]).toBe('eu-west-1');
    expect(commercial.filter((r) => r === 'eu-west-1')).toHaveLength(1);
    expect(commercial).toContain('us-east-1');
  });
});
