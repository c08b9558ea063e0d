// The hub launch-role check: iam:GetRole answers "exists", NoSuchEntity (documented for GetRole) means
// "absent", and anything else is a failure naming the action, never a guess.
import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { roleLookup } from '../../src/aws/iam-roles.js';

const iam = mockClient(IAMClient);
const lookup = roleLookup({ iam: async () => new IAMClient({ region: 'eu-west-1' }) });
const ROLE = 'SecurityHubNotificationsServiceCatalogLaunchRole';

afterEach(() => iam.reset());

describe('roleLookup (iam:GetRole in the hub)', () => {
  it('a role that exists is found, asked for by its exact name', async () => {
    iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: ROLE,
        Path: '/',
        RoleId: 'AROAEXAMPLE',
        Arn: `arn:aws:iam::111122223333:role/${ROLE}`,
        CreateDate: new Date(),
      },
    });
    await expect(lookup(ROLE)).resolves.toBe(true);
    expect(iam.commandCalls(GetRoleCommand)[0]!.args[0].input).toEqual({ RoleName: ROLE });
  });

  it('NoSuchEntity means the role is absent', async () => {
    iam
      .on(GetRoleCommand)
      .rejects(new NoSuchEntityException({ message: `The role ${ROLE} cannot be found.`, $metadata: {} }));
    await expect(lookup(ROLE)).resolves.toBe(false);
  });

  it('any other answer is an error naming iam:GetRole, not "absent"', async () => {
    iam.on(GetRoleCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: iam:GetRole'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(lookup(ROLE)).rejects.toThrow(/iam:GetRole/);
  });
});
