// Security Hub in the hub region: enabled, which edition (ASFF and/or OCSF findings), and cross-Region
// aggregation.
import { check, couldNotCheck, type DoctorCheck, type DoctorScope, skipped } from './model.js';

export function securityHubChecks({ facts, hub }: DoctorScope): DoctorCheck[] {
  const region = hub.region;
  const out: DoctorCheck[] = [];
  const remedy = `aws securityhub enable-security-hub --region ${region} (console: Security Hub CSPM in ${region} > Enable Security Hub CSPM)`;
  const cspm = facts.securityHub;
  const v2 = facts.securityHubV2;
  const v2On = v2 && v2.state !== 'unknown' ? v2.state === 'present' : undefined;
  const title = `Security Hub enabled in ${region}`;
  if (!cspm) {
    out.push(skipped('security-hub', title, 'Not looked up.'));
  } else if (cspm.state === 'unknown') {
    out.push(
      couldNotCheck(
        'security-hub',
        title,
        cspm.error,
        `Allow securityhub:DescribeHub, or check in the console: Security Hub CSPM in ${region}.`,
      ),
    );
  } else if (cspm.state === 'absent') {
    out.push(
      check({
        id: 'security-hub',
        title,
        verdict: v2On ? 'warn' : 'fail',
        reason: v2On
          ? `Security Hub CSPM is not enabled in ${region}; only the OCSF-based Security Hub is, which emits "Findings Imported V2" events, not the ASFF "Security Hub Findings - Imported" events of CSPM.`
          : `Security Hub is not enabled in ${region} for this account: no findings, no notifications.`,
        remedy,
      }),
    );
  } else {
    out.push(
      check({
        id: 'security-hub',
        title,
        verdict: 'pass',
        reason: `Security Hub CSPM is enabled (${cspm.value.hubArn}${cspm.value.subscribedAt ? `, since ${cspm.value.subscribedAt}` : ''}).`,
      }),
    );
  }

  const editionTitle = 'Security Hub edition (OCSF Security Hub / Security Hub CSPM)';
  if (!v2) {
    out.push(skipped('security-hub-edition', editionTitle, 'Not looked up.'));
  } else if (v2.state === 'unknown') {
    out.push(
      couldNotCheck(
        'security-hub-edition',
        editionTitle,
        v2.error,
        `Allow securityhub:DescribeSecurityHubV2, or look in the console: Security Hub in ${region}.`,
      ),
    );
  } else {
    const cspmOn = cspm && cspm.state !== 'unknown' ? cspm.state === 'present' : undefined;
    const v2Present = v2.state === 'present';
    const parts = [
      `the OCSF-based Security Hub is ${v2Present ? 'on' : 'off'}`,
      `Security Hub CSPM is ${cspmOn === undefined ? 'unknown' : cspmOn ? 'on' : 'off'}`,
    ];
    out.push(
      check({
        id: 'security-hub-edition',
        title: editionTitle,
        verdict: 'pass',
        reason: `In ${region}: ${parts.join('; ')}.${v2Present && cspmOn ? ' Findings arrive in both formats (ASFF and OCSF events).' : ''}${!v2Present && cspmOn ? ' Only ASFF findings (Security Hub CSPM) are emitted.' : ''}`,
      }),
    );
  }

  const aggTitle = 'Security Hub cross-Region aggregation';
  const agg = facts.aggregation;
  if (!agg) {
    out.push(skipped('aggregation', aggTitle, 'Not looked up.'));
  } else if (agg.state === 'unknown') {
    out.push(
      couldNotCheck(
        'aggregation',
        aggTitle,
        agg.error,
        'Look in the console of the Security Hub administrator account: Security Hub CSPM > Settings > Regions.',
      ),
    );
  } else if (agg.state === 'absent') {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'pass',
        reason: `Off: subscriptions launched in ${region} receive the findings of ${region} only; install in every Region you want covered, or turn aggregation on.`,
      }),
    );
  } else if (agg.value.region !== region) {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'warn',
        reason: `On, aggregating into ${agg.value.region} (${agg.value.linkingMode ?? 'linking mode unknown'}${agg.value.regions.length ? `: ${agg.value.regions.join(', ')}` : ''}), not into ${region}: subscriptions in ${region} miss the findings of the other linked Regions.`,
        remedy: `Install the product in the aggregation Region: --region ${agg.value.region}.`,
      }),
    );
  } else {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'pass',
        reason: `On, aggregating into ${region} (${agg.value.linkingMode ?? 'linking mode unknown'}${agg.value.regions.length ? `: ${agg.value.regions.join(', ')}` : ''}).`,
      }),
    );
  }
  return out;
}
