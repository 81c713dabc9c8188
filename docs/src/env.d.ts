interface ImportMetaEnv {
  /** The API's origin when the pages are not served by the API itself (the dev server). */
  readonly PUBLIC_FLOWLAB_API?: string;
  /** Jaeger's UI, where the compose stack has one: Run it links each trace there. */
  readonly PUBLIC_JAEGER_URL?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
