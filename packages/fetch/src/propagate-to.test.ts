import { ConfigError } from '@edgetrace/core';
import { resetReporting } from '@edgetrace/core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPropagationFilter, isPrivateUrl } from './propagate-to.js';

const u = (href: string) => new URL(href);

afterEach(() => {
  vi.restoreAllMocks();
  resetReporting();
});

describe('isPrivateUrl', () => {
  it('admits loopback, private and link-local addresses', () => {
    for (const href of [
      'http://127.0.0.1:8000/v1',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://192.168.1.20/',
      'http://169.254.1.1/',
      'http://100.64.0.1/',
      'http://[::1]:9000/',
      'http://[fd12:3456::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:10.0.0.1]/',
    ]) {
      expect(isPrivateUrl(u(href)), href).toBe(true);
    }
  });

  it('admits names that cannot be public', () => {
    for (const href of [
      'http://localhost:3000/',
      'http://api.localhost/',
      'http://triton:8000/v2',
      'https://vllm.internal/',
      'http://gpu.cluster.local/',
      'http://llm.svc/',
      'http://box.lan/',
      'http://nas.home.arpa/',
      'http://LOCALHOST./',
    ]) {
      expect(isPrivateUrl(u(href)), href).toBe(true);
    }
  });

  it('refuses public hosts and addresses', () => {
    for (const href of [
      'https://api.openai.com/v1/chat/completions',
      'https://example.com/',
      'http://8.8.8.8/',
      'http://172.32.0.1/',
      'http://172.15.0.1/',
      'http://192.169.0.1/',
      'http://[2001:db8::1]/',
      'https://internal.example.com/',
      'https://evil.com/.internal',
      'http://[::ffff:8.8.8.8]/',
    ]) {
      expect(isPrivateUrl(u(href)), href).toBe(false);
    }
  });
});

describe('createPropagationFilter', () => {
  it('uses the private default when not configured, and true/false as all/none', () => {
    expect(createPropagationFilter(undefined)(u('http://127.0.0.1/'))).toBe(true);
    expect(createPropagationFilter(undefined)(u('https://example.com/'))).toBe(false);
    expect(createPropagationFilter(true)(u('https://example.com/'))).toBe(true);
    expect(createPropagationFilter(false)(u('http://127.0.0.1/'))).toBe(false);
  });

  it('matches origins exactly, host names, and *.suffix for subdomains only', () => {
    const admits = createPropagationFilter(['https://gpu.example.com', 'triton.example.net', '*.modal.run']);
    expect(admits(u('https://gpu.example.com/v1/chat'))).toBe(true);
    expect(admits(u('http://gpu.example.com/'))).toBe(false); // another scheme is another origin
    expect(admits(u('https://gpu.example.com:8443/'))).toBe(false);
    expect(admits(u('http://triton.example.net:8000/v2'))).toBe(true);
    expect(admits(u('https://a.b.modal.run/'))).toBe(true);
    expect(admits(u('https://modal.run/'))).toBe(false);
    expect(admits(u('https://notmodal.run/'))).toBe(false);
    expect(admits(u('http://127.0.0.1/'))).toBe(true); // a list adds to the private default
  });

  it('tests RegExps against the origin only, and statelessly', () => {
    const admits = createPropagationFilter([/\.example\.com$/g]);
    expect(admits(u('https://gpu.example.com/'))).toBe(true);
    expect(admits(u('https://gpu.example.com/'))).toBe(true); // a /g RegExp would fail this second call
    expect(admits(u('https://evil.com/?x=.example.com'))).toBe(false);
  });

  it('lets a function alone decide, and treats one that throws as "no", said once on the console', () => {
    expect(createPropagationFilter(() => false)(u('http://127.0.0.1/'))).toBe(false);
    const bug = new Error('bug');
    const admits = createPropagationFilter(() => {
      throw bug;
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(admits(u('http://127.0.0.1/'))).toBe(false);
    expect(admits(u('http://127.0.0.1/'))).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]).toEqual([
      'edgetrace: the propagateTo function threw; trace headers are not sent on that call',
      bug,
    ]);
    expect(createPropagationFilter((url) => url.port === '8000')(u('http://x.example:8000/'))).toBe(true);
  });

  it('rejects invalid entries at setup with a message that says what to write', () => {
    expect(() => createPropagationFilter(['https://']).call(null, u('http://a/'))).toThrow(ConfigError);
    expect(() => createPropagationFilter(['not a host'])).toThrow(/neither an origin nor a host name/);
    expect(() => createPropagationFilter([42 as unknown as string])).toThrow(/strings or RegExps/);
    expect(() => createPropagationFilter('all' as unknown as boolean)).toThrow(/propagateTo must be/);
  });
});
