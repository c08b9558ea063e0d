// The organization the product is shared across: all features, the hub being a member account, Service
// Catalog's organization access, the hub as delegated administrator, and StackSets trusted access.

import { isDenied } from '../facts.js';
import {
  check,
  couldNotCheck,
  type DoctorCheck,
  type DoctorScope,
  MANAGEMENT_HINT,
  SC_PRINCIPAL,
  skipped,
} from './model.js';

export function organizationChecks(scope: DoctorScope): DoctorCheck[] {
  return [
    allFeaturesCheck(scope),
    hubNotManagementCheck(scope),
    serviceCatalogAccessCheck(scope),
    delegatedAdminCheck(scope),
    stackSetsAccessCheck(scope),
  ];
}

function allFeaturesCheck({ facts, hub, org }: DoctorScope): DoctorCheck {
  const id = 'organization-all-features';
  const title = 'AWS Organizations with all features';
  const organization = facts.organization;
  if (!organization) return skipped(id, title, 'Not looked up.');
  if (organization.state === 'unknown') {
    return couldNotCheck(
      id,
      title,
      organization.error,
      'Allow organizations:DescribeOrganization to these credentials, or run with the management account.',
    );
  }
  if (!org) {
    return check({
      id,
      title,
      verdict: 'fail',
      reason: `Account ${hub.accountId} is not in an AWS Organization; the product is shared across an organization.`,
      remedy:
        'In the account that is to be the management account: aws organizations create-organization --feature-set ALL (console: AWS Organizations > Create an organization), then invite or create the member accounts.',
      blocking: true,
    });
  }
  if (org.featureSet !== 'ALL') {
    return check({
      id,
      title,
      verdict: 'fail',
      reason: `Organization ${org.id} uses only consolidated billing (${org.featureSet}); Service Catalog sharing, delegated administrators and StackSets need all features.`,
      remedy:
        'From the management account: aws organizations enable-all-features (console: AWS Organizations > Settings > Begin process to enable all features); every invited member account must then accept.',
      blocking: true,
    });
  }
  return check({ id, title, verdict: 'pass', reason: `Organization ${org.id} has all features enabled.` });
}

function hubNotManagementCheck({ hub, org, hubIsManagement, profileFlag }: DoctorScope): DoctorCheck {
  const id = 'hub-not-management';
  const title = 'Hub account is not the management account';
  if (!org) return skipped(id, title, 'Needs the organization (see above).');
  if (hubIsManagement) {
    return check({
      id,
      title,
      verdict: 'fail',
      reason: `The credentials in use (${profileFlag}) belong to the management account ${hub.accountId}; the product's bucket and portfolio must live in a member account (the hub).`,
      remedy: `Use a member account as the hub: ${profileFlag} <hub account profile> --management-profile <this management profile>; install registers the hub as Service Catalog delegated administrator (or run from the management account: aws organizations register-delegated-administrator --account-id <hub account ID> --service-principal ${SC_PRINCIPAL}).`,
      blocking: true,
    });
  }
  return check({ id, title, verdict: 'pass', reason: `Hub account ${hub.accountId} is a member account.` });
}

function serviceCatalogAccessCheck({ facts, hub, management }: DoctorScope): DoctorCheck {
  const id = 'service-catalog-org-access';
  const title = "Service Catalog's AWS Organizations access";
  const remedy = `secnotify install --management-profile <profile> enables it; or from the management account: aws servicecatalog enable-aws-organizations-access --region ${hub.region} (console: Service Catalog > Settings > AWS Organizations > Enable)`;
  const sc = facts.serviceCatalogAccess;
  if (!sc || sc.state === 'absent') return skipped(id, title, 'Needs the organization (see above).');
  if (sc.state === 'unknown') {
    const base = couldNotCheck(id, title, sc.error, management ? remedy : MANAGEMENT_HINT);
    if (management || !isDenied(sc.error)) return base;
    return {
      ...base,
      reason: `Could not check from the hub account: only the management account or a Service Catalog delegated administrator may ask (${sc.error.name}: ${sc.error.message}).`,
    };
  }
  if (sc.value.status !== 'ENABLED') {
    const reason = `Service Catalog's access to AWS Organizations is ${sc.value.status}: portfolios cannot be shared with the organization or OUs`;
    // install enables it with the management credentials; without them it cannot.
    return management
      ? check({ id, title, verdict: 'todo', reason: `${reason} until install enables it.`, remedy })
      : check({ id, title, verdict: 'fail', reason: `${reason}.`, remedy });
  }
  return check({
    id,
    title,
    verdict: 'pass',
    reason: `Enabled (asked with the ${sc.value.askedBy} account's credentials).`,
  });
}

