// The rendered product's EventBridge rules, matched by Event Ruler (the open-source matcher behind EventBridge)
// against every fixture event in its natural form, for each subscription setting; and the eventbridge-mode
// input transformer, applied by moto's EventBridge (which implements input transformers for SQS targets).
//
// Why Event Ruler and not moto for the patterns: moto's matcher flattens nested objects but not arrays of
// objects, so it never looks inside detail.findings[]; events had to be rewritten for it. Event Ruler's
// rulesForJSONEvent takes the event as EventBridge receives it, matches inside arrays, and never combines
// fields of different elements of one array (a finding's severity and another finding's account).
// The patterns are resolved from the rendered template and the launch parameters by support/cfn-eval.ts,
// because they are built with Fn::Sub (the tag key is a launch parameter).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../src/core/cfn-yaml.js';
import { defaultOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { applyInputTransformer, eventbridgeEmails, resolveInputPath } from '../../src/notify/transformer.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';
import { condition, evaluate } from '../support/cfn-eval.js';
import { eventRuler, type RulerResult } from '../support/eventruler.js';

// ---------- fixtures ----------
interface Fixture {
  name: string;
  event: Record<string, unknown> & {
    'detail-type': string;
    detail: { findings?: Record<string, unknown>[] };
  };
}
function loadDir(dir: string, prefix: string): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: `${prefix}/${f}`, event: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}
const fixtures: Fixture[] = [
  ...loadDir(join(process.cwd(), 'test/fixtures/events/asff'), 'asff'),
  ...loadDir(join(process.cwd(), 'test/fixtures/events/ocsf'), 'ocsf'),
];

/** The account the subscriptions are launched in: most fixture findings belong to it. */
const SUBSCRIBER = '111122223333';
const OTHER = '999988887777';

/** The same event, every finding of it (and the envelope) in another account. */
function fromOtherAccount(f: Fixture): Fixture {
  const event = structuredClone(f.event);
  if ('account' in event) event.account = OTHER;
  for (const finding of event.detail.findings ?? []) {
    if ('AwsAccountId' in finding) finding.AwsAccountId = OTHER;
    const cloud = finding.cloud as { account?: { uid?: string } } | undefined;
    if (cloud?.account?.uid) cloud.account.uid = OTHER;
  }
  return { name: `other-account/${f.name}`, event };
}
const otherAccount = fixtures.map(fromOtherAccount);
const allEvents = [...fixtures, ...otherAccount];

// ---------- launch parameters and the rendered patterns ----------
type Source = 'Security Hub CSPM (ASFF)' | 'Security Hub (OCSF)' | 'Both';
interface Launch {
  MinimumSeverity: 'Critical' | 'High' | 'Medium' | 'Low';
  NotifyWhenResolved: 'Yes' | 'No';
  FindingSource: Source;
  /** Offered only when the installer allows organization-wide subscriptions. */
  AccountScope?: 'This account' | 'All accounts';
  TagKey: string;
  /** Comma separated, as typed at launch. */
  TagValues: string;
  ProductFilter: 'Do not limit products' | 'Only include listed products' | 'Exclude listed products';
  ProductList: string;
}
const baseLaunch: Launch = {
  MinimumSeverity: 'High',
  NotifyWhenResolved: 'Yes',
  FindingSource: 'Both',
  TagKey: '',
  TagValues: '',
  ProductFilter: 'Do not limit products',
  ProductList: '',
};

const ownOnly = renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template;
const orgWide = renderProductTemplate(
  { ...defaultOptions, formatter: 'eventbridge', allowOrgWideSubscriptions: true },
  {},
).template;

/** The rules a launch creates, with their resolved patterns. */
function launchedPatterns(t: CfnTemplate, launch: Launch): string[] {
  const params = { ...launch, EmailAddresses: 'team@example.com', 'AWS::AccountId': SUBSCRIBER };
  return Object.values(t.Resources)
    .filter(
      (r) => r.Type === 'AWS::Events::Rule' && (!r.Condition || condition(r.Condition as string, t, params)),
    )
    .map((r) => evaluate(r.Properties!.EventPattern, t, params) as string);
}

