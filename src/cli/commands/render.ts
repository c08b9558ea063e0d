// `secnotify render --out DIR`: every template install would deploy, rendered for the options given, plus
// per stack the parameters install would pass. Offline: no credentials, no network; values that need an AWS
// look-up are written as <lookup:…> placeholders and listed on stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { patterns } from '../../core/patterns.js';
import { partitionOfRegion } from '../../core/principals.js';
import { renderInfrastructure } from '../../core/render/infrastructure.js';
import { productEmailPattern, renderProductTemplate } from '../../core/render/product.js';
import type { CommandContext } from '../context.js';
import { gatherOptions } from '../context.js';

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

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const { options, connection } = gatherOptions(ctx.globals, opts);
  const emails = subscriberEmails(opts.subscriberEmails);
  const hubRegion = hubRegionOffline(ctx, connection.region);
  const outDir = resolve(String(opts.out));

  const product = renderProductTemplate(options, { partition: partitionOfRegion(hubRegion) });
  const stacks = renderInfrastructure(options, { hubRegion, idcHomeRegion: options.idcRegion });

  mkdirSync(outDir, { recursive: true });
  const written: RenderedFile[] = [];
  for (const stack of stacks) {
    const parametersFile = stack.fileName.replace(/\.yaml$/, '.parameters.json');
    writeFileSync(join(outDir, stack.fileName), stack.body);
    writeFileSync(join(outDir, parametersFile), asCfnParameters(stack.parameters));
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
  writeFileSync(join(outDir, 'product.yaml'), product.body);
  const productParameters = { EmailAddresses: emails ?? '<your-address@example.com>' };
  writeFileSync(join(outDir, 'product.parameters.json'), asCfnParameters(productParameters));
  written.push({
    stack: 'product',
    account: 'member accounts, at launch',
    region: hubRegion,
    template: 'product.yaml',
    parameters: 'product.parameters.json',
    placeholders: [],
  });

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
