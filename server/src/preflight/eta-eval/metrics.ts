/** A prediction is a hit when it is within this share of the actual runtime. */
export const HIT_TOLERANCE = 0.25;

export function isWithinTolerance(predictedS: number, actualS: number): boolean {
  return Math.abs(predictedS - actualS) <= HIT_TOLERANCE * actualS;
}

/** Running counts of one predictor over a replay. */
export class HitCounter {
  private hits = 0;
  private total = 0;

  add(predictedS: number | null, actualS: number): void {
    this.total += 1;
    if (predictedS !== null && isWithinTolerance(predictedS, actualS)) this.hits += 1;
  }

  /** Share of hits in percent, one decimal; null when nothing was counted. */
  percent(): number | null {
    return this.total === 0 ? null : Math.round((1000 * this.hits) / this.total) / 10;
  }
}

/** Share of actual runtimes at or below their p90, in percent. */
export class CoverageCounter {
  private covered = 0;
  private total = 0;

  add(p90S: number, actualS: number): void {
    this.total += 1;
    if (actualS <= p90S) this.covered += 1;
  }

  percent(): number | null {
    return this.total === 0 ? null : Math.round((1000 * this.covered) / this.total) / 10;
  }
}
