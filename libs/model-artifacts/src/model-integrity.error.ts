/** A model folder that must not be served: bad manifest, wrong name/version, missing file or sha256 mismatch. */
export class ModelIntegrityError extends Error {
  override readonly name = 'ModelIntegrityError';

  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${dir}: ${reason}`);
  }
}