// ---------- the independent expectation ----------
// Per finding, as Event Ruler's rulesForJSONEvent matches: every field of the pattern must hold for one and
// the same finding (and a tag's name and value for one and the same tag).
const ASFF_LABELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const list = (s: string) => (s === '' ? [] : s.split(','));
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The value at a path of plain objects, or undefined. */
function at(node: unknown, ...path: string[]): unknown {
  let n = node;
  for (const key of path) {
    if (n === null || typeof n !== 'object' || Array.isArray(n)) return undefined;
    n = (n as Record<string, unknown>)[key];
  }
  return n;
}

function findingMatches(f: Record<string, unknown>, asff: boolean, l: Launch): boolean {
  const threshold = ASFF_LABELS.indexOf(l.MinimumSeverity.toUpperCase());
  const labels = ASFF_LABELS.slice(threshold);
  const statuses = l.NotifyWhenResolved === 'Yes' ? ['NEW', 'RESOLVED'] : ['NEW'];
  const severity = asff ? at(f, 'Severity', 'Label') : at(f, 'severity');
  const wantedSeverity = asff ? labels : [...labels.map(cap), 'Fatal'];
  if (!wantedSeverity.includes(severity as string)) return false;
  const status = asff ? at(f, 'Workflow', 'Status') : at(f, 'status');
  if (!(asff ? statuses : statuses.map(cap)).includes(status as string)) return false;
  if (l.AccountScope !== 'All accounts') {
    const account = asff ? at(f, 'AwsAccountId') : at(f, 'cloud', 'account', 'uid');
    if (account !== SUBSCRIBER) return false;
  }
  if (l.TagKey) {
    const values = list(l.TagValues);
    const wanted = (v: unknown) => v !== undefined && (values.length === 0 || values.includes(v as string));
    const resources = asArray(asff ? f.Resources : f.resources);
    const tagged = resources.some((r) =>
      asff
        ? wanted(at(r, 'Tags', l.TagKey))
        : asArray(at(r, 'tags')).some((t) => at(t, 'name') === l.TagKey && wanted(at(t, 'value'))),
    );
    if (!tagged) return false;
  }
  if (l.ProductFilter !== 'Do not limit products') {
    const name = (asff ? at(f, 'ProductName') : at(f, 'metadata', 'product', 'name')) as string | undefined;
    const names = list(l.ProductList);
    if (l.ProductFilter === 'Only include listed products' && !names.includes(name as string)) return false;
    // An exclusion keeps findings that name no product (older ASFF has no top-level ProductName).
    if (l.ProductFilter === 'Exclude listed products' && name !== undefined && names.includes(name))
      return false;
  }
  return true;
}

function expectedMatch(f: Fixture, l: Launch): boolean {
  const dt = f.event['detail-type'];
  const asff = dt === 'Security Hub Findings - Imported';
  const ocsf = dt === 'Findings Imported V2';
  if (f.event.source !== 'aws.securityhub' || (!asff && !ocsf)) return false;
  if (asff && l.FindingSource === 'Security Hub (OCSF)') return false;
  if (ocsf && l.FindingSource === 'Security Hub CSPM (ASFF)') return false;
  return (f.event.detail.findings ?? []).some((finding) => findingMatches(finding, asff, l));
}
function cap(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase();
}

