/** Jest's asymmetric matchers, typed `unknown` so that object literals holding them are not `any`. */
export const anyString = expect.any(String) as unknown;
export const matching = (re: RegExp) => expect.stringMatching(re) as unknown;
export const containing = (s: string) => expect.stringContaining(s) as unknown;
