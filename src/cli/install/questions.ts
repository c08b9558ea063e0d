// The installer's questions: asked on a TTY only for what flags, the config file and the deployed stacks do
// not already answer, each answer validated by the same options model that validates flags.
import { UsageError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { REQ, type RequestCodeOf } from '../../core/messages.js';
import {
  type RawOptions,
  resolveOptions,
  type SecnotifyOptions,
  type SourcedRaw,
  shareTargetText,
} from '../../core/options.js';

interface Question {
  key: keyof RawOptions;
  flag: string;
  /** Whether the question applies to the options answered so far. */
  applies(o: SecnotifyOptions): boolean;
  ask(
    io: IoHost,
    current: SecnotifyOptions,
    validate: (value: unknown) => string | undefined,
  ): Promise<unknown>;
}

const yesNo = async (io: IoHost, code: RequestCodeOf<'confirm'>, message: string, current: boolean) =>
  io.requestResponse({ kind: 'confirm', code, message, defaultResponse: current });

const text = async (
  io: IoHost,
  code: RequestCodeOf<'input'>,
  message: string,
  current: string,
  validate: (value: unknown) => string | undefined,
) =>
  io.requestResponse({
    kind: 'input',
    code,
    message,
    defaultResponse: current,
    validate: (v) => validate(v),
  });

export const QUESTIONS: Question[] = [
  {
    key: 'formatter',
    flag: '--formatter',
    applies: () => true,
    ask: (io, o) =>
      io.requestResponse({
        kind: 'select',
        code: REQ.ASK_FORMATTER.code,
        message: 'How should emails be formatted?',
        defaultResponse: o.formatter,
        choices: [
          {
            value: 'lambda',
            name: 'Lambda formatter (recommended: readable subject, local times, sign-in links)',
          },
          { value: 'eventbridge', name: 'EventBridge input transformer (no Lambda, no IAM roles at launch)' },
        ],
      }),
  },
  {
    key: 'timezone',
    flag: '--timezone',
    applies: (o) => o.formatter === 'lambda',
    ask: (io, o, v) =>
      text(io, REQ.ASK_TIMEZONE.code, 'Time zone for dates in emails (IANA name)', o.timezone, v),
  },
  {
    key: 'providerName',
    flag: '--provider-name',
    applies: () => true,
    ask: (io, o, v) =>
      text(io, REQ.ASK_PROVIDER.code, 'Provider name shown in Service Catalog', o.providerName, v),
  },
  {
    key: 'launchRole',
    flag: '--launch-role',
    applies: () => true,
    ask: (io, o) =>
      yesNo(
        io,
        REQ.ASK_LAUNCH_ROLE.code,
        'Deploy the launch role to every account (StackSet), so subscribers need no IAM permissions?',
        o.launchRole,
      ),
  },
  {
    key: 'principalType',
    flag: '--principal-type',
    applies: () => true,
    ask: (io, o) =>
      io.requestResponse({
        kind: 'select',
        code: REQ.ASK_PRINCIPAL_TYPE.code,
        message: 'Who may launch the product?',
        defaultResponse: o.principalType,
        choices: [
          { value: 'identity-center', name: 'IAM Identity Center permission sets' },
          { value: 'iam-role', name: 'IAM roles (federated role names)' },
        ],
      }),
  },
  {
    key: 'idcSubdomain',
    flag: '--idc-subdomain',
    applies: (o) => o.formatter === 'lambda' && o.principalType === 'identity-center',
    ask: async (io, o, v) => {
      const answer = await text(
        io,
        REQ.ASK_IDC_SUBDOMAIN.code,
        'Access-portal subdomain for sign-in links in emails (e.g. d-1234567890; empty for none)',
        o.idcSubdomain ?? '',
        (value) => (value === '' ? undefined : v(value)),
      );
      return answer === '' ? undefined : answer;
    },
  },
  {
    key: 'principals',
    flag: '--principals',
    applies: () => true,
    ask: (io, o, v) =>
      text(
        io,
        REQ.ASK_PRINCIPALS.code,
        o.principalType === 'iam-role'
          ? 'IAM role names allowed to launch (comma list)'
          : 'Permission set names allowed to launch (comma list)',
        o.principals.join(','),
        v,
      ),
  },
  {
    key: 'share',
    flag: '--share',
    applies: () => true,
    ask: (io, o, v) =>
      text(
        io,
        REQ.ASK_SHARE.code,
        'Share the portfolio with: org, none, or a comma list of OUs (ID, name or path) and account IDs',
        o.share.length === 0 ? 'none' : o.share.map(shareTargetText).join(','),
        v,
      ),
  },
  {
    key: 'stacksetTargets',
    flag: '--stackset-targets',
    applies: (o) => o.launchRole,
    ask: (io, o, v) =>
      text(
        io,
        REQ.ASK_STACKSET_TARGETS.code,
        'Launch-role StackSet targets: root, or OUs (ID, name or path)',
        o.stacksetTargets.join(','),
        v,
      ),
  },
  {
    key: 'skipRepeatedFindings',
    flag: '--skip-repeated-findings',
    applies: (o) => o.formatter === 'lambda',
    ask: (io, o) =>
      yesNo(
        io,
        REQ.ASK_SKIP_REPEATED.code,
        'Skip control findings that were merely re-evaluated (sent again every 12-24 h otherwise)?',
        o.skipRepeatedFindings,
      ),
  },
];

/**
 * Asks what the layers leave open and returns the answers as one more layer. Without a terminal it asks
 * nothing: with --yes the defaults stand; without --yes the run stops naming the open questions' flags.
 */
export async function askOpenQuestions(io: IoHost, layers: SourcedRaw[], yes: boolean): Promise<SourcedRaw> {
  const answered = new Set(
    layers.flatMap((l) => Object.keys(l.values).filter((k) => l.values[k as keyof RawOptions] !== undefined)),
  );
  const answers: SourcedRaw = { values: {}, sources: {} };
  const current = () => resolveOptions(...layers, answers);
  const open = QUESTIONS.filter((q) => !answered.has(q.key) && q.applies(current()));
  if (open.length === 0 || yes) return answers;
  if (!io.interactive) {
    throw new UsageError(
      `No terminal to ask on, and these questions have no answer yet: ${open.map((q) => q.flag).join(', ')}. Pass them as flags (or in --config), or --yes to accept the defaults.`,
      { field: open[0]!.flag },
    );
  }
  for (const q of QUESTIONS) {
    if (answered.has(q.key) || !q.applies(current())) continue;
    const validate = (value: unknown): string | undefined => {
      try {
        resolveOptions(...layers, answers, {
          values: { [q.key]: value },
          sources: { [q.key]: { kind: 'flag' } },
        });
        return undefined;
      } catch (error) {
        return error instanceof UsageError ? error.message : String(error);
      }
    };
    const value = await q.ask(io, current(), validate);
    if (value !== undefined) {
      answers.values = { ...answers.values, [q.key]: value };
      answers.sources = { ...answers.sources, [q.key]: { kind: 'flag' } };
    }
  }
  return answers;
}
