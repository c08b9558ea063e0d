// The CloudFormation stack engine (src/aws/stacks/): every deployment goes through a change set (shown,
// confirmed, then executed), stack activity goes to the IoHost as typed SN_STACK_ACTIVITY messages, and
// failures carry the failed resources with CloudFormation's reasons. It never prints or prompts.
export type { ResourceChange, StackEvent, StackOperation } from '../core/stack-activity.js';
export { deleteStack } from './stacks/delete.js';
export { type DeployHooks, type DeployResult, deployStack, type StackSpec } from './stacks/deploy.js';
export { describeStack, type StackInfo, stackOutputs } from './stacks/describe.js';
export { deriveOutputs, type OutputScope } from './stacks/emulator-outputs.js';
export type { StackHooks } from './stacks/run.js';
