// Account shares need the recipient's help. SharePrincipals "is only supported for portfolios with an
// OrganizationalNode Type of ORGANIZATION or ORGANIZATIONAL_UNIT" (CreatePortfolioShare), so the portfolio's
// IAM_PATTERN associations do not reach an account share; the recipient must import the portfolio
// (AcceptPortfolioShare, PortfolioShareType IMPORTED) and associate its own principals
// (AssociatePrincipalWithPortfolio, PrincipalType IAM_PATTERN: an ARN without an account ID, "*" allowed in
// the name, at most 10 per portfolio). OU shares need none of this, which is why the README recommends them.

export interface RecipientStep {
  what: string;
  command: string;
}

export interface RecipientInstructions {
  accountId: string;
  /** Run in the recipient account, in the hub Region, by someone allowed to administer Service Catalog. */
  steps: RecipientStep[];
  /** The same in the console. */
  consolePath: string;
}

export interface RecipientCommandsInput {
  accountId: string;
  portfolioId: string;
  hubRegion: string;
  /** The partition's principal patterns, e.g. principalArnPatterns(options, idcHomeRegion, 'aws'). */
  principalPatterns: readonly string[];
}

/** POSIX shell single quotes: the patterns carry `*`, which must reach the CLI unexpanded. */
function quote(value: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact AWS CLI commands the recipient of an account share runs: accept the imported portfolio, then
 * associate every principal pattern the hub's portfolio uses.
 */
export function recipientCommands(input: RecipientCommandsInput): RecipientInstructions {
  const { portfolioId, hubRegion } = input;
  if (input.principalPatterns.some((p) => /\$\{/.test(p))) {
    throw new Error(
      'recipientCommands needs literal principal patterns (give the partition, not ${AWS::Partition})',
    );
  }
  const region = `--region ${quote(hubRegion)}`;
  const steps: RecipientStep[] = [
    {
      what: 'Accept (import) the shared portfolio',
      command: `aws servicecatalog accept-portfolio-share --portfolio-id ${quote(portfolioId)} --portfolio-share-type IMPORTED ${region}`,
    },
    ...input.principalPatterns.map((pattern) => ({
      what: `Let ${pattern.split('/').pop()} launch the product`,
      command: `aws servicecatalog associate-principal-with-portfolio --portfolio-id ${quote(portfolioId)} --principal-type IAM_PATTERN --principal-arn ${quote(pattern)} ${region}`,
    })),
  ];
  return {
    accountId: input.accountId,
    steps,
    consolePath: `Service Catalog console (${hubRegion}) > Portfolios > Imported > ${portfolioId}: accept the share, then Access > Grant access with the principal patterns above.`,
  };
}

export type AccountShareState = 'accepted' | 'not-accepted';

export interface AccountShareAcceptance {
  accountId: string;
  state: AccountShareState;
}

/**
 * Acceptance of the account shares as `status` shows it. DescribePortfolioShares (Type ACCOUNT) reports
 * `Accepted` for each recipient; a share to an organization node is imported automatically and always
 * reads true (PortfolioShareDetail), so only account shares can be pending.
 */
export function accountShareAcceptance(
  shares: readonly { type: string; principalId: string; accepted: boolean }[],
): AccountShareAcceptance[] {
  return shares
    .filter((s) => s.type === 'ACCOUNT')
    .map((s) => ({
      accountId: s.principalId,
      state: s.accepted ? ('accepted' as const) : ('not-accepted' as const),
    }))
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
}
