// Vitest global setup for the workerd project: one receiver for all its test files.
import type { TestProject } from 'vitest/node';
import { startReceiver } from './receiver.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  project.provide('receiverUrl', receiver.url);
  return receiver.close;
}
