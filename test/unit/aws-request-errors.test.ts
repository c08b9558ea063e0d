// Requests that never reached AWS, or got an answer that is not AWS's, become one clear message; an
// error code the SDK did read (S3's bodiless 404) stays for the caller. And the --debug line format.
import { describe, expect, it } from 'vitest';
import {
  EndpointNotImplementedError,
  networkFailureCode,
  translateAwsError,
} from '../../src/aws/aws-errors.js';
import { formatAwsRequest } from '../../src/aws/request-log.js';
import { OperationError } from '../../src/core/errors.js';

const context = { action: 'sts:GetCallerIdentity', endpoint: 'https://sts.eu-centrl-1.amazonaws.com' };
const sdkError = (
  name: string,
  message: string,
  response?: { statusCode: number; headers: Record<string, string> },
) => Object.assign(new Error(message), { name, ...(response ? { $response: response } : {}) });

describe('translateAwsError: network and non-AWS answers', () => {
  it('a host name that does not resolve: cannot reach AWS at …, pointing at the Region', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-centrl-1.amazonaws.com'), {
      code: 'ENOTFOUND',
    });
    const out = translateAwsError(error, context) as OperationError;
    expect(out).toBeInstanceOf(OperationError);
    expect(out.message).toBe(
      'Cannot reach AWS at https://sts.eu-centrl-1.amazonaws.com for sts:GetCallerIdentity (ENOTFOUND: the host name does not resolve).',
    );
    expect(out.hint).toContain('--region');
  });
  it('refused connections and SDK timeouts are network failures too', () => {
    expect(networkFailureCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(networkFailureCode(sdkError('TimeoutError', 'Connection timed out after 1000 ms'))).toBe(
      'TimeoutError',
    );
    expect(networkFailureCode(sdkError('AccessDenied', 'no'))).toBeUndefined();
  });
  it('an HTML page the SDK could not read becomes "a non-AWS page"', () => {
    const html = sdkError('Unknown', 'Unknown', {
      statusCode: 502,
      headers: { 'content-type': 'text/html' },
    });
    const out = translateAwsError(html, context);
    expect(out).toBeInstanceOf(EndpointNotImplementedError);
    expect((out as Error).message).toBe(
      'The endpoint at https://sts.eu-centrl-1.amazonaws.com answered with a non-AWS page (HTTP 502): it does not implement sts:GetCallerIdentity, or it is not AWS (a proxy or captive portal?).',
    );
  });
  it("an error code the SDK did read stays the caller's (S3 HeadObject's bodiless 404)", () => {
    const notFound = sdkError('NotFound', 'NotFound', {
      statusCode: 404,
      headers: { 'content-type': 'text/html' },
    });
    expect(translateAwsError(notFound, { action: 's3:HeadObject' })).toBe(notFound);
  });
});

describe('--debug request lines', () => {
  it('name service, operation, Region, endpoint, status, duration and retries, nothing else', () => {
    expect(
      formatAwsRequest({
        service: 'cloudformation',
        operation: 'DescribeStacks',
        region: 'eu-west-1',
        endpoint: 'https://cloudformation.eu-west-1.amazonaws.com',
        status: 400,
        ms: 87,
        attempt: 2,
      }),
    ).toBe(
      'AWS cloudformation DescribeStacks eu-west-1 https://cloudformation.eu-west-1.amazonaws.com → 400 in 87 ms, attempt 2',
    );
    expect(
      formatAwsRequest({
        service: 'sts',
        operation: 'GetCallerIdentity',
        region: 'eu-west-1',
        endpoint: 'x',
        failure: 'ENOTFOUND',
        ms: 3,
        attempt: 1,
      }),
    ).toBe('AWS sts GetCallerIdentity eu-west-1 x → no answer (ENOTFOUND) in 3 ms');
  });
});
