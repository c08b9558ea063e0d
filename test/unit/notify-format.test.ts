import { describe, expect, it } from 'vitest';
import {
  consoleUrl,
  type EmailSettings,
  emailsForEvent,
  findingLink,
  formatTime,
  parseFindings,
  planEmails,
  toAscii,
} from '../../src/notify/format.js';
import { fixtureFiles, loadFixture } from '../support/fixtures.js';

const load = loadFixture;
const listJson = fixtureFiles;
const allFixtures = [...listJson('events/asff'), ...listJson('events/ocsf'), ...listJson('findings/asff')];

const plain: EmailSettings = { timeZone: 'UTC', skipRepeated: false };
const withIdc: EmailSettings = {
  timeZone: 'Europe/Berlin',
  idcSubdomain: 'd-abcd1234',
  permissionSet: 'SubscribeToSecurityNotifications',
  skipRepeated: false,
};
const SNS_MAX = 262144;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('every fixture', () => {
  it('has fixtures of every kind the brief asks for', () => {
    expect(listJson('events/asff').length).toBeGreaterThanOrEqual(20);
    expect(listJson('events/ocsf').length).toBeGreaterThanOrEqual(5);
    expect(listJson('findings/asff').length).toBeGreaterThanOrEqual(60);
  });

  it.each(allFixtures)('%s: an SNS-valid e-mail per finding with the facts a subscriber needs', (path) => {
    const input = load(path);
    const { findings } = parseFindings(input);
    const emails = emailsForEvent(input, withIdc);
    expect(emails).toHaveLength(findings.length);
    emails.forEach((email, i) => {
      const f = findings[i]!;
      expect(email.subject).toMatch(/^[\x20-\x7e]+$/);
      expect(email.subject.length).toBeLessThanOrEqual(99);
      expect(email.subject).toMatch(
        /^(Critical|High|Medium|Low|Informational) severity [a-z ]+ Security Hub finding on /,
      );
      expect(email.subject).toContain(f.accountName ?? f.accountId);
      expect(bytes(email.message) + bytes(email.subject)).toBeLessThan(SNS_MAX);
      const m = email.message;
      expect(m).toContain(`Severity:    ${f.severity}`);
      expect(m).toContain(f.title.replace(/\s+/g, ' ').trim());
      expect(m).toContain(`ID:      ${f.accountId}`);
      expect(m).toContain(`Region:  ${f.region}`);
      for (const r of f.resources) expect(m).toContain(`ID:     ${r.id}`);
      if (f.recommendationText) expect(m).toContain(f.recommendationText);
      if (f.recommendationUrl) expect(m).toContain(f.recommendationUrl);
      expect(m).toContain(findingLink(f, withIdc));
      expect(m).toMatch(/Raw (event|finding) JSON/);
    });
  });
});

describe('subject', () => {
  it('names severity, state, account name and title', () => {
    const [email] = emailsForEvent(load('events/asff/guardduty-bitcoin-dns.json'), plain);
    expect(email!.subject).toBe(
      'High severity new Security Hub finding on workload-prod: EC2 instance i-0f1e2d3c4b5a69788 is que...',
    );
  });

  it('falls back to the account ID when the finding carries no account name', () => {
    const [email] = emailsForEvent(load('events/ocsf/inspector-vulnerability.json'), plain);
    expect(email!.subject).toBe(
      'High severity new Security Hub finding on 444455556666: CVE-2023-44487 - golang.org/x/net',
    );
  });

  it('transliterates umlauts and typographic quotes, drops emoji and marks other scripts', () => {
    const [email] = emailsForEvent(load('events/asff/thirdparty-prowler-non-ascii-title.json'), plain);
    expect(email!.subject).toBe(
      'High severity new Security Hub finding on 111122223333: Uberprufung: S3-Bucket "Kundendaten Munc...',
    );
    expect(toAscii('Straße Größe Ærø Œuvre naïve café – 公開バケット 🚨 ok')).toBe(
      'Strasse Grosse AEro OEuvre naive cafe - ? ok',
    );
    // The body keeps the original characters.
    expect(email!.message).toContain('„Kundendaten München“ ist öffentlich – 公開バケット 🚨');
  });

  it('folds line breaks and tabs and cuts long titles to 99 characters with an ASCII marker', () => {
    const [email] = emailsForEvent(load('events/asff/thirdparty-prowler-long-title.json'), plain);
    expect(email!.subject).not.toMatch(/[\r\n\t]/);
    expect(email!.subject).toHaveLength(99);
    expect(email!.subject.endsWith('...')).toBe(true);
    expect(email!.subject).toBe(
      'Medium severity new Security Hub finding on 111122223333: Custom IAM policy arn:aws:iam::1111222...',
    );
    expect(email!.message).toContain(
      'allows cloudtrail:* on all resources, which lets the CI deployer stop logging',
    );
  });
});

