/**
 * An online logistic regression that predicts whether a candidate's value will be a ±25% hit,
 * trained by stochastic gradient descent as runtimes become known. The selector picks the
 * candidate with the highest predicted hit probability.
 */
export class LogisticSelector {
  private readonly weights: Float64Array;

  constructor(
    readonly featureCount: number,
    private readonly learningRate = 0.05,
    private readonly l2 = 1e-5,
  ) {
    this.weights = new Float64Array(featureCount);
  }

  score(features: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < this.featureCount; i += 1) sum += (this.weights[i] as number) * (features[i] as number);
    return sum;
  }

  /** Takes one gradient step on the log loss for one candidate whose outcome is now known. */
  learn(features: Float64Array, hit: boolean): void {
    const probability = 1 / (1 + Math.exp(-this.score(features)));
    const error = (hit ? 1 : 0) - probability;
    for (let i = 0; i < this.featureCount; i += 1) {
      const weight = this.weights[i] as number;
      this.weights[i] = weight + this.learningRate * (error * (features[i] as number) - this.l2 * weight);
    }
  }
}
