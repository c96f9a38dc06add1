// Bundling a benchmark variant (src/variants) as wrangler would for a Worker (neutral platform,
// the workerd and worker conditions), or for Node; shared by request-cost and bundle-floor.
import { builtinModules } from 'node:module';
import { build, type OutputFile, type Plugin } from 'esbuild';

const variants = `${import.meta.dirname}/variants`;

export async function bundle(
  entry: string,
  platform: 'node' | 'neutral',
  minify: boolean,
  define: Record<string, string> = {},
  plugins: Plugin[] = [],
): Promise<Uint8Array> {
  const [script] = await buildOutputs(entry, platform, minify, define, plugins, false);
  return script?.contents ?? new Uint8Array();
}

async function buildOutputs(
  entry: string,
  platform: 'node' | 'neutral',
  minify: boolean,
  define: Record<string, string>,
  plugins: Plugin[],
  sourcemap: boolean,
): Promise<OutputFile[]> {
  const result = await build({
    // The collector URL and coalescing bound a workerd run may set (stub-fetch.ts, edgetrace-bound.ts).
    define: { COALESCE_MS: '0', COLLECTOR_URL: '""', ...define },
    stdin: { contents: entry, resolveDir: variants, loader: 'ts' },
    bundle: true,
    minify,
    format: 'esm',
    platform,
    target: 'es2022',
    write: false,
    plugins,
    ...(sourcemap ? { sourcemap: 'external' as const, outfile: 'worker.mjs' } : {}),
    // Node built-ins stay imports: workerd provides them under nodejs_compat.
    external: ['node:*', 'cloudflare:*', ...builtinModules],
    ...(platform === 'neutral'
      ? { mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'import'] }
      : {}),
    logLevel: 'error',
  });
  // The script first, then its map.
  return result.outputFiles.sort((a, b) => Number(a.path.endsWith('.map')) - Number(b.path.endsWith('.map')));
}

/** A variant's Worker (its module in src/variants, without extension) as one script, bundled as wrangler would. */
export async function workerScript(
  file: string,
  minify: boolean,
  define: Record<string, string> = {},
): Promise<string> {
  return new TextDecoder().decode(
    await bundle(`export { default } from './${file}.ts';`, 'neutral', minify, define),
  );
}

/** A variant's Worker minified, as workerScript makes it, with its source map (version 3, as JSON). */
export async function workerScriptWithMap(file: string): Promise<{ script: string; map: string }> {
  const [script, map] = await buildOutputs(
    `export { default } from './${file}.ts';`,
    'neutral',
    true,
    {},
    [],
    true,
  );
  return { script: script?.text ?? '', map: map?.text ?? '' };
}
