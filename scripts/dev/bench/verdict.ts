// One target's pass or fail, as every part of the report lists it. A leaf module: report.ts,
// extras.ts and aimock-report.ts all read it, and none of them has to import another for it.
export interface Verdict {
  target: string;
  figure: string;
  pass: boolean;
}
