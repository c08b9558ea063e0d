// What a user sees when the SDK fails for a reason they can fix: credentials, permissions, region.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { translateAwsError, withAwsErrors } from '../../src/aws/aws-errors.js';
import { createAwsContext } from '../../src/aws/clients.js';
import { describeStack } from '../../src/aws/stacks.js';
import { ExitCode, OperationError, UsageError } from '../../src/core/errors.js';

function serviceError(name: string, message: string, status = 400): Error {
  return new CloudFormationServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
}

describe('translateAwsError', () => {
  it('expired credentials: names the profile, tells how to log in again, exit code 1', async () => {
    // A real client from createAwsContext against a local endpoint that answers like STS-expired credentials,
    // so the translation installed in the client's middleware is what is tested.
    const server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const context = await createAwsContext(
      {
        profile: 'hub-admin',
        region: 'eu-west-1',
        endpointUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'old' },
      },
      {},
    );
    try {
      const cfn = await context.cloudformation();
      const error = await describeStack(cfn, 'SecurityNotifications-SC-Bucket').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OperationError);
      const failure = error as OperationError;
      expect(failure.exitCode).toBe(ExitCode.Failure);
      expect(failure.message).toContain('AWS credentials of profile "hub-admin" are expired or invalid');
      expect(failure.message).toContain('The security token included in the request is expired');
      expect(failure.message).toContain('run `aws sso login --profile hub-admin`');
    } finally {
      context.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a mocked call translated by withAwsErrors gives the same advice', async () => {
    const cfn = new CloudFormationClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    mockClient(cfn)
      .on(DescribeStacksCommand)
      .rejects(serviceError('ExpiredToken', 'The security token included in the request is expired'));
    const error = await withAwsErrors({ profile: 'ci' }, () =>
      cfn.send(new DescribeStacksCommand({ StackName: 'x' })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain('aws sso login --profile ci');
  });

  it.each([
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
  ])('%s is a credentials problem', (name, message) => {
    const translated = translateAwsError(serviceError(name, message), {}, {});
    expect(translated).toBeInstanceOf(OperationError);
    expect((translated as Error).message).toMatch(/^AWS credentials are expired or invalid/);
    expect((translated as Error).message).toContain('aws sso login');
  });

  it('an SSO session that ran out (a credential provider error) uses AWS_PROFILE in the advice', () => {
    const sso = Object.assign(
      new Error(
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      { name: 'CredentialsProviderError' },
    );
    const translated = translateAwsError(sso, {}, { AWS_PROFILE: 'mgmt' }) as Error;
    expect(translated).toBeInstanceOf(OperationError);
    expect(translated.message).toContain('profile "mgmt" are expired or invalid');
    expect(translated.message).toContain('aws sso login --profile mgmt');
  });

  it('no credentials at all says they were not found', () => {
    const none = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const translated = translateAwsError(none, {}, {}) as Error;
    expect(translated.message).toMatch(/^AWS credentials were not found/);
  });

  it('access denied names the action from the IAM message, or the one the caller gave', () => {
    const iam = serviceError(
      'AccessDenied',
      'User: arn:aws:sts::111122223333:assumed-role/Dev/me is not authorized to perform: cloudformation:CreateChangeSet on resource: arn:aws:cloudformation:eu-west-1:111122223333:stack/X/* because no identity-based policy allows the cloudformation:CreateChangeSet action',
      403,
    );
    const fromMessage = translateAwsError(iam, { action: 'cloudformation:Other' }) as OperationError;
    expect(fromMessage).toBeInstanceOf(OperationError);
    expect(fromMessage.exitCode).toBe(1);
    expect(fromMessage.message).toMatch(
      /^Access denied: the credentials in use may not call cloudformation:CreateChangeSet on arn:aws:cloudformation:eu-west-1:111122223333:stack\/X\/\*/,
    );
    const bare = translateAwsError(serviceError('AccessDeniedException', 'Access denied', 403), {
      action: 'organizations:DescribeOrganization',
    }) as OperationError;
    expect(bare.message).toContain('may not call organizations:DescribeOrganization');
  });

  it('other errors pass through untouched', () => {
    const other = serviceError('ValidationError', 'Template format error');
    expect(translateAwsError(other, { action: 'cloudformation:CreateChangeSet' })).toBe(other);
    const plain = new Error('socket hang up');
    expect(translateAwsError(plain)).toBe(plain);
  });
});

describe('createAwsContext region resolution', () => {
  const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

  // The SDK reads the shared config files named by the process environment, so point it at test files.
  function withConfigFile(text: string): void {
    const dir = mkdtempSync(join(tmpdir(), 'secnotify-config-'));
    writeFileSync(join(dir, 'config'), text);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
  }
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('without --region, AWS_REGION or a profile region it fails with a usage error naming --region', async () => {
    withConfigFile('[default]\noutput = json\n');
    const error = await createAwsContext({ credentials }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe('--region');
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((error as UsageError).message).toContain('neither --region nor AWS_REGION is set');
  });

  it("falls back to the profile's region in the shared config file", async () => {
    withConfigFile('[profile hub]\nregion = ap-southeast-2\n');
    expect((await createAwsContext({ credentials, profile: 'hub' }, {})).region).toBe('ap-southeast-2');
  });

  it('takes --region first, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    const env = { AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' };
    expect((await createAwsContext({ credentials, region: 'eu-central-1' }, env)).region).toBe(
      'eu-central-1',
    );
    expect((await createAwsContext({ credentials }, env)).region).toBe('eu-west-2');
    expect((await createAwsContext({ credentials }, { AWS_DEFAULT_REGION: 'eu-west-3' })).region).toBe(
      'eu-west-3',
    );
  });

  it('rejects a malformed region and endpoint as usage errors', async () => {
    await expect(createAwsContext({ credentials, region: 'Ireland' }, {})).rejects.toBeInstanceOf(UsageError);
    await expect(
      createAwsContext({ credentials, region: 'eu-west-1', endpointUrl: 'localhost:5000' }, {}),
    ).rejects.toMatchObject({ field: '--endpoint-url' });
  });
});
