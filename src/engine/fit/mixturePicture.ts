import type { GaussianParameters } from '../em/types';
import type { MixturePicture } from '../output/fitOutput';
import type { MixturePlate } from './mixturePlate';

/** The data coloured by responsibility with the fitted components (1- and 2-D mixtures): at most 5,000 rows, evenly spaced. */
export function mixturePicture(plate: MixturePlate, parameters: GaussianParameters, responsibilities: Float64Array): MixturePicture {
  const { data, rows, columns: D, components: K } = plate.problem;
  const step = Math.max(1, Math.ceil(rows / 5000));
  const points: number[][] = [];
  const shares: number[][] = [];
  for (let i = 0; i < rows; i += step) {
    points.push(Array.from(data.subarray(i * D, (i + 1) * D)));
    shares.push(Array.from(responsibilities.subarray(i * K, (i + 1) * K)));
  }
  const columns = plate.columns;
  const components = Array.from({ length: K }, (_, k) => ({
    weight: parameters.weights[k]!,
    mean: Array.from(parameters.means.subarray(k * D, (k + 1) * D)),
    covariance: Array.from({ length: D }, (_, a) => Array.from(parameters.covariances.subarray(k * D * D + a * D, k * D * D + (a + 1) * D))),
  }));
  return { columns, points, responsibilities: shares, components };
}
