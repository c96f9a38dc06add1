import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import { countingProcessEnv, inWorkerd } from '../test-support/workerd.js';
import { createEnvReader, parseKeyValueList, processEnv, readEnv } from './env.js';

const warnings = useDiagCapture();

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('processEnv', () => {
  it('is process.env where the runtime has one', () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-process');
    expect(createEnvReader(processEnv()).string('OTEL_SERVICE_NAME')).toBe('from-process');
  });

  it('is empty without a process, or with one whose env cannot be read (Deno without --allow-env)', () => {
    vi.stubGlobal('process', undefined);
    expect(processEnv()).toEqual({});
    vi.stubGlobal('process', { env: null });
    expect(processEnv()).toEqual({});
    vi.stubGlobal('process', {
      get env(): never {
        throw new Error('NotCapable: Requires env access to all, run again with the --allow-env flag');
      },
    });
    expect(processEnv()).toEqual({});
  });
});

describe('readEnv', () => {
  it('reads the Worker’s env, then process.env', () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-process');
    expect(readEnv({ OTEL_LOG_LEVEL: 'warn' }).string('OTEL_SERVICE_NAME')).toBe('from-process');
    expect(readEnv({ OTEL_SERVICE_NAME: 'worker' }).string('OTEL_SERVICE_NAME')).toBe('worker');
    expect(readEnv(undefined).string('OTEL_SERVICE_NAME')).toBe('from-process');
  });

  it('in workerd reads process.env, a copy of the bindings there, only where no env is given', () => {
    inWorkerd();
    const reads = countingProcessEnv({ OTEL_SERVICE_NAME: 'from-process' });
    expect(readEnv({ OTEL_LOG_LEVEL: 'warn' }).string('OTEL_SERVICE_NAME')).toBeUndefined();
    expect(reads()).toBe(0);
    // At module scope, before any request, process.env is all there is.
    expect(readEnv(undefined).string('OTEL_SERVICE_NAME')).toBe('from-process');
    expect(reads()).toBe(1);
  });
});

