/**
 * Hands out identifiers that are unique within one document: the first request for a name gets
 * it as is, later ones get `<name><separator><n>`. Callers go through packages in canonical
 * order, so the same report always numbers the same way.
 */
export class UniqueIds {
  private readonly used = new Set<string>();
  constructor(private readonly separator: string) {}

  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}${this.separator}${n}`;
    this.used.add(id);
    return id;
  }
}
