// The Resource: `service.*`, `telemetry.sdk.*` and `OTEL_RESOURCE_ATTRIBUTES`.
import type { Attributes } from '@opentelemetry/api';
import { type EnvReader, parseKeyValueList } from '../config/env.js';
import { report } from '../config/report.js';
import { isWorkerd } from '../config/runtime.js';
import type { Resource } from './types.js';
import { VERSION } from './version.js';

export interface ResourceOptions {
  serviceName?: string | undefined;
  serviceVersion?: string | undefined;
  attributes?: Attributes | undefined;
}

function runtimeLanguage(): string {
  if (isWorkerd()) return 'webjs'; // its process (nodejs_compat) is not a Node process
  const versions = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions;
  return typeof versions?.node === 'string' ? 'nodejs' : 'webjs';
}

/**
 * `unknown_service:<executable>` where a process has an executable name (`node`, `bun`, `deno`),
 * as the resource conventions ask; plain `unknown_service` in a Worker.
 */
export function defaultServiceName(): string {
  if (isWorkerd()) return 'unknown_service';
  try {
    const argv0 = (globalThis as { process?: { argv0?: unknown } }).process?.argv0;
    if (typeof argv0 === 'string' && argv0 !== '') {
      const executable = argv0.split(/[\\/]/).pop();
      if (executable !== undefined && executable !== '') return `unknown_service:${executable}`;
    }
  } catch {
    // A process we may not inspect.
  }
  return 'unknown_service';
}

/**
 * Builds the resource. Precedence, lowest first: SDK defaults, `OTEL_RESOURCE_ATTRIBUTES`,
 * `attributes`, `OTEL_SERVICE_NAME`, then `serviceName`/`serviceVersion` given in code.
 */
export function createResource(options: ResourceOptions, env: EnvReader): Resource {
  const attributes: Attributes = {
    'service.name': defaultServiceName(),
    'telemetry.sdk.name': 'edgetrace',
    'telemetry.sdk.language': runtimeLanguage(),
    'telemetry.sdk.version': VERSION,
  };
  const fromEnv = env.string('OTEL_RESOURCE_ATTRIBUTES');
  if (fromEnv !== undefined) {
    const parsed = parseKeyValueList(fromEnv);
    if (parsed === null) {
      report('warn', 'edgetrace: OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs; ignored');
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
