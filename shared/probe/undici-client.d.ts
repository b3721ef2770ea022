// Types for the deep imports of undici (undici ships types only for its index).
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';

  const UndiciClient: typeof Client;
  export default UndiciClient;
}
declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';

  const request: Dispatcher['request'];
  export default request;
}
