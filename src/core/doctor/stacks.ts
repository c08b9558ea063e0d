// The installation's stacks: a stack left in a failed or busy state, with what `install` can and cannot get
// past, and the exact command that unblocks it.

import { isInProgress } from '../stack-status.js';
import { check, couldNotCheck, type DoctorCheck, type DoctorStack } from './model.js';

/** CloudFormation stack status → verdict and remedy, from what `install` can and cannot get past. */
export function stackCheck(stack: DoctorStack): DoctorCheck {
  const id = `stack:${stack.role}`;
  const title = `Stack ${stack.stackName} (${stack.account} account, ${stack.region})`;
  const where = `--stack-name ${stack.stackName} --region ${stack.region}`;
  const consolePath = `console: CloudFormation in ${stack.region} > Stacks > ${stack.stackName} > Events`;
  const found = stack.stack;
  if (found.state === 'unknown') {
    return couldNotCheck(
      id,
      title,
      found.error,
      `Allow cloudformation:DescribeStacks, or look in the ${consolePath}.`,
    );
  }
  // REVIEW_IN_PROGRESS (a change set never executed) holds nothing yet: the AWS layer reports it absent.
  if (found.state === 'absent' || found.value.status === 'REVIEW_IN_PROGRESS') {
    return check({ id, title, verdict: 'pass', reason: 'Not deployed yet.' });
  }
  const { status, statusReason } = found.value;
  const because = statusReason ? ` (${statusReason})` : '';
  switch (status) {
    case 'ROLLBACK_COMPLETE':
      return check({
        id,
        title,
        verdict: 'warn',
        reason: `ROLLBACK_COMPLETE: its first creation failed${because}. It cannot be updated, only replaced.`,
        remedy: `secnotify install deletes and re-creates it; or: aws cloudformation delete-stack ${where}`,
      });
    case 'UPDATE_ROLLBACK_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `UPDATE_ROLLBACK_FAILED${because}: the stack can be neither updated nor deleted until the rollback finishes.`,
        remedy: `aws cloudformation continue-update-rollback ${where} (add --resources-to-skip <logical IDs> for resources that cannot roll back; ${consolePath})`,
        blocking: true,
      });
    case 'UPDATE_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `UPDATE_FAILED${because}: an update with rollback disabled stopped half way.`,
        remedy: `aws cloudformation rollback-stack ${where} (${consolePath})`,
        blocking: true,
      });
    case 'CREATE_FAILED':
    case 'ROLLBACK_FAILED':
    case 'DELETE_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `${status}${because}.`,
        remedy: `Find the failed resources (aws cloudformation describe-stack-events ${where}, or the ${consolePath}), fix or retain them, then: aws cloudformation delete-stack ${where} (--retain-resources <logical IDs> keeps the ones that cannot be deleted)`,
        blocking: true,
      });
    default:
      if (isInProgress(status)) {
        return check({
          id,
          title,
          verdict: 'warn',
          reason: `${status}${because}: an operation is running.`,
          remedy: `Wait for it to finish (aws cloudformation describe-stacks ${where}, or the ${consolePath}); install waits for it.`,
        });
      }
      return check({ id, title, verdict: 'pass', reason: `${status}.` });
  }
}
