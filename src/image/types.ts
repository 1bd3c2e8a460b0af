import type { Readable } from "node:stream";
import type { LayerInfo } from "../model/index.js";

/** The parts of an OCI image config that Bulwark reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] } | null;
  };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

export interface ImageLayer extends LayerInfo {
  /** Opens the layer blob as stored (gzip, zstd or plain tar). The caller verifies digests. */
  open(): Promise<Readable>;
}

/** A container image opened from any transport. */
export interface Image {
  /** The target as the user wrote it. */
  target: string;
  /** Transport: docker-archive, oci, oci-archive, registry. */
  type: string;
  /** Manifest digest, when the transport knows it. */
  digest?: string;
  names: string[];
  platform?: string;
  config: ImageConfig;
  /** Raw config bytes digest (the image ID). */
  configDigest?: string;
  layers: ImageLayer[];
  close(): Promise<void>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface OpenOptions {
  platform?: Platform;
  /** Registry options; ignored by local transports. */
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfigPath?: string;
  /** Progress sink (stderr on a terminal). */
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { kind: "resolve"; message: string }
  | { kind: "layer-start"; digest: string; size?: number }
  | { kind: "layer-bytes"; digest: string; bytes: number }
  | { kind: "layer-done"; digest: string; cached: boolean };
