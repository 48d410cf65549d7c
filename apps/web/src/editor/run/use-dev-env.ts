"use client";

import { useEffect, useState } from "react";
import { type DevEnvStorage, type DevEnvValues, loadDevEnv, saveDevEnv } from "./run-model.ts";

/** The browser's localStorage, or undefined where there is none or it is off limits. */
export function browserStorage(): DevEnvStorage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * One integration's dev .env, read from `storage` after mount (there is none while rendering
 * on the server) and written back on every change. Pass a stable storage object.
 */
export interface DevEnv {
  values: DevEnvValues;
  setValue(name: string, value: string): void;
  saveFailed: boolean;
}

export function useDevEnv(integrationId: string, storage: DevEnvStorage | undefined): DevEnv {
  const [state, setState] = useState<{ id: string | undefined; values: DevEnvValues }>({
    id: undefined,
    values: {},
  });
  const [saveFailed, setSaveFailed] = useState(false);

  useEffect(() => {
    setState({ id: integrationId, values: loadDevEnv(storage, integrationId) });
  }, [integrationId, storage]);

  // Another integration's values never show while this one's load.
  const values = state.id === integrationId ? state.values : {};
  const setValue = (name: string, value: string) => {
    const next = { ...values, [name]: value };
    setState({ id: integrationId, values: next });
    setSaveFailed(!saveDevEnv(storage, integrationId, next));
  };
  return { values, setValue, saveFailed };
}
