// Reading a function's environment: the record is passed in (the handler hands over `process.env`), so the
// parsers stay pure and a missing variable is named in the error as the deployment bug it is.

/** A function's environment variables, as Lambda sets them. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** A reader of required variables: throws `<fn> function: environment variable X is not set`. */
export function requiredEnv(env: EnvRecord, fn: string): (name: string) => string {
  return (name) => {
    const v = env[name];
    if (v === undefined || v === '')
      throw new Error(`${fn} function: environment variable ${name} is not set`);
    return v;
  };
}
