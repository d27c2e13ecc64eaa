/** A BPMF cell over generated ratings, with the data inline, for the engine tests. */
import { BPMF_MODEL, type RatingsData } from '../../../scripts/ratingsData';

export function bpmfCell(data: RatingsData, d: number, run: string): string {
  const v = (xs: number[]): string => `c(${xs.join(', ')})`;
  const { train, test, spec } = data;
  return `${BPMF_MODEL}data list(N = ${train.length}, Nu = ${spec.users}, Ni = ${spec.items}, D = ${d}, Ntest = ${test.length},
  user = ${v(train.map((r) => r.user))}, item = ${v(train.map((r) => r.item))}, rating = ${v(train.map((r) => r.rating))},
  tuser = ${v(test.map((r) => r.user))}, titem = ${v(test.map((r) => r.item))}, rtest = ${v(test.map((r) => r.rating))})
${run}
`;
}
