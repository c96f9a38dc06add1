// tracing()'s options: the options every server entry point shares (from @edgetrace/handler),
// plus `skip`, tested on Hono's context. `prepare` checks them once, when tracing() is called.

import { type OptionTable, optionNames } from '@edgetrace/core/internal';
import {
  compileSkip,
  prepareServer,
  type ServerOptions,
  type ServerSetup,
  type SkipOption,
} from '@edgetrace/handler/internal';
import type { Context } from 'hono';

export type { ExporterOption, ProviderOptions } from '@edgetrace/handler/internal';

export interface TracingOptions extends ServerOptions {
  /** Paths not traced: exact paths, RegExps tested on the path, or a function. @default [] */
  skip?: SkipOption<Context>;
}

/** What each request needs, compiled once from the options. */
export interface Setup {
  readonly server: ServerSetup;
  readonly skipped: (c: Context) => boolean;
}

const ENTRY = 'tracing()';

/** tracing()'s own options, beside the shared server options. */
const OWN_OPTIONS: OptionTable<Omit<TracingOptions, keyof ServerOptions>> = { skip: true };

/** Checks the options and compiles them into what each request needs. Invalid ones throw ConfigError. */
export function prepare(options: TracingOptions): Setup {
  return {
    server: prepareServer(options, ENTRY, optionNames(OWN_OPTIONS)),
    skipped: compileSkip(options.skip, (c) => c.req.path, ENTRY),
  };
}
