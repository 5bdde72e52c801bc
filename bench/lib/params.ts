/** Scale parameters: smoke or full defaults, overridable with `--param name=value`. */
export class Params {
  constructor(
    readonly smoke: boolean,
    private readonly overrides: Record<string, string>,
  ) {}

  /** The value for this bench: the override, else the smoke or the full default. */
  num(name: string, smoke: number, full: number): number {
    const value = this.overrides[name];
    return value === undefined ? (this.smoke ? smoke : full) : Number(value);
  }
}
