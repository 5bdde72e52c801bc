/** A reason the order cannot be mapped faithfully, in plain words for the merchant. */
export class UnsupportedOrder extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UnsupportedOrder";
  }
}
