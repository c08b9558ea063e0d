// Product versions (Service Catalog provisioning artifacts) are kept, never replaced.
//
// What AWS::ServiceCatalog::CloudFormationProduct does (CloudFormation template reference and its resource
// schema in cfn-lint's data): with ReplaceProvisioningArtifacts off (the default), the artifacts in
// ProvisioningArtifactParameters "are matched by a combination of provisioning artifact template URL and
// name", "only those that have been updated will be changed"; the update handler holds
// servicecatalog:DeleteProvisioningArtifact, and an artifact that drops out of the list is deleted (the AWS
// CDK's ProductStackHistory exists because "the default behavior … is to overwrite each product version").
// ReplaceProvisioningArtifacts on replaces them all. The resource has no Guidance or Active property
// (cloudformation-coverage-roadmap#1356), so it cannot mark a version deprecated.
//
// Hence: every version ever published stays in the list, unchanged (same name, same URL, same
// description), and only a new template adds an entry; the earlier versions are then marked DEPRECATED
// through UpdateProvisioningArtifact (src/aws/product-versions.ts). A deprecated version cannot be launched
// anew, but provisioned products on it keep working and can be updated to the new version (Service Catalog
// administrator guide, "Managing versions"). Nothing here ever deletes a version.
import type { CfnTemplate } from './cfn-yaml.js';
import { UsageError } from './errors.js';

/** One entry of the product's ProvisioningArtifactParameters, with every value resolved. */
export interface ArtifactEntry {
  name: string;
  templateUrl: string;
  description?: string;
}

export const ARTIFACT_DESCRIPTION = 'Security Hub notifications product template.';

export interface ProductVersionPlan {
  /** Every earlier version, rendered as literal entries before the current one (oldest first). */
  earlier: ArtifactEntry[];
  /** The version subscribers should use: the portfolio stack's ProductVersion/ProductTemplateUrl. */
  current: ArtifactEntry;
  /** True when this run adds a provisioning artifact (a new template, or a first install). */
  publishes: boolean;
  /** An explicit --product-version that was not used because the template did not change. */
  ignoredVersion?: string;
}

/**
 * The name of the next product version: the explicit one when given, else v<max existing vN + 1>
 * (v1 for a product without `vN` versions). Names such as `1.0` or `beta` do not count.
 */
export function nextProductVersion(existingNames: string[], explicit?: string): string {
  const wanted = explicit?.trim();
  if (wanted) return wanted;
  let max = 0;
  for (const name of existingNames) {
    const m = /^v(\d+)$/i.exec(name.trim());
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `v${max + 1}`;
}

export interface PlanProductVersionsInput {
  /** The deployed product's entries (deployedArtifactEntries), oldest first, the current one last; [] on a first install. */
  deployed: ArtifactEntry[];
  /** Where the product template of this run is (its key carries the content hash). */
  templateUrl: string;
  /** --product-version, when given. */
  explicitVersion?: string;
  /** Names of the product's other artifacts (ListProvisioningArtifacts), e.g. versions added in the console. */
  otherNames?: string[];
}

/**
 * Decides the product's versions for this run. An unchanged template keeps the current version (an explicit
 * name is then reported as ignored: renaming an artifact would make CloudFormation replace it). A changed
 * template (also one changed back to an earlier content) adds a version named by --product-version or the
 * next vN; a name already in use is refused, because two versions of one name are indistinguishable to
 * subscribers.
 */
export function planProductVersions(input: PlanProductVersionsInput): ProductVersionPlan {
  const deployed = input.deployed;
  const current = deployed.at(-1);
  const explicit = input.explicitVersion?.trim() || undefined;
  if (current && current.templateUrl === input.templateUrl) {
    return {
      earlier: deployed.slice(0, -1),
      current,
      publishes: false,
      ...(explicit && explicit !== current.name ? { ignoredVersion: explicit } : {}),
    };
  }
  const names = [...deployed.map((e) => e.name), ...(input.otherNames ?? [])];
  if (explicit && names.includes(explicit)) {
    throw new UsageError(
      `--product-version ${explicit} already names a version of the product; a changed template needs a new name.`,
      {
        field: '--product-version',
        hint: `Leave --product-version out to publish ${nextProductVersion(names)}, or choose a name not in: ${[...new Set(names)].join(', ')}.`,
      },
    );
  }
  return {
    earlier: deployed,
    current: {
      name: nextProductVersion(names, explicit),
      templateUrl: input.templateUrl,
      description: ARTIFACT_DESCRIPTION,
    },
    publishes: true,
  };
}

type Value = unknown;

function resolve(value: Value, parameters: Record<string, string>, what: string): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Ref' in value) {
    const name = String((value as { Ref: unknown }).Ref);
    const resolved = parameters[name];
    if (resolved === undefined) throw new Error(`${what}: parameter ${name} has no deployed value`);
    return resolved;
  }
  throw new Error(`${what}: cannot resolve ${JSON.stringify(value)}`);
}

/**
 * The product's ProvisioningArtifactParameters in a deployed portfolio template, with `Ref`s resolved from
 * the stack's parameter values: exactly what CloudFormation holds as the resource's current properties.
 */
export function deployedArtifactEntries(
  template: CfnTemplate,
  parameters: Record<string, string>,
  logicalId = 'Product',
): ArtifactEntry[] {
  const product = template.Resources[logicalId];
  if (!product) throw new Error(`the deployed portfolio template has no ${logicalId} resource`);
  const list = (product.Properties?.ProvisioningArtifactParameters ?? []) as Record<string, Value>[];
  return list.map((entry, i) => {
    const what = `${logicalId}.ProvisioningArtifactParameters[${i}]`;
    const info = (entry.Info ?? {}) as Record<string, Value>;
    const description =
      entry.Description === undefined ? undefined : resolve(entry.Description, parameters, what);
    return {
      name: resolve(entry.Name, parameters, what),
      templateUrl: resolve(info.LoadTemplateFromURL, parameters, what),
      ...(description === undefined ? {} : { description }),
    };
  });
}

export type VersionState = 'current' | 'deprecated' | 'inactive' | 'active';

export interface VersionRow {
  id: string;
  name: string;
  createdTime?: Date;
  /** current: the one install publishes; deprecated: Guidance DEPRECATED; inactive: hidden from users. */
  state: VersionState;
}

/**
 * The product's versions for `status`, oldest first: which one is current, which are deprecated (still
 * updatable, not launchable) and which are inactive (hidden).
 */
export function describeProductVersions(
  artifacts: readonly {
    id: string;
    name: string;
    createdTime?: Date;
    active: boolean;
    guidance: 'DEFAULT' | 'DEPRECATED';
  }[],
  currentName?: string,
): VersionRow[] {
  const sorted = [...artifacts].sort(
    (x, y) => (x.createdTime?.getTime() ?? 0) - (y.createdTime?.getTime() ?? 0),
  );
  // The newest artifact of the current name is the current one (names repeat only if added by hand).
  const currentId = currentName ? sorted.filter((a) => a.name === currentName).at(-1)?.id : undefined;
  return sorted.map((a) => ({
    id: a.id,
    name: a.name,
    ...(a.createdTime ? { createdTime: a.createdTime } : {}),
    state: !a.active
      ? 'inactive'
      : a.id === currentId
        ? 'current'
        : a.guidance === 'DEPRECATED'
          ? 'deprecated'
          : 'active',
  }));
}