function delegatedAdminCheck({ facts, hub, org, management, hubIsManagement }: DoctorScope): DoctorCheck {
  const id = 'delegated-admin';
  const title = 'Hub registered as Service Catalog delegated administrator';
  const remedy = `secnotify install --management-profile <profile> registers it; or from the management account: aws organizations register-delegated-administrator --account-id ${hub.accountId} --service-principal ${SC_PRINCIPAL}`;
  const da = facts.hubIsDelegatedAdmin;
  const sc = facts.serviceCatalogAccess;
  if (!org || hubIsManagement) {
    return skipped(
      id,
      title,
      hubIsManagement
        ? 'The hub is the management account (see above).'
        : 'Needs the organization (see above).',
    );
  }
  if (da?.state === 'present') {
    return da.value
      ? check({
          id,
          title,
          verdict: 'pass',
          reason: `Account ${hub.accountId} is a delegated administrator for ${SC_PRINCIPAL}.`,
        })
      : check({
          id,
          title,
          // Only the management account answers this, and install registers the hub with its credentials.
          verdict: management ? 'todo' : 'fail',
          reason: `Account ${hub.accountId} is not a delegated administrator for ${SC_PRINCIPAL}, so it cannot share the portfolio with the organization${management ? ' until install registers it' : ''}.`,
          remedy,
        });
  }
  if (da?.state === 'unknown') return couldNotCheck(id, title, da.error, remedy);
  if (sc?.state === 'present' && sc.value.askedBy === 'hub') {
    // Only the management account or a delegated administrator may read this status, so the hub is one.
    return check({
      id,
      title,
      verdict: 'pass',
      reason: `Account ${hub.accountId} may read Service Catalog's organization status, which only a delegated administrator (or the management account) can.`,
    });
  }
  return check({
    id,
    title,
    verdict: 'warn',
    reason: 'Cannot be verified with the hub account alone.',
    remedy: MANAGEMENT_HINT,
  });
}

function stackSetsAccessCheck({ facts, settings, management, hub }: DoctorScope): DoctorCheck {
  const id = 'stacksets-trusted-access';
  const title = 'CloudFormation StackSets trusted access';
  const remedy =
    'secnotify install --management-profile <profile> activates it; or from the management account: aws cloudformation activate-organizations-access (console: CloudFormation > StackSets > Activate trusted access)';
  const ss = facts.stackSetsAccess;
  if (!settings.launchRole) {
    return skipped(id, title, 'The launch-role StackSet is not used (--no-launch-role).');
  }
  // "Trusted access with AWS Organizations cannot currently be enabled for StackSets in the China (Beijing)
  // and (Ningxia) Regions" (CloudFormation User Guide, StackSets prerequisites, Japanese edition:
  // docs.aws.amazon.com/ja_jp/AWSCloudFormation/latest/UserGuide/stacksets-prereqs.html). A status seen
  // as ENABLED wins over that note.
  if (hub.partition === 'aws-cn' && !(ss?.state === 'present' && ss.value === 'ENABLED')) {
    return check({
      id,
      title,
      verdict: 'fail',
      reason: `In the China Regions (${hub.region}) trusted access between CloudFormation StackSets and AWS Organizations cannot be activated, so the service-managed launch-role StackSet cannot deploy.`,
      remedy:
        'Use --no-launch-role, and deploy templates/launch-role.yaml as a stack in each account that launches the product (secnotify render writes it).',
      blocking: true,
    });
  }
  if (!ss || ss.state === 'absent') {
    return check({
      id,
      title,
      verdict: 'warn',
      reason: 'Needs the management account, which is not among the credentials given.',
      remedy: MANAGEMENT_HINT,
    });
  }
  if (ss.state === 'unknown') return couldNotCheck(id, title, ss.error, remedy);
  if (ss.value === 'DISABLED_PERMANENTLY') {
    // Not something install can undo.
    return check({
      id,
      title,
      verdict: 'fail',
      reason: `Trusted access between CloudFormation StackSets and AWS Organizations is ${ss.value}: the service-managed launch-role StackSet cannot deploy.`,
      remedy,
      blocking: true,
    });
  }
  if (ss.value !== 'ENABLED') {
    const reason = `Trusted access between CloudFormation StackSets and AWS Organizations is ${ss.value}: the service-managed launch-role StackSet cannot deploy`;
    return management
      ? check({ id, title, verdict: 'todo', reason: `${reason} until install activates it.`, remedy })
      : check({ id, title, verdict: 'fail', reason: `${reason}.`, remedy });
  }
  return check({ id, title, verdict: 'pass', reason: 'Activated.' });
}
