// The options model: every installer option declared once in the registry (options/registry.ts), merged
// from its layers (defaults < deployed < config < flags < answers) and validated into one object. Errors
// name the field, the value (cut to about 100 characters) and the accepted form, and are raised before any
// AWS client exists.
export * from './options/connection.js';
export * from './options/email.js';
export * from './options/model.js';
export {
  CLOUDFORMATION_MAX_RESOURCES,
  isOuPath,
  MAX_PRINCIPALS,
  PORTFOLIO_FIXED_RESOURCES,
  PORTFOLIO_RESOURCES_PER_PRINCIPAL,
  parseShare,
  SERVICE_CATALOG_MAX_PATTERN_PRINCIPALS,
} from './options/parsers.js';
export {
  defaultOptions,
  defineOption,
  OPTIONS,
  type OptionDef,
  optionDef,
  optionFlag,
  optionsToConfig,
  type ParseContext,
  type QuestionSpec,
} from './options/registry.js';
export { identityCenterLinks, mergeLayers, optionField, resolveOptions } from './options/resolve.js';
export { QUOTE_LIMIT, quote } from './options/values.js';
