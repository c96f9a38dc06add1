import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countingProcessEnv, inWorkerd } from '../test-support/workerd.js';
import { createTracerProvider } from '../trace/provider.js';
import { createEnvReader } from './env.js';
import { configureReporting, report, resetReporting } from './report.js';

beforeEach(() => resetReporting());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  diag.disable();
  resetReporting();
});

describe('report', () => {
  it('reaches the console without a diag logger, once per message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    report('warn', 'the endpoint is wrong; set OTEL_EXPORTER_OTLP_ENDPOINT');
    report('warn', 'the endpoint is wrong; set OTEL_EXPORTER_OTLP_ENDPOINT');
    report('warn', 'another problem');
    expect(warn.mock.calls).toEqual([
      ['edgetrace: the endpoint is wrong; set OTEL_EXPORTER_OTLP_ENDPOINT'],
      ['edgetrace: another problem'],
    ]);
  });

  it('repeats a summary when asked, but never more than 20 lines a minute', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (let i = 0; i < 30; i++) report('warn', `dropped ${i} spans`, undefined, true);
    expect(warn).toHaveBeenCalledTimes(20);
  });

  it('goes to the diag logger the user installed, not the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logged: string[] = [];
    diag.setLogger(
      {
        error: (m) => logged.push(`error ${m}`),
        warn: (m) => logged.push(`warn ${m}`),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
    report('warn', 'to the logger');
    report('error', 'also', new Error('x'));
    expect(logged).toEqual(['warn edgetrace: to the logger', 'error edgetrace: also']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('honours OTEL_LOG_LEVEL: none silences, error keeps errors only, debug shows debug', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    vi.stubEnv('OTEL_LOG_LEVEL', 'none');
    report('error', 'silenced');
    resetReporting();
    configureReporting({ OTEL_LOG_LEVEL: 'error' }); // a Worker's env binding
    report('warn', 'below the level');
    report('error', 'at the level');
    report('debug', 'hidden');
    resetReporting();
    vi.stubEnv('OTEL_LOG_LEVEL', 'DEBUG');
    report('debug', 'shown');
    expect(error.mock.calls).toEqual([['edgetrace: at the level']]);
    expect(warn).not.toHaveBeenCalled();
    expect(debug.mock.calls).toEqual([['edgetrace: shown']]);
  });

  it('is how a misconfigured provider speaks: a bad OTEL_* value reaches the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    createTracerProvider({ env: { OTEL_TRACES_SAMPLER: 'sometimes' } });
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /OTEL_TRACES_SAMPLER="sometimes" is not one of .*; using the default/,
    );
  });

  it('in workerd, once configured from a Worker’s env, never reads process.env (about 3 ms of CPU to make there)', () => {
    inWorkerd();
    const reads = countingProcessEnv({ OTEL_LOG_LEVEL: 'debug' });
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    try {
      configureReporting({ OTEL_SERVICE_NAME: 'api' });
      report('debug', 'below the default level');
      expect(reads()).toBe(0);
      expect(debug).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('survives a console that throws', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {
      throw new Error('console gone');
    });
    expect(() => report('warn', 'still fine')).not.toThrow();
  });
});

describe('reading an environment we may not read', () => {
  it('treats a variable that throws when read (Deno without --allow-env) as unset', () => {
    const guarded = new Proxy(
      {},
      {
        get() {
          throw new Error('NotCapable: Requires env access');
        },
      },
    );
    const env = createEnvReader(guarded, { OTEL_SERVICE_NAME: 'from-the-second-source' });
    expect(env.string('OTEL_EXPORTER_OTLP_HEADERS')).toBeUndefined();
    expect(env.string('OTEL_SERVICE_NAME')).toBe('from-the-second-source');
    expect(
      createTracerProvider({ env: guarded, serviceName: 'in-code' }).resource.attributes['service.name'],
    ).toBe('in-code');
  });
});
