import { defineStringEnum, type EnumCode } from './define-enum.ts';

/** Swimming stroke, sent as a lowercase string (lap `stroke_type`). */
export const StrokeType = defineStringEnum('StrokeType', [
  ['other', 'Other'],
  ['freestyle', 'Freestyle'],
  ['backstroke', 'Backstroke'],
  ['breaststroke', 'Breaststroke'],
  ['butterfly', 'Butterfly'],
]);
export type StrokeType = EnumCode<typeof StrokeType>;
