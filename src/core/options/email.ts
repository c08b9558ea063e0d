// Email addresses and domain names as they can be delivered to. Amazon SNS documents no pattern for an
// email endpoint beyond "an email address", so the checks follow the limits of RFC 5321 (local part at
// most 64 octets, domain at most 255, a path at most 256 including the angle brackets, hence 254 for the
// address) and RFC 1035 (labels of 1 to 63 letters, digits and hyphens, not starting or ending with a
// hyphen), restricted to ASCII, the characters the product template's address pattern allows.

/** One DNS label: letters, digits and hyphens, 1 to 63, no hyphen at either end. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Characters of the local part the product template accepts (a subset of RFC 5322's atext). */
const LOCAL = /^[A-Za-z0-9%+'_-]+(?:\.[A-Za-z0-9%+'_-]+)*$/;

/** A fully qualified domain name with at least two labels and an alphabetic (or IDNA `xn--`) top level. */
export function isDomainName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return false;
  const top = labels[labels.length - 1]!;
  return /^[a-z]{2,63}$/i.test(top) || /^xn--[a-z0-9-]{1,59}$/i.test(top);
}

/** An address an email subscription can be delivered to. */
export function isEmailAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return local.length <= 64 && LOCAL.test(local) && isDomainName(domain);
}

/** The domain of an address, lower case. */
export function emailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Whether an address is in one of the (lower-case) domains: exact match, a subdomain is another domain, and
 * the address's domain must be written in lower case as the product template's address pattern requires.
 */
export function inAllowedDomains(address: string, domains: readonly string[]): boolean {
  return domains.length === 0 || domains.includes(address.slice(address.lastIndexOf('@') + 1));
}
