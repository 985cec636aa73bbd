/** Reading a Cloud Run v2 service's containers and environment variables. */
import { read, readArray, readString, UNKNOWN, type Unknown } from "./values";

export interface EnvVar {
  container: number;
  name: string;
  /** Literal value (`value`), UNKNOWN when computed. */
  value: string | Unknown | undefined;
  /** Secret Manager reference (`valueSource.secretKeyRef.secret`). */
  secretRef: string | Unknown | undefined;
}

/** Every named environment variable of every container of the service's template. */
export function envVars(props: unknown): EnvVar[] {
  const containers = readArray(props, "template.containers");
  if (containers === UNKNOWN || containers === undefined) return [];
  return containers.flatMap((container, index) => {
    const envs = readArray(container, "envs");
    if (envs === UNKNOWN || envs === undefined) return [];
    return envs.flatMap((env) => {
      const name = readString(env, "name");
      if (typeof name !== "string") return [];
      return [
        {
          container: index,
          name,
          value: readString(env, "value"),
          secretRef:
            read(env, "valueSource.secretKeyRef") === undefined
              ? undefined
              : readString(env, "valueSource.secretKeyRef.secret"),
        },
      ];
    });
  });
}

export function envVar(props: unknown, name: string): EnvVar | undefined {
  return envVars(props).find((env) => env.name === name);
}
