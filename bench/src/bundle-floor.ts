// How far the request-cost Worker's bundle (tracing() + instrumentFetch()) can shrink without
// dropping a feature of its default path: the bundle as built; with every message text of the
// edgetrace packages cut to one character (option checks, warnings, errors); with the parts a
// Worker could import on request (opt-in entries) left out; and with both. Each is minified and
// gzipped as in request-cost and compared with bare Hono. Run: pnpm --filter @edgetrace/bench size:floor
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import ts from 'typescript';
import { bundle } from './worker-bundle.ts';

const OWN_SOURCE = /packages\/[a-z]+\/src\/.*\.ts$/;
/** Message texts are string and template literals this long or longer (keys and ids are shorter). */
const MESSAGE_CHARS = 12;

/** `source` with every message-length literal replaced by "x"; import paths and types kept. */
function withoutMessages(source: string, path: string): string {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const cut: ts.TransformerFactory<ts.SourceFile> = (context) => (root) => {
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node))
        return node;
      const text = ts.isTemplateExpression(node)
        ? node.head.text + node.templateSpans.map((span) => span.literal.text).join('')
        : ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
          ? node.text
          : undefined;
      if (text !== undefined && text.length >= MESSAGE_CHARS) return ts.factory.createStringLiteral('x');
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(root, visit) as ts.SourceFile;
  };
  return ts.createPrinter().printFile(ts.transform(file, [cut]).transformed[0] as ts.SourceFile);
}

/** What an opt-in entry would take out of the default path: each module with an empty stand-in. */
const OPT_IN: Record<string, { buys: string; stub: string }> = {
  'baggage.ts': {
    buys: 'the W3C baggage propagator, half of the OTEL_PROPAGATORS default',
    stub: `export const BAGGAGE = 'baggage';
      export function createBaggagePropagator() { return { inject() {}, extract: (c) => c, fields: () => [] }; }`,
  },
  'console-exporter.ts': {
    buys: 'OTEL_TRACES_EXPORTER=console',
    stub: 'export function createConsoleExporter() { return {}; } export function formatSpan() { return ""; }',
  },
  'batch-processor.ts': {
    buys: 'the batch processor, for servers without waitUntil',
    stub: 'export function createBatchProcessor() { return {}; }',
  },
  'flush-on-exit.ts': {
    buys: 'flushing on SIGTERM, for servers without waitUntil',
    stub: 'export function flushOnExit() { return () => {}; }',
  },
  'tail-policy.ts': {
    buys: 'tail sampling: keeping slow, failed and cancelled traces',
    stub: `export const isSampled = (span) => (span.spanContext.traceFlags & 1) === 1;
      export const keepTrace = () => true;`,
  },
};

function rewrite(messages: boolean, optIn: boolean): Plugin {
  return {
    name: 'rewrite',
    setup(build) {
      build.onLoad({ filter: OWN_SOURCE }, (args) => {
        const name = args.path.split('/').pop() ?? '';
        const stub = optIn ? OPT_IN[name]?.stub : undefined;
        if (stub !== undefined) return { contents: stub, loader: 'js' };
        const source = readFileSync(args.path, 'utf8');
        return { contents: messages ? withoutMessages(source, args.path) : source, loader: 'ts' };
      });
    },
  };
}

const EDGETRACE = `export { default } from './edgetrace.ts';`;
// Bare Hono that also touches the API objects every tracer uses: what the 12 KB goal's
// "@opentelemetry/api included" costs before any edgetrace code.
const WITH_API = `
import './stub-fetch.js';
import { context, propagation, trace } from '@opentelemetry/api';
import { createApp } from './app.js';
const app = createApp((input, init) => fetch(input, init));
export default { fetch: (request) => [trace.getTracer('x'), context.active(), propagation.fields()] && app.fetch(request) };
`;

async function gzipSize(entry: string, plugins: Plugin[] = []): Promise<number> {
  const bytes = await bundle(entry, 'neutral', true, {}, plugins);
  return gzipSync(bytes, { level: 9 }).length;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const bare = await gzipSize(`export { default } from './bare.ts';`);
const asBuilt = await gzipSize(EDGETRACE);
console.log(`@opentelemetry/api alone: ${kb((await gzipSize(WITH_API)) - bare)} over bare Hono (gzip)\n`);
const rows: Array<[string, boolean, boolean]> = [
  ['as built', false, false],
  [`message texts cut (literals of ${MESSAGE_CHARS}+ characters)`, true, false],
  ['opt-in candidates left out', false, true],
  ['both', true, true],
];
console.log('| request-cost Worker | min + gzip | growth over bare Hono (gzip) |');
console.log('| --- | --- | --- |');
for (const [name, messages, optIn] of rows) {
  const size = await gzipSize(EDGETRACE, [rewrite(messages, optIn)]);
  console.log(`| ${name} | ${kb(size)} | ${kb(size - bare)} |`);
}
console.log('\nWhat each opt-in candidate alone saves (gzip):');
for (const [name, { buys }] of Object.entries(OPT_IN)) {
  const only: Plugin = {
    name: 'only',
    setup(build) {
      build.onLoad({ filter: OWN_SOURCE }, (args) =>
        args.path.endsWith(`/${name}`) ? { contents: OPT_IN[name]?.stub ?? '', loader: 'js' } : undefined,
      );
    },
  };
  console.log(`- ${buys} (${name}): ${kb(asBuilt - (await gzipSize(EDGETRACE, [only])))}`);
}
