// Credentials and region, and who is calling: the checks every other check needs.
import { valueIfKnown } from '../facts.js';
import { type AccountFacts, check, type DoctorCheck, type DoctorFacts, type DoctorScope } from './model.js';

/** The credential checks, and the hub's identity when its credentials work. */
export function credentialChecks(
  facts: DoctorFacts,
  profileFlag: string,
): { checks: DoctorCheck[]; hub?: AccountFacts } {
  const checks: DoctorCheck[] = [];
  const hub = valueIfKnown(facts.hub);
  if (!hub) {
    checks.push(
      check({
        id: 'credentials',
        title: 'Credentials and region',
        verdict: 'fail',
        reason: facts.hub.state === 'unknown' ? facts.hub.error.message : 'No caller identity.',
        // The message already carries the specific advice; the remedy is the same for every cause.
        remedy: `Give working credentials and a region: ${profileFlag} <profile> --region <region>, or AWS_PROFILE / AWS_REGION; for IAM Identity Center profiles run \`aws sso login --profile <profile>\` first.`,
        blocking: true,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'credentials',
        title: 'Credentials and region',
        verdict: 'pass',
        reason: `Signed in as ${hub.arn} in ${hub.region}.`,
      }),
    );
  }
  if (facts.management?.state === 'unknown') {
    checks.push(
      check({
        id: 'management-credentials',
        title: 'Management account credentials (--management-profile)',
        verdict: 'fail',
        reason: facts.management.error.message,
        remedy:
          facts.management.error.hint ??
          'Check the profile given as --management-profile: run `aws sso login --profile <profile>` or refresh its credentials.',
        blocking: true,
      }),
    );
  }
  return hub ? { checks, hub } : { checks };
}

export function callerCheck({ hub, org, hubIsManagement }: DoctorScope): DoctorCheck {
  return check({
    id: 'caller-account',
    title: 'Caller account',
    verdict: 'pass',
    reason: !org
      ? `Account ${hub.accountId}; its organization is unknown (see the next check).`
      : hubIsManagement
        ? `Account ${hub.accountId} is the management account of organization ${org.id}.`
        : `Account ${hub.accountId} is a member of organization ${org.id} (management account ${org.managementAccountId}).`,
  });
}
