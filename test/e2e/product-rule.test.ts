// The rendered product's EventBridge rules against moto's EventBridge, for every fixture event.
//
// What moto can and cannot do here (moto 5.2.5, read from moto/events/models.py and utils.py):
// - Its CloudFormation cannot create AWS::Events::Rule from a pattern given as a JSON string (it json.dumps the
//   string again and fails with "'str' object has no attribute 'items'"); ours must be a string because the
//   tag key is a launch parameter. So the pattern is resolved here from the rendered template and the launch
//   parameters by a small evaluator of the intrinsic functions it uses (cfn-lint checks the template itself).
// - Its matcher flattens nested objects but not arrays of objects, so it never looks inside detail.findings[].
//   Each event is therefore put in EventBridge's documented array form: every leaf path holds the list of all
//   values found under it across the arrays (EventBridge matches arrays that way and never ties values of one
//   array element together). $or, anything-but, exists and the value lists are then moto's own evaluation.
// - Its input transformer replaces placeholders textually and then parses the result as JSON, so it cannot
//   produce the multi-line text template; it resolves the rendered InputPathsMap instead (see the last test).
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
import { arrayForm, condition, evaluate } from '../support/cfn-eval.js';

// ---------- fixtures ----------
interface Fixture {
  name: string;
  event: Record<string, unknown> & {
    'detail-type': string;
    detail: { findings?: Record<string, unknown>[] };
  };
}
function loadDir(dir: string, prefix: string): Fixture[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => ({
    name: `${prefix}/${f}`,
    event: JSON.parse(readFileSync(join(dir, f), 'utf8')),
  }));
}
const fixtures: Fixture[] = [
  ...loadDir(join(process.cwd(), '../shared/fixtures/asff-events'), 'shared'),
  ...loadDir(join(process.cwd(), 'test/fixtures/events/asff'), 'asff'),
  ...loadDir(join(process.cwd(), 'test/fixtures/events/ocsf'), 'ocsf'),
];

// ---------- launch parameters and the rendered pattern ----------
type Source = 'Security Hub CSPM (ASFF)' | 'Security Hub (OCSF)' | 'Both';
interface Launch {
  MinimumSeverity: 'Critical' | 'High' | 'Medium' | 'Low';
  NotifyWhenResolved: 'Yes' | 'No';
  FindingSource: Source;
  TagKey: string;
  TagValues: string[];
  ProductFilter: 'Do not limit products' | 'Only include listed products' | 'Exclude listed products';
  ProductList: string[];
}
const baseLaunch: Launch = {
  MinimumSeverity: 'High',
  NotifyWhenResolved: 'Yes',
  FindingSource: 'Both',
  TagKey: '',
  TagValues: [],
  ProductFilter: 'Do not limit products',
  ProductList: [],
};

/** The rules a launch creates, with their resolved patterns. */
function launchedPatterns(t: CfnTemplate, launch: Launch): string[] {
  const params = { ...launch, EmailAddresses: 'team@example.com' };
  return Object.values(t.Resources)
    .filter(
      (r) => r.Type === 'AWS::Events::Rule' && (!r.Condition || condition(r.Condition as string, t, params)),
    )
    .map((r) => evaluate(r.Properties!.EventPattern, t, params) as string);
}

// ---------- the independent expectation ----------
// EventBridge matches a pattern field against every value found under that path in the event, across arrays.
function valuesAt(node: unknown, path: string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesAt(n, path));
  if (path.length === 0) return node === undefined ? [] : [node];
  if (node === null || typeof node !== 'object') return [];
  const [head, ...rest] = path;
  return Object.hasOwn(node, head!) ? valuesAt((node as Record<string, unknown>)[head!], rest) : [];
}
const any = (values: unknown[], wanted: string[]) => values.some((v) => wanted.includes(v as string));
const ASFF_LABELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function expectedMatch(f: Fixture, l: Launch): boolean {
  const findings = f.event.detail.findings ?? [];
  const dt = f.event['detail-type'];
  const asff = dt === 'Security Hub Findings - Imported';
  const ocsf = dt === 'Findings Imported V2';
  if (f.event.source !== 'aws.securityhub') return false;
  if (asff && l.FindingSource === 'Security Hub (OCSF)') return false;
  if (ocsf && l.FindingSource === 'Security Hub CSPM (ASFF)') return false;
  if (!asff && !ocsf) return false;
  const threshold = ASFF_LABELS.indexOf(l.MinimumSeverity.toUpperCase());
  const severities = asff
    ? ASFF_LABELS.slice(threshold)
    : [...ASFF_LABELS.slice(threshold).map(cap), 'Fatal'];
  const statuses = l.NotifyWhenResolved === 'Yes' ? ['NEW', 'RESOLVED'] : ['NEW'];
  if (!any(valuesAt(findings, asff ? ['Severity', 'Label'] : ['severity']), severities)) return false;
  if (
    !any(valuesAt(findings, asff ? ['Workflow', 'Status'] : ['status']), asff ? statuses : statuses.map(cap))
  ) {
    return false;
  }
  if (l.TagKey) {
    if (asff) {
      const values = valuesAt(findings, ['Resources', 'Tags', l.TagKey]);
      if (values.length === 0 || (l.TagValues.length > 0 && !any(values, l.TagValues))) return false;
    } else {
      if (!any(valuesAt(findings, ['resources', 'tags', 'name']), [l.TagKey])) return false;
      if (l.TagValues.length > 0 && !any(valuesAt(findings, ['resources', 'tags', 'value']), l.TagValues))
        return false;
    }
  }
  if (l.ProductFilter !== 'Do not limit products') {
    const names = valuesAt(findings, asff ? ['ProductName'] : ['metadata', 'product', 'name']);
    const ok =
      l.ProductFilter === 'Only include listed products'
        ? any(names, l.ProductList)
        : names.some((n) => !l.ProductList.includes(n as string));
    if (!ok) return false;
  }
  return true;
}
function cap(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase();
}