describe('createEnvReader', () => {
  it('takes the first source that defines a name, such as a Worker’s env before process.env', () => {
    const workerEnv = { OTEL_SERVICE_NAME: 'worker' };
    const env = createEnvReader(workerEnv, undefined, {
      OTEL_SERVICE_NAME: 'process',
      OTEL_LOG_LEVEL: 'debug',
    });
    expect(env.string('OTEL_SERVICE_NAME')).toBe('worker');
    expect(env.string('OTEL_LOG_LEVEL')).toBe('debug');
  });

  it('ignores a binding that is not text, such as a KV namespace of the same name', () => {
    // A binding is an instance of the runtime's class, unlike a JSON value.
    class KvNamespace {
      get(): string {
        return 'kv';
      }
    }
    const env = createEnvReader({ OTEL_SERVICE_NAME: new KvNamespace() }, { OTEL_SERVICE_NAME: 'text' });
    expect(env.string('OTEL_SERVICE_NAME')).toBe('text');
    expect(warnings).toEqual([]);
  });

  it('reads a number or boolean from a Worker’s JSON vars as its text', () => {
    const env = createEnvReader({
      OTEL_SDK_DISABLED: true,
      OTEL_EXPORTER_OTLP_TIMEOUT: 5000,
      OTEL_TRACES_SAMPLER_ARG: 0.25,
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: Number.NaN,
    });
    expect(env.boolean('OTEL_SDK_DISABLED')).toBe(true);
    expect(env.number('OTEL_EXPORTER_OTLP_TIMEOUT', { min: 1 })).toBe(5000);
    expect(env.number('OTEL_TRACES_SAMPLER_ARG', { min: 0, max: 1 })).toBe(0.25);
    expect(env.string('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('passes over a JSON object or array in the vars with a warning that says to write text', () => {
    const env = createEnvReader(
      {
        OTEL_RESOURCE_ATTRIBUTES: { 'deployment.environment.name': 'prod' },
        OTEL_PROPAGATORS: ['tracecontext'],
      },
      { OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=edge' },
    );
    expect(env.string('OTEL_RESOURCE_ATTRIBUTES')).toBe('service.namespace=edge');
    expect(env.list('OTEL_PROPAGATORS')).toBeUndefined();
    expect(warnings).toEqual([
      'edgetrace: OTEL_RESOURCE_ATTRIBUTES is a JSON object in the Worker\'s vars; OTEL_* variables are text (a list is written "key=value,key2=value2"); ignored',
      'edgetrace: OTEL_PROPAGATORS is a JSON array in the Worker\'s vars; OTEL_* variables are text (a list is written "key=value,key2=value2"); ignored',
    ]);
  });

  it('reads numbers within the range asked, warning once with the range for any other', () => {
    const env = createEnvReader({
      OK: ' 250 ',
      FRACTION: '0.25',
      LOW: '-1',
      HIGH: '2',
      WORD: 'ten',
      HALF: '1.5',
    });
    expect(env.number('OK', { min: 0, integer: true })).toBe(250);
    expect(env.number('FRACTION', { min: 0, max: 1 })).toBe(0.25);
    expect(env.number('LOW', { min: 0 })).toBeUndefined();
    expect(env.number('HIGH', { min: 0, max: 1 })).toBeUndefined();
    expect(env.number('WORD')).toBeUndefined();
    expect(env.number('HALF', { integer: true })).toBeUndefined();
    expect(env.number('UNSET')).toBeUndefined();
    expect(warnings).toEqual([
      'edgetrace: LOW="-1" is not a number ≥ 0; using the default',
      'edgetrace: HIGH="2" is not a number ≥ 0 ≤ 1; using the default',
      'edgetrace: WORD="ten" is not a number; using the default',
      'edgetrace: HALF="1.5" is not an integer; using the default',
    ]);
  });

  it('refuses infinities, which no OTEL_* number means', () => {
    const env = createEnvReader({ INF: 'Infinity' });
    expect(env.number('INF')).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('reads a choice case-insensitively and returns it lower-case', () => {
    const env = createEnvReader({ LEVEL: ' WARN ', BAD: 'loud' });
    const levels = ['none', 'warn', 'debug'] as const;
    expect(env.oneOf('LEVEL', levels)).toBe('warn');
    expect(env.oneOf('BAD', levels)).toBeUndefined();
    expect(warnings).toEqual(['edgetrace: BAD="loud" is not one of none, warn, debug; using the default']);
  });

  it('reads booleans as the specification spells them, true or false in any case', () => {
    const env = createEnvReader({ A: 'True', B: 'FALSE', C: '1', D: 'on' });
    expect([env.boolean('A'), env.boolean('B'), env.boolean('C'), env.boolean('D')]).toEqual([
      true,
      false,
      undefined,
      undefined,
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe('edgetrace: C="1" is not true or false; using the default');
  });

  it('treats an empty or blank value as unset, without a warning', () => {
    const env = createEnvReader({ EMPTY: '', BLANK: '  \t', NUMBER: ' ' }, { EMPTY: 'second' });
    expect(env.string('EMPTY')).toBe('second');
    expect(env.string('BLANK')).toBeUndefined();
    expect(env.number('NUMBER')).toBeUndefined();
    expect(env.list('BLANK')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('never throws, and a number it returns is always within the range asked', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: -5, max: 5 }), (text, min) => {
        const value = createEnvReader({ N: text }).number('N', { min, max: min + 10, integer: true });
        if (value !== undefined) {
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + 10);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseKeyValueList', () => {
  it('lets the last of two equal keys win and keeps = inside a value', () => {
    expect(parseKeyValueList('a=1,a=2')).toEqual({ a: '2' });
    expect(parseKeyValueList('token=abc==,x=')).toEqual({ token: 'abc==', x: '' });
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const parsed = parseKeyValueList('__proto__=x,ok=1');
    expect(parsed === null ? [] : Object.keys(parsed)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).ok).toBeUndefined();
  });

  it('rejects a key that decodes to nothing', () => {
    expect(parseKeyValueList('%20=1')).toEqual({ ' ': '1' });
    expect(parseKeyValueList(' =1')).toBeNull();
  });
});
