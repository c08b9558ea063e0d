// The installer's questions with scripted answers: which are asked, in what order, what an answer
// becomes, and that an unexpected extra question fails the test.
import { describe, expect, it } from 'vitest';
import { askOpenQuestions, QUESTIONS } from '../../src/cli/install/questions.js';
import { UsageError } from '../../src/core/errors.js';
import { resolveOptions, type SourcedRaw } from '../../src/core/options.js';
import { settingsOf } from '../../src/core/render/settings.js';
import { ScriptedIo, UnexpectedQuestion } from '../support/scripted-io.js';

const flags = (values: SourcedRaw['values']): SourcedRaw => ({ values, sources: {} });
const deployed = (values: SourcedRaw['values']): SourcedRaw => ({
  values,
  sources: Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'deployed', stack: 'S' }])),
});

/** Accept the offered default of every question. */
const acceptDefault = (r: { defaultResponse: string | boolean }) => r.defaultResponse;

const EVERY_DEFAULT = {
  SN_ASK_FORMATTER: acceptDefault,
  SN_ASK_TIMEZONE: acceptDefault,
  SN_ASK_PROVIDER: acceptDefault,
  SN_ASK_LAUNCH_ROLE: acceptDefault,
  SN_ASK_PRINCIPAL_TYPE: acceptDefault,
  SN_ASK_IDC_SUBDOMAIN: acceptDefault,
  SN_ASK_PRINCIPALS: acceptDefault,
  SN_ASK_SHARE: acceptDefault,
  SN_ASK_STACKSET_TARGETS: acceptDefault,
  SN_ASK_SKIP_REPEATED: acceptDefault,
};

describe('installer questions', () => {
  it('are the registry options that have a question, in registry order, each named by its flag', () => {
    expect(QUESTIONS.map((q) => q.flag)).toEqual([
      '--formatter',
      '--timezone',
      '--provider-name',
      '--launch-role',
      '--principal-type',
      '--idc-subdomain',
      '--principals',
      '--share',
      '--stackset-targets',
      '--skip-repeated-findings',
    ]);
  });

  it('asks all ten on a fresh install, offering the documented defaults', async () => {
    const io = new ScriptedIo(EVERY_DEFAULT);
    const answers = await askOpenQuestions(io, [], false);
    expect(io.asked.map((r) => r.code)).toEqual(Object.keys(EVERY_DEFAULT));
    expect(io.unasked()).toEqual([]);
    const offered = Object.fromEntries(io.asked.map((r) => [r.code, r.defaultResponse]));
    expect(offered).toEqual({
      SN_ASK_FORMATTER: 'lambda',
      SN_ASK_TIMEZONE: 'UTC',
      SN_ASK_PROVIDER: 'Security',
      SN_ASK_LAUNCH_ROLE: true,
      SN_ASK_PRINCIPAL_TYPE: 'identity-center',
      SN_ASK_IDC_SUBDOMAIN: '',
      SN_ASK_PRINCIPALS: 'SubscribeToSecurityNotifications',
      SN_ASK_SHARE: 'org',
      SN_ASK_STACKSET_TARGETS: 'root',
      SN_ASK_SKIP_REPEATED: true,
    });
    expect(resolveOptions(answers)).toEqual(resolveOptions());
  });

  it('remembers an empty access-portal subdomain as "none", so the next run does not ask again', async () => {
    const io = new ScriptedIo({ ...EVERY_DEFAULT, SN_ASK_IDC_SUBDOMAIN: '' });
    const answers = await askOpenQuestions(io, [], false);
    expect(answers.values.idcSubdomain).toBe('none');
    const options = resolveOptions(answers);
    expect(options.idcSubdomain).toBeUndefined();
    expect(settingsOf(options).idcSubdomain).toBe('none');

    // The next run reads the stored settings back from the stack: nothing is left to ask.
    const next = new ScriptedIo({});
    await askOpenQuestions(next, [deployed(settingsOf(options))], false);
    expect(next.asked).toEqual([]);
  });

  it('asks only what applies: iam-role principals get no subdomain question, no launch role no StackSet targets', async () => {
    const io = new ScriptedIo({
      SN_ASK_TIMEZONE: 'Europe/Berlin',
      SN_ASK_PROVIDER: 'Platform Security',
      SN_ASK_LAUNCH_ROLE: false,
      SN_ASK_PRINCIPAL_TYPE: 'iam-role',
      SN_ASK_PRINCIPALS: 'WorkloadAdmin,SecOps',
      SN_ASK_SHARE: 'none',
      SN_ASK_SKIP_REPEATED: false,
    });
    const answers = await askOpenQuestions(io, [flags({ formatter: 'lambda' })], false);
    expect(io.unasked()).toEqual([]);
    const o = resolveOptions(flags({ formatter: 'lambda' }), answers);
    expect(o).toMatchObject({
      timezone: 'Europe/Berlin',
      providerName: 'Platform Security',
      launchRole: false,
      principalType: 'iam-role',
      principals: ['WorkloadAdmin', 'SecOps'],
      share: [],
      skipRepeatedFindings: false,
    });
    // The principals question follows the principal type chosen just before it.
    expect(io.asked.find((r) => r.code === 'SN_ASK_PRINCIPALS')?.message).toBe(
      'IAM role names allowed to launch (comma list)',
    );
  });

  it('fails on a question the script does not expect (here: the formatter, already given as a flag is not asked)', async () => {
    const { SN_ASK_FORMATTER: _formatter, ...withoutFormatter } = EVERY_DEFAULT;
    await expect(askOpenQuestions(new ScriptedIo(withoutFormatter), [], false)).rejects.toThrow(
      UnexpectedQuestion,
    );
    const io = new ScriptedIo(withoutFormatter);
    await askOpenQuestions(io, [flags({ formatter: 'lambda' })], false);
    expect(io.asked.map((r) => r.code)).not.toContain('SN_ASK_FORMATTER');
  });

  it('validates typed answers with the same parser as the flag, naming the flag', async () => {
    const io = new ScriptedIo({ ...EVERY_DEFAULT, SN_ASK_TIMEZONE: 'Mars/Olympus_Mons' });
    await expect(askOpenQuestions(io, [], false)).rejects.toThrow(
      /--timezone: "Mars\/Olympus_Mons" is not valid; expected an IANA time zone/,
    );
    const timezone = io.asked.find((r) => r.code === 'SN_ASK_TIMEZONE');
    expect(timezone?.kind === 'input' && timezone.validate?.('Europe/Berlin')).toBeUndefined();
  });

  it('asks nothing with --yes, and without a terminal names the open questions by flag (exit 2)', async () => {
    const yes = new ScriptedIo({}, false);
    expect(await askOpenQuestions(yes, [], true)).toEqual({ values: {}, sources: {} });
    expect(yes.asked).toEqual([]);

    const noTerminal = new ScriptedIo({}, false);
    const error = await askOpenQuestions(noTerminal, [flags({ formatter: 'eventbridge' })], false).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toContain('--provider-name');
    // Lambda-only questions do not apply to the eventbridge formatter.
    expect((error as UsageError).message).not.toContain('--timezone');
  });
});
