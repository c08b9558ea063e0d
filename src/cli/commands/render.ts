// `secnotify render --out DIR`: every template install would deploy, rendered for the options given, plus
// per stack the parameters install would pass. Offline: no credentials, no network; values that need an AWS
// look-up are written as <lookup:…> placeholders and listed on stderr.
import { UsageError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { inAllowedDomains, isEmailAddress, nonEmptyPath, quote } from '../../core/options.js';
import { patterns } from '../../core/patterns.js';
import { partitionOfRegion } from '../../core/principals.js';
import { renderInfrastructure } from '../../core/render/infrastructure.js';
import { renderProductTemplate } from '../../core/render/product.js';
import type { RenderFlags } from '../command-options.js';
import { type CommandContext, gatherOptions } from '../context.js';
import { checkTargetFolder, type FolderFile, replaceFolder } from '../io/replace-folder.js';

interface RenderedFile {
  stack: string;
  stackName?: string;
  account: string;
  region: string;
  template: string;
  parameters: string;
  placeholders: string[];
}

function hubRegionOffline(ctx: CommandContext, fromConfig?: string): string {
  const region = ctx.globals.region ?? fromConfig ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined) {
    ctx.io.notify({
      level: 'warn',
      code: MSG.RENDER_DEFAULT_REGION.code,
      text: 'No region given (--region or AWS_REGION): rendering for us-east-1.',
    });
    return 'us-east-1';
  }
  if (!patterns.region.regex.test(region)) {
    throw new UsageError(`--region: "${region}" is not valid; expected ${patterns.region.form}.`, {
      field: '--region',
    });
  }
  return region;
}

/** At most this many addresses: the product's EmailAddresses parameter takes up to 10. */
const MAX_SUBSCRIBER_EMAILS = 10;

function subscriberEmails(value: string | undefined, allowedDomains: string[]): string | undefined {
  if (value === undefined) return undefined;
  const field = '--subscriber-emails';
  const text = value.trim();
  const addresses = text.split(',').map((a) => a.trim());
  const bad = addresses.find((a) => !isEmailAddress(a));
  if (text === '' || bad !== undefined || addresses.length > MAX_SUBSCRIBER_EMAILS) {
    throw new UsageError(
      `${field}: ${quote(bad ?? text)} is not valid; expected up to ${MAX_SUBSCRIBER_EMAILS} email addresses separated by commas, e.g. team@example.com,oncall@example.com.`,
      { field },
    );
  }
  const outside = addresses.find((a) => !inAllowedDomains(a, allowedDomains));
  if (outside !== undefined) {
    throw new UsageError(
      `${field}: ${quote(outside)} is not at one of the allowed email domains (${allowedDomains.join(', ')}), written in lower case.`,
      { field },
    );
  }
  return addresses.join(',');
}

const asCfnParameters = (parameters: Record<string, string>) =>
  `${JSON.stringify(
    Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    null,
    2,
  )}\n`;

/** What a render writes, so that a folder holding only such files (an earlier render) may be replaced. */
const isRenderedFile = (name: string) => /\.(yaml|parameters\.json)$/.test(name);

export async function run(ctx: CommandContext, flags: RenderFlags): Promise<void> {
  const out = nonEmptyPath('--out', flags.out)!;
  const { options, connection } = gatherOptions(ctx, flags);
  const emails = subscriberEmails(flags.subscriberEmails, options.allowedEmailDomains);
  const hubRegion = hubRegionOffline(ctx, connection.region);
  // The folder is checked before rendering and replaced as a whole afterwards: it holds exactly the new
  // render or is left as it was.
  const folder = { field: '--out', isOurs: isRenderedFile };
  const outDir = checkTargetFolder(out, folder);

  const product = renderProductTemplate(options, { partition: partitionOfRegion(hubRegion) });
  if (options.principalType === 'identity-center' && options.idcRegion === undefined) {
    // Offline there is nothing to look the home Region up in; install would, or stop and ask for it.
    ctx.io.notify({
      level: 'warn',
      code: MSG.RENDER_IDC_REGION.code,
      text: `No --idc-region: the principals' role paths and the permission set are rendered for ${hubRegion}; pass --idc-region with the Identity Center home Region for the real ones.`,
    });
  }
  const stacks = renderInfrastructure(options, { hubRegion, idcHomeRegion: options.idcRegion });

  const files: FolderFile[] = [];
  const written: RenderedFile[] = [];
  for (const stack of stacks) {
    const parametersFile = stack.fileName.replace(/\.yaml$/, '.parameters.json');
    files.push({ name: stack.fileName, body: stack.body });
    files.push({ name: parametersFile, body: asCfnParameters(stack.parameters) });
    written.push({
      stack: stack.id,
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      template: stack.fileName,
      parameters: parametersFile,
      placeholders: stack.placeholders,
    });
  }
  // The product template is not a stack of ours: every subscriber's launch creates one from it. Its
  // parameters file is a sample launch, e.g. for a trial with `aws cloudformation deploy`.
  files.push({ name: 'product.yaml', body: product.body });
  const productParameters = { EmailAddresses: emails ?? '<your-address@example.com>' };
  files.push({ name: 'product.parameters.json', body: asCfnParameters(productParameters) });
  written.push({
    stack: 'product',
    account: 'member accounts, at launch',
    region: hubRegion,
    template: 'product.yaml',
    parameters: 'product.parameters.json',
    placeholders: [],
  });

  replaceFolder(outDir, files, folder);

  const placeholders = [...new Set(written.flatMap((w) => w.placeholders))];
  if (placeholders.length > 0) {
    ctx.io.notify({
      level: 'info',
      code: MSG.RENDER_PLACEHOLDERS.code,
      text: `Values install looks up in AWS, left as placeholders here: ${placeholders.join(', ')}`,
    });
  }
  const lines = [
    `Rendered ${written.length} templates into ${outDir}:`,
    ...written.map(
      (w) =>
        `  ${w.template.padEnd(28)} ${w.parameters.padEnd(40)} ${w.stackName ?? '(launched by subscribers)'}` +
        (w.placeholders.length
          ? `  [${w.placeholders.length} look-up${w.placeholders.length === 1 ? '' : 's'}]`
          : ''),
    ),
    `Product template sha256 ${product.sha256}`,
  ];
  ctx.io.result(
    { outDir, hubRegion, productSha256: product.sha256, files: written, placeholders },
    lines.join('\n'),
  );
}
