import type { RequestIdVariables } from 'hono/request-id';
import type { AccessChecks, Viewer } from './access.ts';

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
    /** Set by a `viewer` route's check: the admin, or the user whose traces these are. */
    viewer: Viewer;
    /** The app's access checks (access.ts), for the routes' contracts to call. */
    access: AccessChecks;
  };
}
