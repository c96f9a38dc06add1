// The Resource: `service.*`, `telemetry.sdk.*` and `OTEL_RESOURCE_ATTRIBUTES`.
import { type Attributes, diag } from '@opentelemetry/api';
import { type EnvReader, parseKeyValueList } from './env.js';
import type { Resource } from './types.js';
import { VERSION } from './version.js';

export interface ResourceOptions {
  serviceName?: string | undefined;
  serviceVersion?: string | undefined;
  attributes?: Attributes | undefined;
}

function runtimeLanguage(): string {
  const versions = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions;
  const isWorkerd = globalThis.navigator?.userAgent === 'Cloudflare-Workers';
  return typeof versions?.node === 'string' && !isWorkerd ? 'nodejs' : 'webjs';
}

/**
 * Builds the resource. Precedence, lowest first: SDK defaults, `OTEL_RESOURCE_ATTRIBUTES`,
 * `attributes`, `OTEL_SERVICE_NAME`, then `serviceName`/`serviceVersion` given in code.
 */
export function createResource(options: ResourceOptions, env: EnvReader): Resource {
  const attributes: Attributes = {
    'service.name': 'unknown_service',
    'telemetry.sdk.name': 'edgetrace',
    'telemetry.sdk.language': runtimeLanguage(),
    'telemetry.sdk.version': VERSION,
  };
  const fromEnv = env.string('OTEL_RESOURCE_ATTRIBUTES');
  if (fromEnv !== undefined) {
    const parsed = parseKeyValueList(fromEnv);
    if (parsed === null) {
      diag.warn('edgetrace: OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs; ignored');
    } else {
      Object.assign(attributes, parsed);
    }
  }
  Object.assign(attributes, options.attributes);
  const serviceName = options.serviceName ?? env.string('OTEL_SERVICE_NAME');
  if (serviceName !== undefined) attributes['service.name'] = serviceName;
  if (options.serviceVersion !== undefined) attributes['service.version'] = options.serviceVersion;
  return { attributes, droppedAttributesCount: 0 };
}
