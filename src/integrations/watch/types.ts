// A registry watch: what to list, how often, and with which credentials.
export interface Watch {
  id: string;
  name: string;
  /** host[:port] of the registry. */
  registry: string;
  /** Repository globs (`team/*`, `prod/**`); empty = every repository of the catalog. */
  repositories: string[];
  /** Tag globs; empty = every tag. */
  tags: string[];
  /** Seconds between listings; 0 = only webhook events. */
  intervalSeconds: number;
  /** Plain HTTP / unverified TLS for this registry (opt-in, as --insecure). */
  insecure: boolean;
  enabled: boolean;
  /** Whether a username/password is stored (the values are never returned). */
  hasCredentials: boolean;
  lastListedAt?: string;
  lastError?: string;
  createdAt: string;
}

export interface WatchCredentials {
  username: string;
  password: string;
}