// ---------- the subscriptions, all matched in one Event Ruler run ----------
const cases: [string, Partial<Launch>][] = [
  ['minimum Critical', { MinimumSeverity: 'Critical' }],
  ['minimum High', { MinimumSeverity: 'High' }],
  ['minimum Medium', { MinimumSeverity: 'Medium' }],
  ['minimum Low', { MinimumSeverity: 'Low' }],
  ['not when resolved', { MinimumSeverity: 'Low', NotifyWhenResolved: 'No' }],
  ['tag app=billing or checkout', { MinimumSeverity: 'Low', TagKey: 'app', TagValues: 'billing,checkout' }],
  ['tag env with any value', { MinimumSeverity: 'Low', TagKey: 'env' }],
  ['non-ASCII tag key', { MinimumSeverity: 'Low', TagKey: 'Anwendung', TagValues: 'Kundenportal' }],
  [
    'only GuardDuty and Inspector',
    {
      MinimumSeverity: 'Low',
      ProductFilter: 'Only include listed products',
      ProductList: 'GuardDuty,Inspector',
    },
  ],
  [
    'all but Security Hub',
    { MinimumSeverity: 'Low', ProductFilter: 'Exclude listed products', ProductList: 'Security Hub' },
  ],
  ['CSPM only', { MinimumSeverity: 'Low', FindingSource: 'Security Hub CSPM (ASFF)' }],
  ['OCSF only', { MinimumSeverity: 'Low', FindingSource: 'Security Hub (OCSF)' }],
  ['all accounts, minimum High', { AccountScope: 'All accounts' }],
  ['all accounts, minimum Low', { AccountScope: 'All accounts', MinimumSeverity: 'Low' }],
  [
    'all accounts, only Inspector',
    {
      AccountScope: 'All accounts',
      MinimumSeverity: 'Low',
      ProductFilter: 'Only include listed products',
      ProductList: 'Inspector',
    },
  ],
  ['this account chosen explicitly', { AccountScope: 'This account', MinimumSeverity: 'Low' }],
  [
    'all accounts, all but Security Hub',
    {
      AccountScope: 'All accounts',
      MinimumSeverity: 'Low',
      ProductFilter: 'Exclude listed products',
      ProductList: 'Security Hub',
    },
  ],
];
const launchOf = (change: Partial<Launch>): Launch => ({ ...baseLaunch, ...change });
const templateFor = (l: Launch) => (l.AccountScope ? orgWide : ownOnly);

let ruler: RulerResult;
/** Event names the subscription of a case receives. */
function received(caseName: string): string[] {
  return Object.entries(ruler.matches)
    .filter(([, rules]) => rules.some((r) => r.startsWith(`${caseName}#`)))
    .map(([event]) => event)
    .sort();
}

beforeAll(() => {
  const patterns: Record<string, string> = {};
  for (const [name, change] of cases) {
    const l = launchOf(change);
    for (const [i, p] of launchedPatterns(templateFor(l), l).entries()) patterns[`${name}#${i}`] = p;
  }
  ruler = eventRuler(patterns, Object.fromEntries(allEvents.map((f) => [f.name, f.event])));
});

