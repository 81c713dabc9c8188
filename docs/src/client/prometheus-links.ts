/**
 * <prometheus-links>: points each panel's link at the Prometheus the API names (GET /debug/views,
 * WEB_PROMETHEUS_URL), so one docs build serves native and compose alike. Without an answer the
 * links keep the lab's default, http://127.0.0.1:9090.
 */
import { labViews } from './views.ts';

class PrometheusLinks extends HTMLElement {
  async connectedCallback() {
    const views = await labViews();
    if (!views) return;
    for (const link of this.querySelectorAll<HTMLAnchorElement>('a[data-graph-path]'))
      link.href = `${views.prometheus.ui}${link.dataset.graphPath}`;
  }
}

customElements.define('prometheus-links', PrometheusLinks);
