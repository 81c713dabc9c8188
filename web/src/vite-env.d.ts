/// <reference types="vite/client" />

/** The package version, put in by vite.config.ts: the browser spans' service.version. */
declare const __FLOWLAB_VERSION__: string;
