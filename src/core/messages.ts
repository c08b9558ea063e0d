// Every message and request code, declared once with its level, what it means, and the type of its payload
// (as CDK toolkit-lib's `make.info<T>({ code, description })`). Code says `io.notify(MSG.STEP.msg(text))`;
// hosts and tests recognise a message by `isMessage(m, MSG.STACK_ACTIVITY)`, which also types its data.
import type { MessageLevel } from './io.js';
import type { StackEvent, StackNotice } from './stack-activity.js';

/** A declared message: its code, default level and payload type. */
export interface MessageSpec<C extends string = string, T = undefined> {
  readonly code: C;
  readonly level: MessageLevel;
  readonly description: string;
  /** Builds the message; `data` is typed by the declaration. */
  msg(text: string, ...data: [T] extends [undefined] ? [] : [T]): TypedMessage<C, T>;
}

export interface TypedMessage<C extends string = string, T = unknown> {
  level: MessageLevel;
  code: C;
  text: string;
  data?: T;
}

/** A declared request: its code and the kind of answer it takes. */
export interface RequestSpec<C extends string = string, K extends 'confirm' | 'input' | 'select' = never> {
  readonly code: C;
  readonly kind: K;
  readonly description: string;
}

/** A notice scoped to a step (lines are prefixed with the step when steps run side by side). */
export interface StepScoped {
  step?: string;
}

/** What a poll helper reports while it waits (see aws/poll.ts). */
export interface WaitProgress extends StepScoped {
  description: string;
  elapsedMs: number;
  /** The last state the wait saw, e.g. `IN_PROGRESS`. */
  state?: string;
}

function spec<T>(level: MessageLevel) {
  return <C extends string>(s: { code: C; description: string }): MessageSpec<C, T> => ({
    ...s,
    level,
    msg: (text: string, ...data: unknown[]) =>
      ({ level, code: s.code, text, ...(data.length > 0 ? { data: data[0] } : {}) }) as TypedMessage<C, T>,
  });
}

const make = {
  debug: <T = undefined>() => spec<T>('debug'),
  info: <T = undefined>() => spec<T>('info'),
  warn: <T = undefined>() => spec<T>('warn'),
  error: <T = undefined>() => spec<T>('error'),
  success: <T = undefined>() => spec<T>('success'),
  request:
    <K extends 'confirm' | 'input' | 'select'>(kind: K) =>
    <C extends string>(s: { code: C; description: string }): RequestSpec<C, K> => ({ ...s, kind }),
};

