import type { RequestIdVariables } from 'hono/request-id';

/** The authenticated user, as the routes see it. */
export interface CurrentUser {
  id: number;
  email: string;
  name: string | null;
}

/** Hono's environment for the whole API: what middleware puts on the context. */
export interface HonoEnv {
  Variables: RequestIdVariables & {
    user: CurrentUser;
  };
}