describe('workflow and record state', () => {
  it.each([
    ['events/asff/securityhub-control-resolved.json', 'resolved', 'is now RESOLVED'],
    ['events/asff/securityhub-control-notified.json', 'notified', 'is now NOTIFIED'],
    ['events/asff/securityhub-control-suppressed.json', 'suppressed', 'is now SUPPRESSED'],
    ['events/asff/securityhub-control-archived.json', 'archived', 'is now ARCHIVED'],
    ['events/ocsf/securityhub-control-resolved.json', 'resolved', 'is now RESOLVED'],
    ['events/ocsf/securityhub-control-archived.json', 'archived', 'is now ARCHIVED'],
  ])('%s says the finding is now %s', (path, word, sentence) => {
    const [email] = emailsForEvent(load(path), { ...plain, skipRepeated: true });
    expect(email!.subject).toContain(` severity ${word} Security Hub finding on `);
    expect(email!.message.split('\n')[0]).toContain(sentence);
  });

  it('calls a NEW active finding new', () => {
    const [email] = emailsForEvent(load('events/asff/securityhub-control-first-seen.json'), plain);
    expect(email!.subject).toMatch(/^High severity new Security Hub finding on workload-prod: /);
    expect(email!.message.split('\n')[0]).toMatch(/^New High severity finding from Security Hub in account/);
  });
});

describe('skip repeated control findings', () => {
  const on: EmailSettings = { ...plain, skipRepeated: true };

  it.each(['events/asff/securityhub-control-repeat.json', 'events/ocsf/securityhub-control-repeat.json'])(
    '%s (CreatedAt != UpdatedAt) is skipped when on, sent when off',
    (path) => {
      const plans = planEmails(load(path), on);
      expect(plans).toHaveLength(1);
      expect(plans[0]!.email).toBeUndefined();
      expect(plans[0]!.skipped).toMatch(/repeated Security Hub control finding/);
      expect(emailsForEvent(load(path), plain)).toHaveLength(1);
    },
  );

  it.each([
    'events/asff/securityhub-control-first-seen.json',
    'events/ocsf/securityhub-control-first-seen.json',
  ])('%s (CreatedAt == UpdatedAt) is sent', (path) => {
    expect(emailsForEvent(load(path), on)).toHaveLength(1);
  });

  it('never skips other products, status changes or archived findings', () => {
    const gd = load('events/asff/guardduty-bitcoin-dns.json');
    const finding = (gd.detail as { findings: Record<string, unknown>[] }).findings[0]!;
    finding.UpdatedAt = '2024-07-02T09:00:00.000Z';
    expect(emailsForEvent(gd, on)).toHaveLength(1);
    expect(emailsForEvent(load('events/asff/securityhub-control-resolved.json'), on)).toHaveLength(1);
    expect(emailsForEvent(load('events/asff/securityhub-control-archived.json'), on)).toHaveLength(1);
  });
});

describe('several findings in one event', () => {
  it('sends one e-mail per finding, each with its own account and only its own JSON', () => {
    const emails = emailsForEvent(load('events/asff/securityhub-multiple-findings.json'), plain);
    expect(emails.map((e) => e.subject)).toEqual([
      'Medium severity new Security Hub finding on workload-prod: RDS DB instances should have encrypti...',
      'Medium severity new Security Hub finding on workload-prod: Lambda functions should use supported...',
      'High severity new Security Hub finding on workload-dev: CloudTrail should be enabled and configu...',
    ]);
    expect(emails[2]!.message).toContain('ID:      444455556666');
    const raw = JSON.parse(emails[1]!.message.slice(emails[1]!.message.indexOf('{\n')));
    expect(raw.detail.findings).toHaveLength(1);
    expect(raw.detail.findings[0].Title).toBe('Lambda functions should use supported runtimes');
    expect(emails[0]!.message).toContain('This event held 3 findings');
  });
});

describe('size limit', () => {
  it('cuts the raw JSON of a huge finding, says so, and stays under 256 KB', () => {
    const input = load('events/asff/thirdparty-prowler-huge-description.json');
    expect(bytes(JSON.stringify(input))).toBeGreaterThan(SNS_MAX);
    const [email] = emailsForEvent(input, withIdc);
    expect(bytes(email!.message) + bytes(email!.subject)).toBeLessThan(SNS_MAX);
    expect(email!.message).toMatch(
      /\[\.\.\. raw JSON cut: \d+ of \d+ bytes shown, to stay within the SNS 256 KB limit\]$/,
    );
    expect(email!.message).toContain('[description cut:');
    // The parts a reader acts on survive the cut.
    expect(email!.message).toContain('Resources (1)');
    expect(email!.message).toContain('https://d-abcd1234.awsapps.com/start/#/console?');
  });

  it('never splits a multi-byte character when cutting', () => {
    const input = load('events/asff/thirdparty-prowler-huge-description.json');
    const finding = (input.detail as { findings: Record<string, unknown>[] }).findings[0]!;
    finding.Description = 'Größe 公開 🚨 '.repeat(40_000);
    const [email] = emailsForEvent(input, plain);
    expect(email!.message).not.toContain('\ufffd');
    expect(bytes(email!.message)).toBeLessThan(SNS_MAX);
  });
});

