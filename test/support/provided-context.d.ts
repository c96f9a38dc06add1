// What the workerd project's global setup provides to tests (see receiver-setup.ts).
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the OTLP receiver on 127.0.0.1 (see receiver.ts). */
    receiverUrl: string;
  }
}
