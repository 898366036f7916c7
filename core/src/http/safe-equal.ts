/** The one constant-time comparison lives in the contracts, which plugins share. */
export { safeEqual as safeEqualText } from "../contracts/safe-equal.ts";
