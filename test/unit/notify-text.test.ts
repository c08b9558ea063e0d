// Finding text is data, never layout: a crafted finding (anyone with securityhub:BatchImportFindings, or
// a third-party integration, writes its text) must not be able to forge the e-mail's sections or links.
import { describe, expect, it } from 'vitest';
import {
  cleanLine,
  deliveriesFor,
  type EmailSettings,
  emailsForEvent,
  findingLink,
  findingUrl,
  jsonForEmail,
  planEmails,
  QUOTE_PREFIX,
  SUBJECT_MAX_CHARS,
  SUMMARY_THRESHOLD,
  summaryEmail,
} from '../../src/notify/format.js';
import { fixtureFiles, loadFixture } from '../support/fixtures.js';

const load = loadFixture;
const listJson = fixtureFiles;
const crafted = 'crafted/forged-layout.json';
const allFixtures = [
  ...listJson('events/asff'),
  ...listJson('events/ocsf'),
  ...listJson('findings/asff'),
  crafted,
];
const findingsOf = (event: Record<string, unknown>) =>
  (event.detail as { findings: Record<string, unknown>[] }).findings;

const withIdc: EmailSettings = {
  timeZone: 'UTC',
  idcSubdomain: 'd-abcd1234',
  permissionSet: 'SubscribeToSecurityNotifications',
  skipRepeated: false,
};
const BIDI_AND_ZERO_WIDTH = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060\ufeff]/;

/** The readable part of an e-mail: everything above the raw JSON. */
const headOf = (message: string) => message.slice(0, message.search(/\n\nRaw (event|finding) JSON/));

/** Every line the formatter itself writes, as a pattern; anything else must be a prefixed quote. */
const OWN_LAYOUT: RegExp[] = [
  /^(New|The) [A-Z][a-z]+ severity finding from .+ in account .+ in [a-z0-9-]+(: | is now )/,
  /^$/,
  /^(Account|Finding)$/,
  /^ {2}(ID|Name|Region): {2,}\S/,
  /^ {2}(Product|Title|Severity|Status|Types|Created|Updated|Finding ID): +\S/,
  /^(Description|Recommendation) \(text supplied by [^\n]+\)$/,
  /^ {2}-$/,
  /^ {2}Link supplied by [^:]+: https?:\/\/\S+$/,
  /^ {2}\(A link supplied by .+ is left out: only web links \(http, https\) are shown\.\)$/,
  /^Resources \(\d+\)$/,
  /^ {2}\d+\. \S/,
  /^ {5}(ID|Region|Tags): {1,5}\S/,
  /^Open the finding in the Security Hub console( \(signs you in with IAM Identity Center, permission set [\w+=,.@-]+\))?:$/,
];

