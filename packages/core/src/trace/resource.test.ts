// The resource: service.name defaults by runtime, telemetry.sdk.*, OTEL_RESOURCE_ATTRIBUTES and precedence.
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEnvReader, type EnvSource } from '../config/env.js';
import { resetReporting } from '../config/report.js';
import { inWorkerd } from '../test-support/workerd.js';
import { createResource, defaultServiceName } from './resource.js';
import { VERSION } from './version.js';

/** Runs `fn` in a process whose `argv0` is `argv0` (Node's own is not writable). */
function withArgv0<T>(argv0: unknown, fn: () => T): T {
  const real = process;
  vi.stubGlobal('process', { argv0, versions: real.versions });
  try {
    return fn();
  } finally {
    vi.stubGlobal('process', real);
  }
}

const resourceOf = (env: EnvSource, options = {}) => createResource(options, createEnvReader(env)).attributes;

afterEach(() => {
  vi.unstubAllGlobals();
  diag.disable();
  resetReporting();
});

describe('defaultServiceName', () => {
  it('names the executable, without its directory, as the resource conventions ask', () => {
    expect(defaultServiceName()).toBe('unknown_service:node');
    expect(withArgv0('/usr/local/bin/bun', defaultServiceName)).toBe('unknown_service:bun');
    expect(withArgv0('C:\\Program Files\\deno\\deno.exe', defaultServiceName)).toBe(
      'unknown_service:deno.exe',
    );
  });

  it('is plain unknown_service without a usable executable name, and in a Worker', () => {
    expect(withArgv0('', defaultServiceName)).toBe('unknown_service');
    expect(withArgv0('/usr/bin/', defaultServiceName)).toBe('unknown_service');
    expect(withArgv0(42, defaultServiceName)).toBe('unknown_service');
    const guarded = {
      get argv0(): string {
        throw new Error('NotCapable');
      },
    };
    vi.stubGlobal('process', guarded);
    expect(defaultServiceName()).toBe('unknown_service');
    vi.unstubAllGlobals();
    inWorkerd();
    expect(defaultServiceName()).toBe('unknown_service');
  });
});

describe('in workerd', () => {
  it('leaves process alone: there it is made on first use, which costs about 3 ms of CPU', () => {
    inWorkerd();
    let touched = 0;
    vi.stubGlobal('process', {
      get argv0(): string {
        touched++;
        return 'node';
      },
      get versions(): { node: string } {
        touched++;
        return { node: '24.0.0' };
      },
    });
    expect(defaultServiceName()).toBe('unknown_service');
    expect(resourceOf({})['telemetry.sdk.language']).toBe('webjs');
    expect(touched).toBe(0);
  });
});

describe('createResource', () => {
  it('describes the SDK and the runtime language: nodejs in Node, webjs in a Worker', () => {
    expect(resourceOf({})).toEqual({
      'service.name': 'unknown_service:node',
      'telemetry.sdk.name': 'edgetrace',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': VERSION,
    });
    inWorkerd();
    expect(resourceOf({})).toMatchObject({
      'service.name': 'unknown_service',
      'telemetry.sdk.language': 'webjs',
    });
  });

  it('ranks, lowest first: defaults, OTEL_RESOURCE_ATTRIBUTES, attributes, OTEL_SERVICE_NAME, serviceName', () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-list,team=env,zone=eu',
      OTEL_SERVICE_NAME: 'from-var',
    };
    expect(
      resourceOf(env, { attributes: { team: 'code', 'service.name': 'from-attributes' } }),
    ).toMatchObject({
      'service.name': 'from-var',
      team: 'code',
      zone: 'eu',
    });
    expect(resourceOf(env, { serviceName: 'from-code' })['service.name']).toBe('from-code');
    expect(resourceOf({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-list' })['service.name']).toBe(
      'from-list',
    );
  });

  it('sets service.version only when given', () => {
    expect(resourceOf({}, { serviceVersion: '1.2.3' })['service.version']).toBe('1.2.3');
    expect(Object.keys(resourceOf({}))).not.toContain('service.version');
  });

  it('percent-decodes OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(resourceOf({ OTEL_RESOURCE_ATTRIBUTES: 'team=gpu%20infra,note=a%2Cb%3Dc' })).toMatchObject({
      team: 'gpu infra',
      note: 'a,b=c',
    });
  });

  it('ignores a malformed OTEL_RESOURCE_ATTRIBUTES as a whole, with one warning', () => {
    const warnings: string[] = [];
    diag.setLogger(
      { warn: (m) => warnings.push(m), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    const attributes = resourceOf({ OTEL_RESOURCE_ATTRIBUTES: 'good=1,bad' });
    expect(attributes.good).toBeUndefined();
    expect(attributes['service.name']).toBe('unknown_service:node');
    expect(warnings).toEqual([
      'edgetrace: OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs; ignored',
    ]);
  });

  it('reports no dropped attributes', () => {
    expect(createResource({}, createEnvReader({})).droppedAttributesCount).toBe(0);
  });
});