describe('times', () => {
  it('converts across the Europe/Berlin spring-forward boundary', () => {
    expect(formatTime('2024-03-31T00:59:00Z', 'Europe/Berlin')).toBe(
      '2024-03-31 01:59:00 UTC+01:00 (Europe/Berlin)',
    );
    expect(formatTime('2024-03-31T01:00:00Z', 'Europe/Berlin')).toBe(
      '2024-03-31 03:00:00 UTC+02:00 (Europe/Berlin)',
    );
  });

  it('converts across the Australia/Melbourne April fall-back boundary', () => {
    expect(formatTime('2024-04-06T15:59:59Z', 'Australia/Melbourne')).toBe(
      '2024-04-07 02:59:59 UTC+11:00 (Australia/Melbourne)',
    );
    expect(formatTime('2024-04-06T16:00:00Z', 'Australia/Melbourne')).toBe(
      '2024-04-07 02:00:00 UTC+10:00 (Australia/Melbourne)',
    );
  });

  it('shows UTC and the body uses the configured zone', () => {
    expect(formatTime('2024-07-01T21:12:59.621Z', 'UTC')).toBe('2024-07-01 21:12:59 UTC+00:00 (UTC)');
    const [email] = emailsForEvent(load('events/asff/guardduty-bitcoin-dns.json'), {
      ...plain,
      timeZone: 'Australia/Melbourne',
    });
    expect(email!.message).toContain('Created:     2024-07-02 07:12:59 UTC+10:00 (Australia/Melbourne)');
  });

  it('rejects an unknown zone with a clear error', () => {
    expect(() =>
      emailsForEvent(load('events/asff/guardduty-bitcoin-dns.json'), { ...plain, timeZone: 'Mars/Base' }),
    ).toThrow(/Unknown time zone "Mars\/Base"/);
  });
});

describe('links', () => {
  it('links ASFF findings to the CSPM console of the finding region with the ID encoded twice', () => {
    const { findings } = parseFindings(load('events/asff/guardduty-bitcoin-dns.json'));
    const url = consoleUrl(findings[0]!);
    expect(url).toBe(
      `https://eu-central-1.console.aws.amazon.com/securityhub/home?region=eu-central-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(encodeURIComponent(findings[0]!.id))}`,
    );
  });

  it('links OCSF findings to the Security Hub console by finding_info.uid', () => {
    const { findings } = parseFindings(load('events/ocsf/guardduty-threat.json'));
    expect(consoleUrl(findings[0]!)).toMatch(
      /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/securityhub\/v2\/home\?region=eu-central-1#\/findings\?search=finding_info\.uid%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Aguardduty%253A/,
    );
  });

  it('uses the console domain of GovCloud and China partitions', () => {
    const gov = parseFindings(load('events/asff/securityhub-control-govcloud.json')).findings[0]!;
    const cn = parseFindings(load('events/asff/securityhub-control-china.json')).findings[0]!;
    expect(consoleUrl(gov)).toMatch(
      /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\/securityhub\/home\?region=us-gov-west-1#/,
    );
    expect(consoleUrl(cn)).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/securityhub\/home\?region=cn-north-1#/,
    );
  });

  it('wraps the console link in the Identity Center deep link, encoded so it decodes back', () => {
    const f = parseFindings(load('events/asff/macie-s3-object-personal-data.json')).findings[0]!;
    const link = findingLink(f, { idcSubdomain: 'd-abcd1234', permissionSet: 'Subscribe To&Notify' });
    expect(
      link.startsWith(
        'https://d-abcd1234.awsapps.com/start/#/console?account_id=111122223333&role_name=Subscribe%20To%26Notify&destination=',
      ),
    ).toBe(true);
    const query = link.slice(link.indexOf('?') + 1);
    const destination = query.slice(query.indexOf('destination=') + 'destination='.length);
    expect(destination).not.toMatch(/[#&]/);
    expect(decodeURIComponent(destination)).toBe(consoleUrl(f));
    expect(new URLSearchParams(query).get('destination')).toBe(consoleUrl(f));
  });

  it('uses the plain console link unless both subdomain and permission set are configured', () => {
    const f = parseFindings(load('events/asff/macie-s3-object-personal-data.json')).findings[0]!;
    expect(findingLink(f, { idcSubdomain: 'd-abcd1234' })).toBe(consoleUrl(f));
    expect(findingLink(f, {})).toBe(consoleUrl(f));
  });
});

describe('bad input', () => {
  it.each([
    [null, /neither a Security Hub EventBridge event/],
    ['text', /got a string/],
    [{}, /got an empty object/],
    [{ detail: { findings: [] } }, /no findings/],
    [{ 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } }, /neither/],
  ])('%j is rejected with a clear error', (input, message) => {
    expect(() => emailsForEvent(input, plain)).toThrow(message);
  });

  it('accepts a bare OCSF finding and a bare ASFF finding', () => {
    const ocsf = (load('events/ocsf/guardduty-threat.json').detail as { findings: unknown[] }).findings[0];
    expect(emailsForEvent(ocsf, plain)[0]!.message).toContain('Raw finding JSON');
    expect(emailsForEvent(load('findings/asff/asr-afsbp-s3.2.json'), plain)).toHaveLength(1);
  });
});
