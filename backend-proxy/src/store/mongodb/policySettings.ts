import { DEFAULT_POLICY_CONFIG, type DriftPolicySettings } from '../../monitoring/drift/policy/policyConfig';
import { plainNumber, plainString } from './codec';

/**
 * Drift policy settings as stored: only the known fields, each a plain value, so nothing else a
 * caller attached (or an operator in a query) gets stored or read back.
 */
export function policySettingsDoc(settings: DriftPolicySettings | null): DriftPolicySettings | null {
  if (settings === null) return null;
  const doc: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_POLICY_CONFIG) as Array<keyof DriftPolicySettings>) {
    const value = settings[key];
    if (value === undefined) continue;
    doc[key] = key === 'policy' ? plainString(value, key) : plainNumber(value, key);
  }
  return doc as DriftPolicySettings;
}