export const MSG = {
  // Host
  ACTIVITY: make.info()({ code: 'SN_ACTIVITY', description: 'A long activity started (spinner text).' }),
  ACTIVITY_DONE: make.success()({ code: 'SN_ACTIVITY_DONE', description: 'A long activity succeeded.' }),
  ACTIVITY_FAILED: make.error()({ code: 'SN_ACTIVITY_FAILED', description: 'A long activity failed.' }),
  AUTO_CONFIRMED: make.info<{ request: RequestCode; response: unknown }>()({
    code: 'SN_AUTO_CONFIRMED',
    description: 'A request answered with its default because of --yes.',
  }),
  WAIT: make.debug<WaitProgress>()({
    code: 'SN_WAIT',
    description: 'A wait for an asynchronous AWS operation is still going (elapsed time, last state).',
  }),

  // Stack engine
  STACK_ACTIVITY: make.info<StackEvent>()({
    code: 'SN_STACK_ACTIVITY',
    description: 'A stack operation started or finished, or a stack or resource changed status.',
  }),
  STACK_WAIT_IN_PROGRESS: make.warn<StackNotice>()({
    code: 'SN_STACK_WAIT_IN_PROGRESS',
    description: 'Another operation runs on the stack; the engine waits for it before acting.',
  }),
  STACK_RECREATE_FAILED_CREATE: make.warn<StackNotice>()({
    code: 'SN_STACK_RECREATE_FAILED_CREATE',
    description: 'A stack whose first create failed is deleted and created again.',
  }),
  STACK_NO_CHANGES: make.info<StackNotice>()({
    code: 'SN_STACK_NO_CHANGES',
    description: 'Nothing to change.',
  }),
  STACK_DRY_RUN: make.info<StackNotice>()({
    code: 'SN_STACK_DRY_RUN',
    description: 'Dry run: the change set was shown and discarded.',
  }),
  STACK_DECLINED: make.info<StackNotice>()({
    code: 'SN_STACK_DECLINED',
    description: 'The changes were declined; the change set was discarded.',
  }),
  STACK_REVIEW_DISCARDED: make.info<StackNotice>()({
    code: 'SN_STACK_REVIEW_DISCARDED',
    description: 'A stack that held only an unexecuted change set was removed.',
  }),
  CHANGE_SET: make.info()({ code: 'SN_CHANGE_SET', description: 'The change-set preview table.' }),

  // Steps
  STEP: make.info()({ code: 'SN_STEP', description: 'A step starts.' }),
  STEP_DONE: make.success()({ code: 'SN_STEP_DONE', description: 'A step finished.' }),
  STEP_FAILED: make.error()({ code: 'SN_STEP_FAILED', description: 'A step failed.' }),
  RESUME: make.info()({ code: 'SN_RESUME', description: 'What finished and how the same command resumes.' }),
  STEP_DECLINED: make.warn()({
    code: 'SN_STEP_DECLINED',
    description: 'A step’s changes were declined; no further step starts.',
  }),
  STEP_ERROR: make.error()({
    code: 'SN_STEP_ERROR',
    description: 'Another step failed in the same run (the first failure is the exit error).',
  }),

  // Install
  PLAN: make.info()({ code: 'SN_PLAN', description: 'The install plan.' }),
  PLAN_CHANGES: make.info()({
    code: 'SN_PLAN_CHANGES',
    description: 'What each step of the install plan changes (worked out before the one confirmation).',
  }),
  DOCTOR_TODO: make.info()({
    code: 'SN_DOCTOR_TODO',
    description: 'A pre-install check install fixes itself ("to do by install").',
  }),
  SHARE_REMOVED: make.info()({
    code: 'SN_SHARE_REMOVED',
    description: 'A portfolio share that is no longer wanted was removed.',
  }),
  CONFIG_SAVED: make.info()({ code: 'SN_CONFIG_SAVED', description: 'The answers were saved to a file.' }),
  DEPLOYED_DEFAULTS: make.info()({
    code: 'SN_DEPLOYED_DEFAULTS',
    description: 'Settings not given are taken from the deployed stacks.',
  }),
  DOCTOR_CHECK: make.warn()({
    code: 'SN_DOCTOR_CHECK',
    description: 'A pre-install check warned (level warn) or failed (level error).',
  }),
  PERMISSION_SET_NOT_A_PRINCIPAL: make.warn()({
    code: 'SN_PERMISSION_SET_NOT_A_PRINCIPAL',
    description: 'A permission set name was given where a principal is expected.',
  }),
  SHARE_STATUS: make.debug<WaitProgress>()({
    code: 'SN_SHARE_STATUS',
    description: 'An organization share is still being processed.',
  }),
  SHARE_ERROR: make.error()({ code: 'SN_SHARE_ERROR', description: 'A portfolio share reported errors.' }),
  ORG_ACCESS_STATUS: make.info<WaitProgress>()({
    code: 'SN_ORG_ACCESS_STATUS',
    description: 'Service Catalog is still enabling AWS Organizations access.',
  }),

  LAUNCH_ROLE_WAIT: make.info<WaitProgress>()({
    code: 'SN_LAUNCH_ROLE_WAIT',
    description: 'Waiting for the launch-role StackSet to put the launch role into the hub account.',
  }),
  HUB_LAUNCH_ROLE_STACK: make.warn()({
    code: 'SN_HUB_LAUNCH_ROLE_STACK',
    description: 'The launch role was deployed in the hub as a single-account stack.',
  }),
  STACK_INSTANCE_PROBLEM: make.warn()({
    code: 'SN_STACK_INSTANCE_PROBLEM',
    description: 'A launch-role StackSet instance failed or was skipped: that account has no launch role.',
  }),
  ACCOUNT_SHARE_RECIPIENT: make.info()({
    code: 'SN_ACCOUNT_SHARE_RECIPIENT',
    description: 'What the recipient of an account share must run to accept it and grant its principals.',
  }),
  SHARED_WITHOUT_LAUNCH_ROLE: make.warn()({
    code: 'SN_SHARED_WITHOUT_LAUNCH_ROLE',
    description: 'The shares reach accounts that have no launch role.',
  }),
  PRODUCT_VERSION_IGNORED: make.warn()({
    code: 'SN_PRODUCT_VERSION_IGNORED',
    description: '--product-version was not used because the product template did not change.',
  }),
  PRODUCT_VERSIONS_DEPRECATED: make.info()({
    code: 'SN_PRODUCT_VERSIONS_DEPRECATED',
    description: 'Earlier product versions were marked deprecated.',
  }),

  // Uninstall
  UNINSTALL_NOTE: make.info()({ code: 'SN_UNINSTALL_NOTE', description: 'A note on the removal plan.' }),
  UNINSTALL_PLAN: make.info()({ code: 'SN_UNINSTALL_PLAN', description: 'The removal plan.' }),
  DEPLOYED_SETTINGS_UNREADABLE: make.warn()({
    code: 'SN_DEPLOYED_SETTINGS_UNREADABLE',
    description: 'The deployed settings could not be read.',
  }),
  UNSHARE_STATUS: make.debug<WaitProgress>()({
    code: 'SN_UNSHARE_STATUS',
    description: 'An organization unshare is still being processed.',
  }),
  LOGGING_STOPPED: make.info()({
    code: 'SN_LOGGING_STOPPED',
    description: 'Server access logging into the log bucket was stopped.',
  }),
  BUCKET_PROGRESS: make.debug<WaitProgress & { deleted: number }>()({
    code: 'SN_BUCKET_PROGRESS',
    description: 'Emptying a bucket: object versions and delete markers deleted so far.',
  }),
  BUCKET_NOT_EMPTY_RETRY: make.warn()({
    code: 'SN_BUCKET_NOT_EMPTY_RETRY',
    description: 'A bucket was not empty yet when its stack was deleted; retrying.',
  }),
  STACKSET_INSTANCES: make.debug<WaitProgress>()({
    code: 'SN_STACKSET_INSTANCES',
    description: 'Waiting for StackSet instances.',
  }),
  ORG_ACCESS_IN_USE: make.warn()({
    code: 'SN_ORG_ACCESS_IN_USE',
    description: 'Organizations access is left enabled because something else uses it.',
  }),

  // Other commands
  RENDER_DEFAULT_REGION: make.warn()({
    code: 'SN_RENDER_DEFAULT_REGION',
    description: 'render used a default region.',
  }),
  RENDER_IDC_REGION: make.warn()({
    code: 'SN_RENDER_IDC_REGION',
    description: 'render has no Identity Center home Region and renders the hub Region in its place.',
  }),
  AWS_REQUEST: make.debug()({
    code: 'SN_AWS_REQUEST',
    description: '--debug: one AWS request attempt (service, operation, Region, status, duration).',
  }),
  CONFIG_DEFAULT: make.info()({
    code: 'SN_CONFIG_DEFAULT',
    description: 'The ./secnotify.yaml of the current folder is read because --config was not given.',
  }),
  RENDER_PLACEHOLDERS: make.info()({
    code: 'SN_RENDER_PLACEHOLDERS',
    description: 'render left placeholders for values it could not look up.',
  }),
  STATUS_NO_RENDER: make.warn()({
    code: 'SN_STATUS_NO_RENDER',
    description: 'status could not render the expected templates.',
  }),
} as const;

