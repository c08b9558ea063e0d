// Undoing the organization setup (only with `uninstall --include-org-setup`, from the management account):
// the hub's Service Catalog delegated administration, then Service Catalog's AWS Organizations access.
// StackSets trusted access is left alone: every service-managed StackSet of the organization relies on it.
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { DeregisterDelegatedAdministratorCommand } from '@aws-sdk/client-organizations';
import {
  DisableAWSOrganizationsAccessCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { awsFailure, isAwsErrorNamed } from './aws-errors.js';
import { serviceCatalogOrgAccessStatus } from './organization.js';

/** Deregisters `accountId` as delegated administrator of the service; 'absent' when it was not one. */
export async function deregisterDelegatedAdmin(
  org: OrganizationsClient,
  accountId: string,
  servicePrincipal: string,
): Promise<'deregistered' | 'absent'> {
  try {
    await org.send(
      new DeregisterDelegatedAdministratorCommand({
        AccountId: accountId,
        ServicePrincipal: servicePrincipal,
      }),
    );
    return 'deregistered';
  } catch (error) {
    if (isAwsErrorNamed(error, 'AccountNotRegisteredException')) return 'absent';
    throw awsFailure(error, 'organizations:DeregisterDelegatedAdministrator');
  }
}

/**
 * Turns off Service Catalog's AWS Organizations access. AWS refuses while any Service Catalog delegated
 * administrator remains (another team's, say): that is reported as 'in-use', not thrown.
 */
export async function disableServiceCatalogOrgAccess(
  sc: ServiceCatalogClient,
): Promise<'disabled' | 'absent' | { inUse: string }> {
  if ((await serviceCatalogOrgAccessStatus(sc)) === 'DISABLED') return 'absent';
  try {
    await sc.send(new DisableAWSOrganizationsAccessCommand({}));
    return 'disabled';
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidStateException', 'OperationNotSupportedException')) {
      return { inUse: error instanceof Error ? error.message : String(error) };
    }
    throw awsFailure(error, 'servicecatalog:DisableAWSOrganizationsAccess');
  }
}
