// OUs given by name or path (e.g. Workloads/Prod) become IDs before anything is rendered: the organization
// is asked with the management account's credentials, the only ones that may list its OUs.
import type { AwsContext } from '../../aws/clients.js';
import { resolveOus } from '../../aws/organization.js';
import { UsageError } from '../../core/errors.js';
import type { ResolvedShareTarget, SecnotifyOptions } from '../../core/options.js';
import { patterns } from '../../core/patterns.js';
import type { ResolvedOptions } from '../../ops/install/context.js';

const isId = (t: string) => t === 'root' || patterns.ouId.regex.test(t) || patterns.rootId.regex.test(t);

export async function resolveOuNames(
  options: SecnotifyOptions,
  management: AwsContext | undefined,
): Promise<ResolvedOptions> {
  const sharePaths = options.share.flatMap((t) => (t.kind === 'ou-path' ? [t.path] : []));
  const stackSetPaths = options.launchRole ? options.stacksetTargets.filter((t) => !isId(t)) : [];
  if (sharePaths.length === 0 && stackSetPaths.length === 0) {
    return { ...options, share: options.share.filter((t): t is ResolvedShareTarget => t.kind !== 'ou-path') };
  }
  const field = sharePaths.length > 0 ? '--share' : '--stackset-targets';
  if (!management) {
    throw new UsageError(
      `${field}: the OUs ${[...sharePaths, ...stackSetPaths].join(', ')} are given by name; looking them up needs the management account's credentials. Pass --management-profile or --management-role-arn, or give OU IDs (ou-…).`,
      { field },
    );
  }
  const org = await management.organizations();
  const share: ResolvedShareTarget[] = [];
  for (const target of options.share) {
    if (target.kind !== 'ou-path') share.push(target);
    else {
      const [id] = await resolveOus(org, [target.path], { field: '--share' });
      if (id && !share.some((t) => t.kind === 'ou' && t.id === id)) share.push({ kind: 'ou', id });
    }
  }
  const stacksetTargets: string[] = [];
  for (const target of options.stacksetTargets) {
    const [id] = isId(target) ? [target] : await resolveOus(org, [target], { field: '--stackset-targets' });
    if (id && !stacksetTargets.includes(id)) stacksetTargets.push(id);
  }
  return { ...options, share, stacksetTargets };
}
