// What edgetrace reports, captured for tests through a `diag` logger (which the reporter prefers
// to the console): installed for a test, removed after it with the reporter's memory of what it
// already said, so every test starts from silence.
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach } from 'vitest';
import { resetReporting } from '../config/report.js';

/** The quietest level a capture keeps. */
export type CaptureLevel = 'warn' | 'error';

function install(into: string[], level: CaptureLevel): void {
  const keep = (message: string): void => void into.push(message);
  const ignore = (): void => {};
  diag.setLogger(
    { error: keep, warn: level === 'warn' ? keep : ignore, info: ignore, debug: ignore, verbose: ignore },
    level === 'warn' ? DiagLogLevel.WARN : DiagLogLevel.ERROR,
  );
}

/** Installs a capture now, for the rest of the test; returns the messages as they come. */
export function captureDiag(level: CaptureLevel = 'warn'): string[] {
  const messages: string[] = [];
  install(messages, level);
  return messages;
}

/**
 * For every test of the file: a capture installed before each and removed after it. Returns the
 * messages of the running test (the same list, emptied before each test).
 */
export function useDiagCapture(level: CaptureLevel = 'warn'): string[] {
  const messages: string[] = [];
  beforeEach(() => {
    messages.length = 0;
    install(messages, level);
  });
  afterEach(() => {
    diag.disable();
    resetReporting();
  });
  return messages;
}
