// Typed errors, thrown where the problem is known and printed once, at the entry (src/cli/main.ts).

export const ExitCode = {
  Success: 0,
  Failure: 1,
  Usage: 2,
  /** `install --dry-run --detailed-exitcode`: the plan has changes (as `terraform plan -detailed-exitcode`). */
  ChangesPending: 3,
  /** The user answered No to "Apply this plan?": nothing was changed. */
  Declined: 4,
  /** Ctrl-C (or SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class SecnotifyError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What the user can do next (a command or a console path); printed under the message. */
  readonly hint?: string;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Bad flags, config or answers: exit 2, raised before any AWS call. */
export class UsageError extends SecnotifyError {
  readonly exitCode = ExitCode.Usage;
  /** The option or config key at fault, e.g. `--timezone` or `config.share`. */
  readonly field?: string;
  constructor(message: string, options?: { field?: string; hint?: string; cause?: unknown }) {
    super(message, options);
    this.field = options?.field;
  }
}

/** The user (or a second Ctrl-C) stopped the run. */
export class AbortError extends SecnotifyError {
  readonly exitCode = ExitCode.Interrupted;
}

/** The user declined the plan: exit 4 ("Cancelled, nothing changed."), distinct from Ctrl-C's 130. */
export class DeclinedError extends SecnotifyError {
  readonly exitCode = ExitCode.Declined;
}

export interface FailedResource {
  stackName: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

/** A stack or API operation failed in AWS; carries the failed resources with their reasons. */
export class DeploymentError extends SecnotifyError {
  readonly exitCode = ExitCode.Failure;
  readonly failedResources: FailedResource[];
  constructor(
    message: string,
    options?: { failedResources?: FailedResource[]; hint?: string; cause?: unknown },
  ) {
    super(message, options);
    this.failedResources = options?.failedResources ?? [];
  }
}

/** Any other failure that has a clear message for the user (expired credentials, missing permission, …). */
export class OperationError extends SecnotifyError {
  readonly exitCode = ExitCode.Failure;
}