// ---------- moto ----------
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

/** Fixture names the launched rules deliver, once per delivery. */
async function matchedBy(patterns: string[]): Promise<string[]> {
  const q = await queue();
  for (const [i, pattern] of patterns.entries()) {
    const Name = `product-rule-${counter}-${i}`;
    await events.send(new PutRuleCommand({ Name, EventPattern: pattern, State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'q', Arn: q.arn }] }));
  }
  await putAll(
    fixtures.map((f) => ({
      Source: f.event.source as string,
      DetailType: f.event['detail-type'],
      Detail: JSON.stringify({ ...(arrayForm(f.event.detail) as object), fixture: [f.name] }),
    })),
  );
  const bodies = await drain(q.url);
  for (const i of patterns.keys()) {
    const Name = `product-rule-${counter}-${i}`;
    await events.send(new RemoveTargetsCommand({ Rule: Name, Ids: ['q'] }));
    await events.send(new DeleteRuleCommand({ Name }));
  }
  return bodies.map((b) => (JSON.parse(b) as { detail: { fixture: string[] } }).detail.fixture[0]!).sort();
}

const rendered = renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template;

beforeAll(async () => {
  account = await motoAccount('eu-central-1');
  events = new EventBridgeClient(account.clientConfig);
  sqs = new SQSClient(account.clientConfig);
});

describe('the rendered rules in moto EventBridge', () => {
  it('has fixtures of both formats to work on', () => {
    expect(
      fixtures.filter((f) => f.event['detail-type'] === 'Security Hub Findings - Imported').length,
    ).toBeGreaterThan(3);
    expect(fixtures.filter((f) => f.event['detail-type'] === 'Findings Imported V2').length).toBeGreaterThan(
      1,
    );
  });

  const cases: [string, Partial<Launch>][] = [
    ['minimum Critical', { MinimumSeverity: 'Critical' }],
    ['minimum High', { MinimumSeverity: 'High' }],
    ['minimum Medium', { MinimumSeverity: 'Medium' }],
    ['minimum Low', { MinimumSeverity: 'Low' }],
    ['not when resolved', { MinimumSeverity: 'Low', NotifyWhenResolved: 'No' }],
    [
      'tag app=billing or checkout',
      { MinimumSeverity: 'Low', TagKey: 'app', TagValues: ['billing', 'checkout'] },
    ],
    ['tag env with any value', { MinimumSeverity: 'Low', TagKey: 'env' }],
    ['non-ASCII tag key', { MinimumSeverity: 'Low', TagKey: 'Anwendung', TagValues: ['Kundenportal'] }],
    [
      'only GuardDuty and Inspector',
      {
        MinimumSeverity: 'Low',
        ProductFilter: 'Only include listed products',
        ProductList: ['GuardDuty', 'Inspector'],
      },
    ],
    [
      'all but Security Hub',
      { MinimumSeverity: 'Low', ProductFilter: 'Exclude listed products', ProductList: ['Security Hub'] },
    ],
    ['CSPM only', { MinimumSeverity: 'Low', FindingSource: 'Security Hub CSPM (ASFF)' }],
    ['OCSF only', { MinimumSeverity: 'Low', FindingSource: 'Security Hub (OCSF)' }],
  ];

  it.each(cases)('%s: exactly the expected fixtures match', async (_, change) => {
    const launch = { ...baseLaunch, ...change };
    const patterns = launchedPatterns(rendered, launch);
    expect(patterns).toHaveLength(launch.FindingSource === 'Both' ? 2 : 1);
    const expected = fixtures
      .filter((f) => expectedMatch(f, launch))
      .map((f) => f.name)
      .sort();
    expect(await matchedBy(patterns)).toEqual(expected);
  });

  it('the filters really filter: the fixtures split differently per threshold and filter', () => {
    const count = (l: Partial<Launch>) =>
      fixtures.filter((f) => expectedMatch(f, { ...baseLaunch, ...l })).length;
    expect(count({ MinimumSeverity: 'Critical' })).toBeLessThan(count({ MinimumSeverity: 'High' }));
    expect(count({ MinimumSeverity: 'High' })).toBeLessThan(count({ MinimumSeverity: 'Medium' }));
    expect(count({ MinimumSeverity: 'Low', NotifyWhenResolved: 'No' })).toBeLessThan(
      count({ MinimumSeverity: 'Low' }),
    );
    expect(
      count({ MinimumSeverity: 'Low', TagKey: 'app', TagValues: ['billing', 'checkout'] }),
    ).toBeGreaterThan(0);
  });
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