describe('the rendered rules on Event Ruler', () => {
  it('has fixtures of both formats, and Event Ruler accepts every rendered pattern', () => {
    expect(
      fixtures.filter((f) => f.event['detail-type'] === 'Security Hub Findings - Imported').length,
    ).toBeGreaterThan(3);
    expect(fixtures.filter((f) => f.event['detail-type'] === 'Findings Imported V2').length).toBeGreaterThan(
      1,
    );
    expect(ruler.errors).toEqual({});
  });

  it.each(cases)('%s: exactly the expected events match', (name, change) => {
    const l = launchOf(change);
    expect(launchedPatterns(templateFor(l), l)).toHaveLength(l.FindingSource === 'Both' ? 2 : 1);
    const expected = allEvents
      .filter((f) => expectedMatch(f, l))
      .map((f) => f.name)
      .sort();
    expect(received(name)).toEqual(expected);
  });

  it('own account by default: the same events from another account reach no subscription', () => {
    for (const [name, change] of cases) {
      if (change.AccountScope === 'All accounts') continue;
      expect(
        received(name).filter((e) => e.startsWith('other-account/')),
        name,
      ).toEqual([]);
    }
    expect(received('minimum Low').length).toBeGreaterThan(10);
  });

  it("all accounts (when the installer allows it): another account's events arrive like the own ones", () => {
    const got = received('all accounts, minimum Low');
    const own = got.filter((e) => !e.startsWith('other-account/'));
    expect(got.filter((e) => e.startsWith('other-account/'))).toEqual(own.map((e) => `other-account/${e}`));
    // The event whose HIGH finding belongs to a member account: only an organization-wide subscription hears it.
    expect(received('minimum High')).not.toContain('asff/securityhub-multiple-findings.json');
    expect(received('all accounts, minimum High')).toContain('asff/securityhub-multiple-findings.json');
    expect(received('all accounts, only Inspector')).toContain('ocsf/inspector-vulnerability.json');
  });

  it('"This account" chosen at launch renders the same patterns as a product without the choice', () => {
    const l = launchOf({ MinimumSeverity: 'Low' });
    expect(launchedPatterns(orgWide, { ...l, AccountScope: 'This account' })).toEqual(
      launchedPatterns(ownOnly, l),
    );
  });

  it('an exclusion keeps older ASFF findings that have no top-level ProductName', () => {
    // The fixtures copied from aws-solutions/automated-security-response-on-aws are such older findings.
    const older = fixtures.filter(
      (f) =>
        f.event['detail-type'] === 'Security Hub Findings - Imported' &&
        f.event.detail.findings!.every(
          (x) => !('ProductName' in x) && at(x, 'Severity', 'Label') !== 'INFORMATIONAL',
        ),
    );
    expect(older.map((f) => f.name)).toEqual(['asff/asr-CIS-1.3.json', 'asff/asr-CIS-1.4.json']);
    const got = received('all accounts, all but Security Hub');
    for (const f of older) expect(got, f.name).toContain(f.name);
    expect(got).not.toContain('asff/securityhub-control-first-seen.json');
    expect(got).toContain('asff/guardduty-bitcoin-dns.json');
  });

  it('the filters really filter: the fixtures split differently per threshold and filter', () => {
    const count = (l: Partial<Launch>) => allEvents.filter((f) => expectedMatch(f, launchOf(l))).length;
    expect(count({ MinimumSeverity: 'Critical' })).toBeLessThan(count({ MinimumSeverity: 'High' }));
    expect(count({ MinimumSeverity: 'High' })).toBeLessThan(count({ MinimumSeverity: 'Medium' }));
    expect(count({ MinimumSeverity: 'Low', NotifyWhenResolved: 'No' })).toBeLessThan(
      count({ MinimumSeverity: 'Low' }),
    );
    expect(count({ MinimumSeverity: 'Low', TagKey: 'app', TagValues: 'billing,checkout' })).toBeGreaterThan(
      0,
    );
  });
});

// ---------- moto, for the input transformer ----------
let account: MotoAccount;
let events: EventBridgeClient;
let sqs: SQSClient;
let counter = 0;

async function queue(): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `product-rule-${++counter}` }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}
async function drain(url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!r.Messages?.length) return bodies;
    bodies.push(...r.Messages.map((m) => m.Body!));
  }
}
async function putAll(entries: { Source: string; DetailType: string; Detail: string }[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    const r = await events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    expect(r.FailedEntryCount ?? 0).toBe(0);
  }
}

const rendered = ownOnly;

beforeAll(async () => {
  account = await motoAccount('eu-central-1');
  events = new EventBridgeClient(account.clientConfig);
  sqs = new SQSClient(account.clientConfig);
});

