// Numbers as the picture shows them: Python's "%.4f" (ties to even), negative zero as 0.0000.

const TIE_SCALE = 32; // at 4 decimals, exact ties are the odd multiples of 1/32

export function formatNumber(x) {
  let text;
  const magnitude = Math.abs(x);
  if (magnitude >= 1e21) {
    text = `${BigInt(x)}.0000`; // toFixed switches to exponents here; Python prints every digit
  } else if (Number.isInteger(magnitude * TIE_SCALE) && (magnitude * TIE_SCALE) % 2 === 1 && magnitude < 2 ** 40) {
    // toFixed rounds exact ties away from zero; Python rounds them to the even digit.
    const scaled = magnitude * 10000; // exact for these values
    let digits = Math.floor(scaled);
    if (digits % 2 === 1) digits += 1;
    text = (x < 0 ? "-" : "") + (digits / 10000).toFixed(4);
  } else {
    text = x.toFixed(4);
  }
  return text === "-0.0000" ? "0.0000" : text;
}