export const REQ = {
  CONFIRM_CHANGE_SET: make.request('confirm')({
    code: 'SN_CONFIRM_CHANGE_SET',
    description: 'Deploy the change set shown?',
  }),
  CONFIRM_PLAN: make.request('confirm')({
    code: 'SN_CONFIRM_PLAN',
    description: 'Apply the install plan shown (default No)?',
  }),
  CONFIRM_UNINSTALL: make.request('confirm')({
    code: 'SN_CONFIRM_UNINSTALL',
    description: 'Remove what the plan lists?',
  }),
  ASK_FORMATTER: make.request('select')({ code: 'SN_ASK_FORMATTER', description: 'The email formatter.' }),
  ASK_TIMEZONE: make.request('input')({ code: 'SN_ASK_TIMEZONE', description: 'The time zone for dates.' }),
  ASK_PROVIDER: make.request('input')({ code: 'SN_ASK_PROVIDER', description: 'The provider name.' }),
  ASK_LAUNCH_ROLE: make.request('confirm')({
    code: 'SN_ASK_LAUNCH_ROLE',
    description: 'Deploy the launch-role StackSet?',
  }),
  ASK_PRINCIPAL_TYPE: make.request('select')({
    code: 'SN_ASK_PRINCIPAL_TYPE',
    description: 'Which kind of principals get the portfolio.',
  }),
  ASK_IDC_SUBDOMAIN: make.request('input')({
    code: 'SN_ASK_IDC_SUBDOMAIN',
    description: 'The Identity Center sign-in subdomain.',
  }),
  ASK_PRINCIPALS: make.request('input')({ code: 'SN_ASK_PRINCIPALS', description: 'The principals.' }),
  ASK_SHARE: make.request('input')({ code: 'SN_ASK_SHARE', description: 'Share targets.' }),
  ASK_STACKSET_TARGETS: make.request('input')({
    code: 'SN_ASK_STACKSET_TARGETS',
    description: 'The launch-role StackSet targets.',
  }),
  ASK_SKIP_REPEATED: make.request('confirm')({
    code: 'SN_ASK_SKIP_REPEATED',
    description: 'Skip re-evaluated control findings?',
  }),
} as const;

type Values<T> = T[keyof T];
export type MessageCode = Values<typeof MSG>['code'];
export type RequestCode = Values<typeof REQ>['code'];
/** The request codes that take a given kind of answer. */
export type RequestCodeOf<K extends 'confirm' | 'input' | 'select'> = Extract<
  Values<typeof REQ>,
  { kind: K }
>['code'];

type DataOf<S> = S extends MessageSpec<string, infer T> ? T : never;

/** Whether the message is the declared one; narrows its data to the declared payload. */
export function isMessage<S extends MessageSpec<string, unknown>>(
  message: { code: string; data?: unknown },
  declared: S,
): message is TypedMessage<S['code'], DataOf<S>> & { data: DataOf<S> } {
  return message.code === declared.code;
}

/** Looks a code up, e.g. for `--json` consumers or docs. */
export const MESSAGE_BY_CODE: ReadonlyMap<string, MessageSpec<string, unknown>> = new Map(
  Object.values(MSG).map((m) => [m.code, m as MessageSpec<string, unknown>]),
);
