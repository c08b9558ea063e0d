// The product's versions as deployed: read back from the portfolio stack (what CloudFormation holds as the
// product's ProvisioningArtifactParameters), and kept deprecated rather than deleted through the Service
// Catalog API (the CloudFormation resource cannot set Guidance). See src/core/product-versions.ts for why.
import { type CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import {
  type ServiceCatalogClient,
  UpdateProvisioningArtifactCommand,
} from '@aws-sdk/client-service-catalog';
import { parseCfnYaml } from '../core/cfn-yaml.js';
import { OperationError } from '../core/errors.js';
import { type ArtifactEntry, deployedArtifactEntries } from '../core/product-versions.js';
import { awsFailure, isStackNotFoundError, translateAwsError } from './aws-errors.js';
import { listProvisioningArtifacts, type ProvisioningArtifact } from './catalog.js';
import { describeStack } from './stacks.js';

/**
 * The versions the deployed portfolio stack keeps in its product, oldest first, the current one last;
 * undefined when the stack does not exist. Pass them to planProductVersions as `deployed`.
 */
export async function deployedProductVersions(
  cfn: CloudFormationClient,
  portfolioStackName: string,
): Promise<ArtifactEntry[] | undefined> {
  const info = await describeStack(cfn, portfolioStackName);
  if (!info) return undefined;
  let body: string | undefined;
  try {
    const out = await cfn.send(
      new GetTemplateCommand({ StackName: info.stackId, TemplateStage: 'Original' }),
    );
    body = out.TemplateBody;
  } catch (error) {
    if (isStackNotFoundError(error)) return undefined;
    throw translateAwsError(error, { action: 'cloudformation:GetTemplate' });
  }
  if (!body) throw new OperationError(`Stack ${portfolioStackName} returned no template.`);
  return deployedArtifactEntries(parseCfnYaml(body), info.parameters);
}

export interface DeprecationResult {
  /** The version left as the default (launchable) one. */
  current: ProvisioningArtifact;
  /** Versions this call marked DEPRECATED. */
  deprecated: ProvisioningArtifact[];
  /** True when the current version had been deprecated and was set back to DEFAULT. */
  restored: boolean;
}

/**
 * Marks every version but the current one DEPRECATED (UpdateProvisioningArtifact, Guidance DEPRECATED) and
 * makes sure the current one is DEFAULT. Users cannot launch a deprecated version, but provisioned
 * products on it keep working and can be updated to a newer one (UpdateProvisioningArtifact API reference).
 * Active is left as it is and nothing is deleted. Versions already deprecated are not touched again.
 */
export async function deprecateEarlierVersions(
  sc: ServiceCatalogClient,
  productId: string,
  currentName: string,
): Promise<DeprecationResult> {
  const artifacts = await listProvisioningArtifacts(sc, productId);
  // Oldest first: the newest artifact of the name is the current one (a name repeats only if added by hand).
  const current = artifacts.filter((a) => a.name === currentName).at(-1);
  if (!current) {
    throw new OperationError(
      `Product ${productId} has no version ${currentName} (it has ${artifacts.map((a) => a.name).join(', ') || 'none'}).`,
      { hint: 'Run the portfolio step again: secnotify install --steps portfolio' },
    );
  }
  const update = async (artifact: ProvisioningArtifact, guidance: 'DEFAULT' | 'DEPRECATED') => {
    try {
      await sc.send(
        new UpdateProvisioningArtifactCommand({
          ProductId: productId,
          ProvisioningArtifactId: artifact.id,
          Guidance: guidance,
        }),
      );
    } catch (error) {
      throw awsFailure(error, 'servicecatalog:UpdateProvisioningArtifact');
    }
  };
  const deprecated: ProvisioningArtifact[] = [];
  for (const a of artifacts) {
    if (a.id === current.id || a.guidance === 'DEPRECATED') continue;
    await update(a, 'DEPRECATED');
    deprecated.push({ ...a, guidance: 'DEPRECATED' });
  }
  const restored = current.guidance === 'DEPRECATED';
  if (restored) await update(current, 'DEFAULT');
  return { current: { ...current, guidance: 'DEFAULT' }, deprecated, restored };
}