describe('the eventbridge-mode text', () => {
  const transformers = Object.values(rendered.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map(
      (r) =>
        (
          r.Properties!.Targets as {
            InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
          }[]
        )[0]!.InputTransformer,
    );

  it('maps only scalar paths: no array or object is placed inside the text (EventBridge strips its quotes)', () => {
    for (const f of fixtures) {
      const t = transformerFor(f);
      if (!t) continue;
      for (const [name, path] of Object.entries(t.InputPathsMap)) {
        const v = resolveInputPath(f.event, path);
        expect(typeof v === 'object' && v !== null, `${f.name} <${name}> ${path}`).toBe(false);
      }
    }
    const ids = transformers.map((t) => Object.keys(t.InputPathsMap));
    for (const names of ids)
      expect(names).toEqual(expect.arrayContaining(['type', 'resourcetype', 'resourceid']));
  });

  it('moto resolves every input path to what secnotify preview shows, and the text has every fact', async () => {
    const findingFixtures = fixtures.filter((f) =>
      ['Security Hub Findings - Imported', 'Findings Imported V2'].includes(f.event['detail-type']),
    );
    for (const f of findingFixtures) {
      const emails = eventbridgeEmails(f.event, rendered);
      expect(emails, f.name).toHaveLength(1);
      const { subject, message } = emails[0]!;
      expect(subject).toBe('AWS Notification Message');
      const t = transformers.find((x) => x === transformerFor(f))!;
      for (const name of Object.keys(t.InputPathsMap)) expect(message, f.name).not.toContain(`<${name}>`);

      const first = f.event.detail.findings![0]!;
      const facts =
        f.event['detail-type'] === 'Findings Imported V2'
          ? [
              first.severity,
              first.status,
              (first.finding_info as { title: string }).title,
              (first.cloud as { account: { uid: string } }).account.uid,
            ]
          : [
              (first.Severity as { Label: string }).Label,
              first.Title,
              first.AwsAccountId,
              first.Id,
              first.Description,
            ];
      for (const fact of facts) expect(message, f.name).toContain(String(fact));

      // moto's own JSONPath resolution of the same map, read back through SQS.
      // moto splices values in unescaped and then parses JSON, so it cannot carry a string with quotes,
      // backslashes or line breaks (EventBridge can): those few values are compared by preview alone.
      const names = Object.keys(t.InputPathsMap).filter((n) => {
        const v = resolveInputPath(f.event, t.InputPathsMap[n]!);
        return !(typeof v === 'string' && (/["\\]/.test(v) || [...v].some((c) => c.charCodeAt(0) < 0x20)));
      });
      const q = await queue();
      const Name = `text-${counter}`;
      await events.send(
        new PutRuleCommand({
          Name,
          EventPattern: JSON.stringify({ detail: { fixture: [f.name] } }),
          State: 'ENABLED',
        }),
      );
      const template = `[${names
        .map((n) => {
          const v = resolveInputPath(f.event, t.InputPathsMap[n]!);
          return typeof v === 'string' || typeof v === 'symbol' ? `"<${n}>"` : `<${n}>`;
        })
        .join(',')}]`;
      await events.send(
        new PutTargetsCommand({
          Rule: Name,
          Targets: [
            {
              Id: 'q',
              Arn: q.arn,
              InputTransformer: { InputPathsMap: t.InputPathsMap, InputTemplate: template },
            },
          ],
        }),
      );
      await putAll([
        {
          Source: 'aws.securityhub',
          DetailType: 'preview-check',
          Detail: JSON.stringify({ ...f.event.detail, fixture: [f.name] }),
        },
      ]);
      const [body] = await drain(q.url);
      await events.send(new RemoveTargetsCommand({ Rule: Name, Ids: ['q'] }));
      await events.send(new DeleteRuleCommand({ Name }));
      expect(body, f.name).toBeDefined();
      const motoValues = JSON.parse(body!) as unknown[];
      // Rebuild the event moto saw (detail plus envelope) so that $.region and friends resolve alike.
      const seen = { ...f.event, detail: { ...f.event.detail, fixture: [f.name] } };
      const fromMoto = new Map<string, unknown>();
      names.forEach((n, i) => {
        const v = motoValues[i];
        // moto leaves the placeholder of a missing (or empty) value in place; EventBridge leaves nothing.
        if (v === `<${n}>`) return;
        fromMoto.set(n, normaliseMoto(v));
      });
      for (const n of names) {
        const mine = resolveInputPath(seen, t.InputPathsMap[n]!);
        if (n === 'region') continue; // moto's PutEvents stamps its own region on the envelope
        if (typeof mine === 'symbol' || mine === '' || (Array.isArray(mine) && mine.length === 0)) {
          expect(fromMoto.has(n), `${f.name} ${n}`).toBe(false);
        } else {
          expect(fromMoto.get(n), `${f.name} ${n}`).toEqual(mine);
        }
      }
      expect(applyInputTransformer(t, f.event)).toBe(message);
    }
  });

  function transformerFor(f: Fixture) {
    return transformers.find((t) =>
      f.event['detail-type'] === 'Findings Imported V2'
        ? t.InputPathsMap.title?.includes('finding_info')
        : t.InputPathsMap.title?.includes('Title'),
    );
  }
});

/** moto serialises a list of objects as a list of JSON strings; turn those back into objects. */
function normaliseMoto(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map((x) => {
      if (typeof x === 'string' && /^[[{]/.test(x)) {
        try {
          return JSON.parse(x);
        } catch {
          return x;
        }
      }
      return x;
    });
  }
  return v;
}
