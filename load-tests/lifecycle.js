// k6: the todo lifecycle under load. `docker compose --profile load run --rm k6`.
// Each virtual user registers once, then loops: create, list, complete, delete.
// (k6 cannot run on the lab's CI machines; the load-tests work tests this script against the API.)
import { check, sleep } from 'k6';
import http from 'k6/http';

const API = __ENV.API_URL || 'http://localhost:8000';
const json = { 'Content-Type': 'application/json' };

export const options = {
  vus: 10,
  duration: '1m',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:list}': ['p(95)<250'],
  },
};

export function setup() {
  return { run: `${Date.now()}` };
}

export default function (data) {
  if (!globalThis.token) {
    const credentials = JSON.stringify({ email: `k6-${data.run}-${__VU}@example.com`, password: 'load test password' });
    http.post(`${API}/auth/register`, credentials, { headers: json });
    const login = http.post(`${API}/auth/login`, credentials, { headers: json });
    globalThis.token = login.json('accessToken');
  }
  const auth = { ...json, Authorization: `Bearer ${globalThis.token}` };
  // The create limit is 10 a minute per user: pace each VU under it.
  const created = http.post(`${API}/todos`, JSON.stringify({ title: `k6 ${__VU}-${__ITER}` }), {
    headers: auth,
    tags: { name: 'create' },
  });
  check(created, { 'created or rate-limited': (r) => r.status === 201 || r.status === 429 });
  for (let i = 0; i < 5; i++) {
    check(http.get(`${API}/todos`, { headers: auth, tags: { name: 'list' } }), { listed: (r) => r.status === 200 });
  }
  if (created.status === 201) {
    const id = created.json('id');
    http.patch(`${API}/todos/${id}`, JSON.stringify({ completed: true }), {
      headers: auth,
      tags: { name: 'complete' },
    });
    http.del(`${API}/todos/${id}`, null, { headers: auth, tags: { name: 'delete' } });
  }
  sleep(6);
}
