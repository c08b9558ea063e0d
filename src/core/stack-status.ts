// What a CloudFormation stack status means, in one place (as CDK's StackStatus): in progress, busy,
// settled, failed, a failed first create — and which resource failures are only noise.
// Status values: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html

/** Any `*_IN_PROGRESS`, including REVIEW_IN_PROGRESS (a stack that holds only a change set). */
export function isInProgress(status: string | undefined): boolean {
  return Boolean(status?.endsWith('_IN_PROGRESS'));
}

/** An operation is running on the stack; REVIEW_IN_PROGRESS is not one (nothing runs until execution). */
export function isBusy(status: string | undefined): boolean {
  return isInProgress(status) && status !== 'REVIEW_IN_PROGRESS';
}

/** No operation runs and none is pending: `*_COMPLETE` or `*_FAILED`. */
export function isSettled(status: string | undefined): boolean {
  return status !== undefined && !isInProgress(status);
}

/** The end state of a failed operation (the stack was rolled back, or could not be). */
export function isFailed(status: string): boolean {
  return !isInProgress(status) && (status.endsWith('_FAILED') || status.includes('ROLLBACK'));
}

/**
 * A first create that failed: ROLLBACK_COMPLETE (or ROLLBACK_FAILED) holds no usable resources and the
 * stack "can only be deleted" (AWS: Troubleshooting CloudFormation, "Stack ... is in ROLLBACK_COMPLETE state
 * and can not be updated").
 */
export function isRollbackComplete(status: string | undefined): boolean {
  return status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED';
}

/**
 * When one resource fails, CloudFormation cancels the others that were in flight and reports each as
 * `*_FAILED` with "Resource creation cancelled": a consequence, not a cause, so never listed as a failure.
 */
export const CANCELLED_NOISE = /^Resource (creation|update|deletion) cancelled/i;

/** A resource event that names a cause of failure (not the cancellation of a sibling). */
export function isResourceFailure(status: string, reason: string | undefined): boolean {
  return status.endsWith('_FAILED') && !CANCELLED_NOISE.test(reason ?? '');
}
