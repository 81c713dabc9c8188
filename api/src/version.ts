/** The API's version: in the OpenAPI document, the root resource and every span's service.version. */
export const API_VERSION = '0.1.0';
