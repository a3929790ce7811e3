import { describe, expect, it } from 'vitest';
import { generateApiSchema } from '../../../scripts/generate-api-schema.mjs';
import { API_SCHEMA } from './api-schema.js';

describe('generated API schema', () => {
  it('is current with node_modules/kubernetes-types (run `node scripts/generate-api-schema.mjs` when this fails)', () => {
    expect(API_SCHEMA).toEqual(generateApiSchema());
  });

  it('describes the fields users write most', () => {
    expect(API_SCHEMA.types['core.Container']?.imagePullPolicy).toBe('string');
    expect(API_SCHEMA.types['core.ServicePort']?.targetPort).toBe('int-or-string');
    expect(API_SCHEMA.types['core.ResourceRequirements']?.limits).toBe('{}quantity');
    expect(API_SCHEMA.types['apps.DeploymentSpec']?.template).toBe('core.PodTemplateSpec');
  });
});
