// `secnotify render --out DIR`: every template install would deploy, rendered for the options given, plus
// per stack the parameters install would pass. Offline: no credentials, no network; values that need an AWS
// look-up are written as <lookup:…> placeholders and listed on stderr.
import { UsageError } from '../../core/errors.js';
import { patterns } from '../../core/patterns.js';
import { renderInfrastructure } from '../../core/render/infrastructure.js';
import { productEmailPattern, renderProductTemplate } from '../../core/render/product.js';
import type { CommandContext } from '../context.js';
import { gatherOptions } from '../context.js';
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
      code: 'SN_RENDER_DEFAULT_REGION',
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

function subscriberEmails(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!new RegExp(productEmailPattern()).test(text)) {
    throw new UsageError(
      `--subscriber-emails: ${JSON.stringify(text)} is not valid; expected up to 10 email addresses separated by commas, e.g. team@example.com,oncall@example.com.`,
      { field: '--subscriber-emails' },
    );
  }
  return text;
}

const asCfnParameters = (parameters: Record<string, string>) =>
  `${JSON.stringify(
    Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    null,
    2,
  )}\n`;

/** What a render writes, so that a folder holding only such files (an earlier render) may be replaced. */
const isRenderedFile = (name: string) => /\.(yaml|parameters\.json)$/.test(name);

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const { options, connection } = gatherOptions(ctx.globals, opts);
  const emails = subscriberEmails(opts.subscriberEmails);
  const hubRegion = hubRegionOffline(ctx, connection.region);
  // The folder is checked before rendering and replaced as a whole afterwards: it holds exactly the new
  // render or is left as it was.
  const folder = { field: '--out', isOurs: isRenderedFile };
  const outDir = checkTargetFolder(String(opts.out), folder);

  const product = renderProductTemplate(options, {});
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
      code: 'SN_RENDER_PLACEHOLDERS',
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