describe('a crafted finding cannot forge the e-mail (review: formatter abuse)', () => {
  const event = load(crafted);
  const [email] = emailsForEvent(event, withIdc);
  const message = email!.message;
  const head = headOf(message);
  const lines = head.split('\n');

  it('every line is either the formatter’s own layout or a prefixed quote of the finding', () => {
    const foreign = lines.filter(
      (line, i) =>
        !line.startsWith(QUOTE_PREFIX.trimEnd()) &&
        !OWN_LAYOUT.some((p) => p.test(line)) &&
        // the console link, right after its heading
        !(
          i > 0 &&
          lines[i - 1]!.startsWith('Open the finding') &&
          line === findingLink(findingFinding(), withIdc)
        ),
    );
    expect(foreign).toEqual([]);
  });

  it('shows no forged section, link or resource line as its own', () => {
    // The forged Recommendation heading and "Open the finding" link exist only as quoted text.
    expect(lines.filter((l) => l.startsWith('Open the finding'))).toHaveLength(1);
    expect(lines.filter((l) => /^Recommendation\b/.test(l))).toEqual([
      'Recommendation (text supplied by Acme Scanner Account ID: 999999999999)',
    ]);
    expect(lines.filter((l) => l.includes('awsapps.com.evil.example'))).toEqual([
      `${QUOTE_PREFIX}https://d-1234567890.awsapps.com.evil.example/start/#/console?account_id=111122223333`,
    ]);
    // The only unquoted link lines are the formatter's own.
    const unquotedLinks = lines.filter((l) => /^\s*https?:\/\//.test(l));
    expect(unquotedLinks).toEqual([findingLink(findingFinding(), withIdc)]);
    expect(unquotedLinks[0]).toMatch(
      /^https:\/\/d-abcd1234\.awsapps\.com\/start\/#\/console\?account_id=111122223333&/,
    );
    // The fake `ID: forged` resource line stays inside the resource's own ID line.
    expect(lines.filter((l) => /^\s*ID:\s+forged/.test(l))).toEqual([]);
    expect(message).toContain('     ID:     arn:aws:s3:::customer-data ID: forged');
    expect(lines.filter((l) => /^Resources \(/.test(l))).toEqual(['Resources (1)']);
    // Product and account name stay on their own lines, folded.
    expect(lines.filter((l) => l === 'Account' || l === 'Finding')).toEqual(['Account', 'Finding']);
    expect(message).toContain('  Product:     Acme Scanner Account ID: 999999999999\n');
    expect(message).toContain('  Name:    workload-prod Region: us-east-1 Finding\n');
    expect(message).toContain('  Types:       Software and Configuration Checks Resources (0)\n');
    // A URL inside a single-line field is shown defanged, so the mail reader makes no unlabelled link of it.
    expect(message).toContain('     Tags:   env=prod Open the finding: https[:]//evil.example/\n');
  });

  it('prefixes every line of the description and the recommendation', () => {
    const description = lines.slice(
      lines.indexOf('Description (text supplied by Acme Scanner Account ID: 999999999999)') + 1,
      lines.findIndex((l) => l.startsWith('Recommendation (')) - 1,
    );
    expect(description).toEqual([
      `${QUOTE_PREFIX}Minor issue.`,
      QUOTE_PREFIX.trimEnd(),
      `${QUOTE_PREFIX}Recommendation`,
      `${QUOTE_PREFIX}  Sign in at the link below and rotate the keys now.`,
      QUOTE_PREFIX.trimEnd(),
      `${QUOTE_PREFIX}Open the finding in the Security Hub console (signs you in with IAM Identity Center, permission set AdministratorAccess):`,
      `${QUOTE_PREFIX}https://d-1234567890.awsapps.com.evil.example/start/#/console?account_id=111122223333`,
    ]);
    expect(head).toContain(
      [
        `${QUOTE_PREFIX}Nothing to do.`,
        QUOTE_PREFIX.trimEnd(),
        `${QUOTE_PREFIX}Resources (1)`,
        `${QUOTE_PREFIX}  1. AwsIamUser`,
      ].join('\n'),
    );
  });

  it('leaves out the javascript: URL and says so, naming the product', () => {
    expect(message).not.toMatch(/^\s*javascript:/im);
    expect(head).not.toContain('javascript:');
    expect(head).toContain(
      '  (A link supplied by Acme Scanner Account ID: 999999999999 is left out: only web links (http, https) are shown.)',
    );
  });

  it('removes zero-width and RTL-override characters from the title, the subject and the whole message', () => {
    expect(message).toContain('  Title:       S3 bucket is public gnp.exe\n');
    expect(message).not.toMatch(BIDI_AND_ZERO_WIDTH);
    expect(email!.subject).toBe(
      'Critical severity new Security Hub finding on workload-prod Region: us-east-1 Finding: S3 bucket...',
    );
    // The raw JSON keeps the characters, escaped, so it still parses to the finding as received.
    const raw = JSON.parse(message.slice(message.indexOf('{\n')));
    expect(raw.detail.findings[0].Title).toBe('S3 bucket is public\u200b\u202e gnp.exe');
    expect(message).toContain('S3 bucket is public\\u200b\\u202e gnp.exe');
  });

  function findingFinding() {
    return planEmails(event, withIdc)[0]!.finding;
  }
});

describe('links from a finding', () => {
  const event = load('events/asff/guardduty-bitcoin-dns.json');
  const withUrl = (url: string) => {
    const copy = structuredClone(event);
    findingsOf(copy)[0]!.Remediation = { Recommendation: { Text: 'Do this.', Url: url } };
    return emailsForEvent(copy, withIdc)[0]!.message;
  };

  it('prints an https link labelled with the product that supplied it', () => {
    expect(withUrl('https://docs.aws.amazon.com/guardduty/latest/ug/x.html')).toContain(
      '  Link supplied by GuardDuty: https://docs.aws.amazon.com/guardduty/latest/ug/x.html\n',
    );
    expect(withUrl('http://example.com/a b')).toContain(
      '  Link supplied by GuardDuty: http://example.com/a%20b\n',
    );
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    'ftp://example.com/x',
    'https://console.aws.amazon.com@evil.example/',
    '//evil.example/',
  ])('leaves out %s', (url) => {
    const message = withUrl(url);
    expect(headOf(message)).not.toContain(url);
    expect(message).toContain('  (A link supplied by GuardDuty is left out');
    expect(findingUrl(url)).toBeUndefined();
  });

  it('every fixture’s recommendation link is labelled, and the console link is the only unlabelled one', () => {
    for (const path of allFixtures) {
      for (const e of emailsForEvent(load(path), withIdc)) {
        const links = headOf(e.message)
          .split('\n')
          .filter((l) => /https?:\/\//.test(l) && !l.startsWith(QUOTE_PREFIX.trimEnd()));
        for (const l of links) {
          expect(l, path).toMatch(
            /^(https:\/\/d-abcd1234\.awsapps\.(com|cn)\/start\/\S+| {2}Link supplied by [^:]+: https?:\/\/\S+)$/,
          );
        }
      }
    }
  });
});

describe('cleaning helpers', () => {
  it('cleanLine folds every line break and removes bidi, zero-width and control characters', () => {
    expect(
      cleanLine(
        'a\r\nb\u2028c\u2029d\u0085e\tf\u000bg\u202eh\u2066i\u2069j\u200ek\u200fl\u061cm\u200bn\u200do\ufeffp\u0007q',
      ),
    ).toBe('a b c d e f ghijklmnop q');
  });

  it('jsonForEmail escapes line-breaking and invisible characters but stays valid JSON', () => {
    const value = { t: 'x\u2028y\u202ez\u200b' };
    const text = jsonForEmail(value);
    expect(text).not.toMatch(/[\u2028\u202e\u200b]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('SNS subject (Publish: "less than 100 characters long")', () => {
  it('SUBJECT_MAX_CHARS is 99', () => {
    expect(SUBJECT_MAX_CHARS).toBe(99);
  });

  it.each(allFixtures)('%s: every subject is ASCII, one line, at most 99 characters', (path) => {
    for (const email of emailsForEvent(load(path), { ...withIdc, accountScope: 'organization' })) {
      expect(email.subject).toMatch(/^[\x20-\x7e]+$/);
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.subject.length).toBeLessThanOrEqual(99);
    }
  });
});

describe('which account a finding belongs to', () => {
  const multi = load('events/asff/securityhub-multiple-findings.json'); // accounts 111122223333 and 444455556666

  it('own scope skips findings of another account and says why', () => {
    const plans = planEmails(multi, {
      ...withIdc,
      accountScope: 'own',
      subscriptionAccountId: '111122223333',
    });
    expect(plans.map((p) => Boolean(p.email))).toEqual([true, true, false]);
    expect(plans[2]!.skipped).toBe(
      'finding of account 444455556666; this subscription receives account 111122223333 only (ACCOUNT_SCOPE=own)',
    );
  });

  it('organization scope sends every account and names the account by name and ID in subject and body', () => {
    const plans = planEmails(multi, { ...withIdc, accountScope: 'organization' });
    expect(plans.every((p) => p.email)).toBe(true);
    const dev = plans[2]!.email!;
    expect(dev.subject).toMatch(/^High severity new Security Hub finding on workload-dev \(444455556666\): /);
    expect(dev.message.split('\n')[0]).toContain('in account workload-dev (444455556666) in ');
    expect(dev.message).toContain('  ID:      444455556666\n  Name:    workload-dev\n');
  });
});

describe('one bad finding does not block the others', () => {
  it('a deeply nested finding (RangeError) gets a short fallback e-mail; the others are normal', () => {
    const event = load('events/asff/securityhub-multiple-findings.json');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      deep.n = next;
      deep = next;
    }
    findingsOf(event)[1]!.ProductFields = root;
    const plans = planEmails(event, withIdc);
    expect(plans[0]!.error).toBeUndefined();
    expect(plans[2]!.error).toBeUndefined();
    expect(plans[0]!.email!.message).toContain('Raw event JSON');
    const fallback = plans[1]!;
    expect(fallback.error).toMatch(/RangeError/);
    expect(fallback.email!.subject).toMatch(
      /^Security Hub finding on 111122223333 could not be formatted: arn:aws:securityhub:/,
    );
    expect(fallback.email!.subject.length).toBeLessThanOrEqual(99);
    const m = fallback.email!.message;
    expect(m).toContain(`  Finding ID:  ${findingsOf(event)[1]!.Id}`);
    expect(m).toContain('Raw finding JSON:\n{');
    expect(m).toContain('[nested deeper than 64 levels: cut]');
    expect(Buffer.byteLength(m)).toBeLessThan(20 * 1024);
  });

  it('an entry of odd types gets the fallback e-mail with what can be read of it', () => {
    const event = load('events/asff/securityhub-multiple-findings.json');
    findingsOf(event)[0] = {
      Id: 'odd-1',
      AwsAccountId: 111122223333,
      Title: { text: 'x' },
      Resources: 'none',
      Note: 'y'.repeat(100_000),
    };
    const plans = planEmails(event, withIdc);
    expect(plans[0]!.error).toMatch(/detail\.findings\[0\] is not a Security Hub finding/);
    const m = plans[0]!.email!.message;
    expect(m).toContain('  Finding ID:  odd-1');
    expect(m).toContain('"Title": {');
    expect(m).toMatch(/Raw finding JSON \(cut: \d+ of \d+ bytes shown\):/);
    expect(Buffer.byteLength(m)).toBeLessThan(20 * 1024);
    expect(plans.slice(1).every((p) => p.email && !p.error)).toBe(true);
  });

  it('odd value types inside a readable finding still give the normal e-mail', () => {
    const event = load('events/asff/guardduty-bitcoin-dns.json');
    const f = findingsOf(event)[0]!;
    f.Title = 42;
    f.Types = ['ok', 7, null];
    (f.Resources as Record<string, unknown>[])[0]!.Tags = { a: { nested: true }, b: 3 };
    const [plan] = planEmails(event, withIdc);
    expect(plan!.error).toBeUndefined();
    expect(plan!.email!.message).toContain('  Title:       42\n');
    expect(plan!.email!.message).toContain('  Types:       ok\n');
  });
});

describe('large events become one summary e-mail', () => {
  const manyFindings = (n: number) => {
    const event = load('events/asff/guardduty-bitcoin-dns.json');
    const base = findingsOf(event)[0]!;
    const list = Array.from({ length: n }, (_, i) => ({
      ...structuredClone(base),
      Id: `finding-${i}`,
      Title: `Finding number ${i}\u202e`,
      Severity: { Label: i % 10 === 0 ? 'CRITICAL' : 'HIGH' },
    }));
    (event.detail as { findings: unknown[] }).findings = list;
    return event;
  };

  it(`up to ${SUMMARY_THRESHOLD} findings: one e-mail each`, () => {
    const plans = planEmails(manyFindings(SUMMARY_THRESHOLD), withIdc);
    const deliveries = deliveriesFor(plans, withIdc);
    expect(deliveries).toHaveLength(SUMMARY_THRESHOLD);
    expect(deliveries.every((d) => !d.summary && d.plans.length === 1)).toBe(true);
  });

  it(`${SUMMARY_THRESHOLD + 1} findings: one e-mail listing all, most severe first`, () => {
    const plans = planEmails(manyFindings(SUMMARY_THRESHOLD + 1), withIdc);
    const deliveries = deliveriesFor(plans, withIdc);
    expect(deliveries).toHaveLength(1);
    const { email, plans: listed, summary } = deliveries[0]!;
    expect(summary).toBe(true);
    expect(listed).toHaveLength(21);
    expect(email.subject).toBe('21 Security Hub findings on workload-prod: 3 Critical, 18 High');
    const m = email.message;
    expect(m.split('\n')[0]).toBe(
      'One event brought 21 Security Hub findings for this subscription (3 Critical, 18 High).',
    );
    expect(m).toContain(
      '1. Critical: Finding number 0\n   Account:  workload-prod (111122223333), eu-central-1\n   Resource: AwsEc2Instance ',
    );
    expect(m).toContain('4. High: Finding number 1\n');
    expect(m).toContain(`   ${findingLink(plans[20]!.finding, withIdc)}`);
    expect(m).not.toMatch(BIDI_AND_ZERO_WIDTH);
    expect(m).not.toContain('more (not listed');
  });

  it('1,000 findings: one e-mail within the SNS limit, cut with "and N more"', () => {
    const plans = planEmails(manyFindings(1000), withIdc);
    for (const p of plans) p.finding.title = `${p.finding.title} ${'x'.repeat(400)}`;
    const email = summaryEmail(plans, withIdc);
    expect(Buffer.byteLength(email.message) + Buffer.byteLength(email.subject)).toBeLessThan(262144);
    const listed = email.message.match(/^\d+\. /gm)!.length;
    expect(listed).toBeGreaterThan(100);
    expect(listed).toBeLessThan(1000);
    expect(email.message).toMatch(
      new RegExp(`\\.\\.\\. and ${1000 - listed} more \\(not listed, to stay within the SNS 256 KB limit\\)`),
    );
    expect(email.subject).toBe('1000 Security Hub findings on workload-prod: 100 Critical, 900 High');
  });
});
