// What the stack engine reports while it works, as data: the IoHost turns these into lines in CI, a live
// view on a terminal, or JSON lines with --json (CDK's stack-activity messages play the same part).

export interface ResourceChange {
  /** Add, Modify, Remove, Import, Dynamic. */
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** True, False or Conditional (Modify only). */
  replacement?: string;
}

export type StackOperation = 'create' | 'update' | 'delete';

interface Scoped {
  stackName: string;
  /** The install or uninstall step the stack belongs to; steps may run at the same time. */
  step?: string;
}

export type StackEvent = Scoped &
  (
    | {
        kind: 'change-set-created';
        changeSetName: string;
        changeSetType: 'CREATE' | 'UPDATE';
        changes: ResourceChange[];
      }
    | { kind: 'operation-started'; operation: StackOperation; timestamp: Date }
    | {
        kind: 'resource';
        logicalId: string;
        physicalId?: string;
        resourceType: string;
        status: string;
        reason?: string;
        timestamp: Date;
      }
    /** The stack's own status changed (from its events, or seen while waiting for another operation). */
    | { kind: 'stack-status'; status: string; reason?: string; timestamp: Date }
    | { kind: 'operation-finished'; operation: StackOperation; status: string; ok: boolean }
  );

/** The payload of the engine's notices (no changes, dry run, declined, waiting for another operation …). */
export interface StackNotice extends Scoped {}

export const OPERATION_VERB: Record<StackOperation, string> = {
  create: 'Creating',
  update: 'Updating',
  delete: 'Deleting',
};
export const OPERATION_DONE: Record<StackOperation, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
};

/** One uncoloured line for the event: the text of its message, for hosts and logs that show no live view. */
export function describeStackEvent(event: StackEvent): string {
  switch (event.kind) {
    case 'change-set-created':
      return `Change set ${event.changeSetName} for ${event.stackName}: ${event.changes.length} resource change(s)`;
    case 'operation-started':
      return `${OPERATION_VERB[event.operation]} stack ${event.stackName} …`;
    case 'resource':
      return [event.stackName, event.logicalId, event.resourceType, event.status, event.reason ?? '']
        .join(' ')
        .trimEnd();
    case 'stack-status':
      return [
        event.stackName,
        event.stackName,
        'AWS::CloudFormation::Stack',
        event.status,
        event.reason ?? '',
      ]
        .join(' ')
        .trimEnd();
    case 'operation-finished':
      return event.ok
        ? `Stack ${event.stackName} ${OPERATION_DONE[event.operation]} (${event.status})`
        : `Stack ${event.stackName} failed to ${event.operation} (${event.status})`;
  }
}
