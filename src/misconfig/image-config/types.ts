// The few image-config fields the rules read. Kept local so this folder does not depend on src/image.
export interface ImageConfigLike {
  config?: {
    User?: string;
    Env?: string[];
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] } | null;
    Entrypoint?: string[] | string | null;
    Cmd?: string[] | string | null;
  };
  history?: { created_by?: string }[];
}

/** What the image rules see: the config plus the scan target's name. */
export interface ImageDoc {
  config: NonNullable<ImageConfigLike["config"]>;
  /** History entries with their 1-based position. */
  history: { index: number; createdBy: string }[];
  target: string;
}
