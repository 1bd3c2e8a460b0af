// Splits an image reference into registry/repository, tag and digest.
export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  const ref: ImageRef = { name: rest };
  const at = rest.indexOf("@");
  if (at >= 0) {
    ref.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash is a tag; before it, it is a registry port.
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) {
    ref.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  ref.name = rest;
  return ref;
}

/** True when the reference follows "latest": no digest, and no tag or the tag `latest`. */
export function isLatest(ref: ImageRef): boolean {
  return !ref.digest && (!ref.tag || ref.tag === "latest");
}
