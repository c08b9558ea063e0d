// A stack's change set worked out before the one confirmation: the change set is created and held (its
// `confirm` hook waits), the plan shows what it changes, and after "Apply this plan?" the same change set is
// executed (or discarded on No, Ctrl-C or a dry run). Also the stored-settings diff: the answers travel in
// the template Metadata (core/render/settings.ts), so a run that only changes answers is named as such.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { deployedSettings } from '../../aws/deployed-settings.js';
import { type DeployResult, deployStack, type ResourceChange } from '../../aws/stacks.js';
import type { IoHost } from '../../core/io.js';
import type { RawOptions } from '../../core/options.js';
import type { RenderedStack } from '../../core/render/infrastructure.js';
import { settingsOf } from '../../core/render/settings.js';
import type { AccountRole } from '../engine.js';
import type { InstallContext } from './context.js';

export interface SettingChange {
  key: string;
  from?: unknown;
  to?: unknown;
}

/** resources: the change set changes resources; settings: only the stored answers; none: nothing. */
export type StackChangeKind = 'resources' | 'settings' | 'none';

export interface StackPlan {
  stackName: string;
  account: AccountRole;
  region: string;
  /** Whether the stack exists (an update) or is created. */
  exists: boolean;
  kind: StackChangeKind;
  changes: ResourceChange[];
  settings: SettingChange[];
}

export interface PreparedStack {
  plan: StackPlan;
  /** Executes the held change set (no question); the result of a stack with nothing to do as it was. */
  execute(): Promise<DeployResult>;
  /** Discards the held change set (and the empty stack a CREATE change set made). */
  discard(): Promise<void>;
}

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/** The answers that differ between the stored settings and this run's, key by key. */
export function settingsDiff(stored: RawOptions | undefined, next: RawOptions): SettingChange[] {
  if (!stored) return [];
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(next)])].sort();
  const out: SettingChange[] = [];
  for (const key of keys) {
    const from = (stored as Record<string, unknown>)[key];
    const to = (next as Record<string, unknown>)[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ key, from, to });
  }
  return out;
}

export function settingsText(changes: SettingChange[]): string {
  return changes.map((c) => `${c.key} ${show(c.from)} → ${show(c.to)}`).join(', ');
}

/** Creates the change set and holds it until `execute` or `discard`. */
export async function prepareStack(
  ctx: Pick<InstallContext, 'options' | 'dryRun' | 'pollIntervalMs'>,
  run: { io: IoHost; signal: AbortSignal; step: string },
  cfn: CloudFormationClient,
  stack: RenderedStack,
  account: AccountRole,
): Promise<PreparedStack> {
  const stored = await deployedSettings(cfn, [stack.stackName]);
  let release: (go: boolean) => void = () => {};
  const gate = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  type Preview = { changes: ResourceChange[] } | { result: DeployResult } | { error: unknown };
  let preview: (p: Preview) => void = () => {};
  const previewed = new Promise<Preview>((resolve) => {
    preview = resolve;
  });
  const done = deployStack(
    cfn,
    {
      stackName: stack.stackName,
      templateBody: stack.body,
      parameters: stack.parameters,
      capabilities: stack.capabilities,
      tags: { 'secnotify:stack': stack.id },
    },
    {
      io: run.io,
      step: run.step,
      signal: run.signal,
      dryRun: ctx.dryRun,
      ...(ctx.pollIntervalMs ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
      confirm: (changes) => {
        preview({ changes });
        return gate;
      },
    },
  );
  done.then(
    (result) => preview({ result }),
    (error: unknown) => preview({ error }),
  );
  const p = await previewed;
  if ('error' in p) throw p.error;
  const changes = 'changes' in p ? p.changes : p.result.changes;
  const held = 'changes' in p || p.result.outcome === 'dry-run';
  const settings = settingsDiff(stored?.values, settingsOf(ctx.options));
  // A change set without resource changes changes the template only: the stored answers (named) or outputs.
  // CloudFormation itself refuses a Metadata-only update ("you cannot update the Metadata section by
  // itself", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html):
  // there the change set comes back empty ('none') and the plan says the settings wait for a resource change.
  const kind: StackChangeKind = changes.length > 0 ? 'resources' : held ? 'settings' : 'none';
  return {
    plan: {
      stackName: stack.stackName,
      account,
      region: stack.region,
      exists: stored !== undefined || changes.some((c) => c.action !== 'Add'),
      kind,
      changes,
      settings,
    },
    execute: () => {
      release(true);
      return done;
    },
    discard: async () => {
      release(false);
      await done.catch(() => undefined);
    },
  };
}
