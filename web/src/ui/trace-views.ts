/** Where a trace id links to: set once from the runtime config. */
import { fallbackConfig, type WebConfig } from '../config.ts';

let views: WebConfig['traces']['views'] = fallbackConfig.traces.views;

export function setTraceViews(next: WebConfig['traces']['views']): void {
  views = next;
}

export function traceLinks(traceId: string): { label: string; href: string; sameOrigin: boolean }[] {
  const fill = (template: string) => template.replace('{traceId}', traceId);
  const link = (label: string, href: string) => ({
    label,
    href,
    sameOrigin: new URL(href, location.href).origin === location.origin,
  });
  const links = [link('span tree', fill(views.debug))];
  if (views.docs) links.unshift(link('trace view', fill(views.docs)));
  if (views.jaeger) links.push(link('Jaeger', fill(views.jaeger)));
  return links;
}
