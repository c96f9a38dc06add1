// Grouping spans as OTLP nests them: by resource, then by instrumentation scope (name, version,
// schema URL), keeping span order within each group.
import type { InstrumentationScope, Resource, SpanData } from '@edgetrace/core';

export interface ScopeGroup {
  readonly scope: InstrumentationScope;
  readonly spans: SpanData[];
}

export function groupSpans(spans: readonly SpanData[]): Map<Resource, ScopeGroup[]> {
  const byResource = new Map<Resource, Map<string, ScopeGroup>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (scopes === undefined) {
      scopes = new Map();
      byResource.set(span.resource, scopes);
    }
    const { scope } = span;
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}`;
    const group = scopes.get(key);
    if (group === undefined) scopes.set(key, { scope, spans: [span] });
    else group.spans.push(span);
  }
  const out = new Map<Resource, ScopeGroup[]>();
  for (const [resource, scopes] of byResource) out.set(resource, [...scopes.values()]);
  return out;
}
