// Reads back the installer's answers that a previous run stored in its stacks' template Metadata.
import { type CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import type { RawOptions } from '../core/options.js';
import { settingsFromTemplate } from '../core/render/settings.js';
import { isStackNotFoundError, translateAwsError } from './aws-errors.js';

/** The settings stored in the first of `stackNames` that exists and carries them; with the stack's name. */
export async function deployedSettings(
  cfn: CloudFormationClient,
  stackNames: string[],
): Promise<{ stackName: string; values: RawOptions } | undefined> {
  for (const stackName of stackNames) {
    let body: string | undefined;
    try {
      const out = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
      body = out.TemplateBody;
    } catch (error) {
      if (isStackNotFoundError(error)) continue;
      throw translateAwsError(error, { action: 'cloudformation:GetTemplate' });
    }
    const values = body ? settingsFromTemplate(body) : undefined;
    if (values) return { stackName, values };
  }
  return undefined;
}
