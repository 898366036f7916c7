import { defineStringEnum, type EnumCode } from './define-enum.ts';

/** Categorical daily strain rating computed by Terra's enrichment. */
export const StrainTrafficLight = defineStringEnum('StrainTrafficLight', [
  ['GREEN', 'Green'],
  ['AMBER', 'Amber'],
  ['RED', 'Red'],
]);
export type StrainTrafficLight = EnumCode<typeof StrainTrafficLight>;
