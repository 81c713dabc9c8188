/** Where a trace id links to: set once from the runtime config. */
import { fallbackConfig, type WebConfig } from '../config.ts';

let views: WebConfig['traces']['views'] = fallbackConfig.traces.views;

export function setTraceViews(next: WebConfig['traces']['views']): void {
  views = next;
}

export function traceLinks(traceId: string): { label: string; href: string }[] {
  const fill = (template: string) => template.replace('{traceId}', traceId);
  const links = [{ label: 'span tree', href: fill(views.debug) }];
  if (views.docs) links.unshift({ label: 'trace view', href: fill(views.docs) });
  if (views.jaeger) links.push({ label: 'Jaeger', href: fill(views.jaeger) });
  return links;
}
