/** The names and ids every entry point accepts (HTTP, CLI, Grafana targets), defined once. */
import { z } from 'zod';
import { ENDPOINT_ID_PATTERN } from '../monitoring/endpoints/endpointId';
import { MAX_SEGMENT_VALUE_LENGTH, SEGMENT_KEY_PATTERN } from '../monitoring/segments/segmentDeclaration';

// Names become keys and filter values; keep them free of anything a database could read as syntax.
export const projectName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'letters, digits, "_", "-" and "." (max 64), starting with a letter or digit',
  );
export const experimentName = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.\-/: ]{0,199}$/,
    'letters, digits, space and "_ . - / :" (max 200), not starting with a symbol',
  );
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-:]{0,127}$/, 'letters, digits and "_ . - :" (max 128)');
export const endpointIdSchema = z.string().regex(ENDPOINT_ID_PATTERN, 'an endpoint id (40 hex characters)');
export const segmentKeySchema = z
  .string()
  .regex(SEGMENT_KEY_PATTERN, 'a segment key: a letter or "_", then letters, digits or "_" (max 64)');
export const segmentValueSchema = z.string().min(1).max(MAX_SEGMENT_VALUE_LENGTH);
