// The walkthrough is served by the API at /learn/ (same origin: no CORS, no local-network prompt),
// built into docs/dist. `npm run docs:dev` serves it on Astro's dev server against PUBLIC_FLOWLAB_API.
import { readdirSync, readFileSync } from 'node:fs';
import starlight from '@astrojs/starlight';
import { defineConfig, passthroughImageService } from 'astro/config';

// One sidebar entry per provisioned dashboard (src/pages/dashboards/ builds their pages): a new
// dashboard file appears without anyone editing this list.
const dashboardsDir = new URL('../dashboards/', import.meta.url);
const dashboardLinks = readdirSync(dashboardsDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, dashboardsDir), 'utf8')))
  .map((d) => ({ label: d.title.replace(/^Flowlab \/ /, ''), link: `/dashboards/${d.uid.replace(/^flowlab-/, '')}/` }));

const step = (slug, label) => ({ slug: `steps/${slug}`, label });

export default defineConfig({
  base: '/learn',
  trailingSlash: 'always',
  outDir: './dist',
  // Images are served as they are: no build-time optimiser, so sharp (20 MB) is left out (stand-ins/sharp).
  image: { service: passthroughImageService() },
  integrations: [
    starlight({
      title: 'Flowlab: a request, step by step',
      description: "Follow one request through the Flowlab API, and watch your own request's trace at every step.",
      customCss: ['./src/styles/lab.css'],
      sidebar: [
        { slug: 'index', label: 'Start here' },
        { slug: 'concepts', label: 'The words, on your first trace' },
        {
          label: 'A request, step by step',
          items: [
            step('click-and-fetch', '1. The click and the fetch'),
            step('request-id', '2. Request id and body limit'),
            step('authenticate', '3. Authenticate'),
            step('validate-request', '4. Validate request'),
            step('rate-limit', '5. Rate limit decision'),
            step('cache-lookup', '6. Cache lookup'),
            step('duplicate-check', '7. Duplicate check'),
            step('outbox-write', '8. Outbox write'),
            step('graph-write', '9. Graph write and the circuit breaker'),
            step('response', "10. The response and the client's state"),
            step('worker', "11. The worker's graph write"),
          ],
        },
        {
          label: 'The whole picture',
          items: [
            { slug: 'picture/diagram', label: 'The request path' },
            { slug: 'picture/dual-write', label: 'The dual write' },
            { slug: 'picture/error-model', label: 'The error model' },
            { slug: 'picture/failure-modes', label: 'Failure modes and fault switches' },
            { slug: 'picture/metrics', label: 'Metrics and exemplars' },
            { slug: 'picture/logs', label: 'Logs' },
          ],
        },
        { label: 'Incident drills', items: [{ slug: 'drills', label: 'From a symptom to its cause' }] },
        { slug: 'recent', label: 'Your recent requests' },
        { slug: 'traces', label: 'A trace, by its id' },
        {
          label: 'Without Grafana or a Jaeger UI',
          items: [
            { slug: 'explore', label: 'Every trace, from Jaeger' },
            { link: '/dashboards/', label: 'Dashboards' },
            ...dashboardLinks,
          ],
        },
        {
          // The README's reference sections, moved here verbatim: the README is the front door.
          label: 'Reference',
          collapsed: true,
          items: [
            { slug: 'reference/request-path', label: "A request's path" },
            { slug: 'reference/curl', label: 'Curl walkthrough' },
            { slug: 'reference/web-client', label: 'The web client' },
            { slug: 'reference/walkthrough', label: 'The guided walkthrough' },
            { slug: 'reference/telemetry', label: 'Traces, metrics, logs' },
            { slug: 'reference/error-model', label: 'The error model' },
            { slug: 'reference/api', label: 'The API' },
            { slug: 'reference/data-flow', label: 'The data flow' },
            { slug: 'reference/full-lab', label: 'The full lab' },
            { slug: 'reference/load-tests', label: 'Load tests' },
            { slug: 'reference/services', label: 'Running the services' },
            { slug: 'reference/security', label: 'Security' },
            { slug: 'reference/configuration', label: 'Configuration' },
            { slug: 'reference/migrations', label: 'Migrations' },
          ],
        },
      ],
    }),
  ],
});
