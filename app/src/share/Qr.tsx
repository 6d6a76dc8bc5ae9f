/**
 * A QR code drawn as one SVG path (no inline styles: the app's CSP allows none). lean-qr is loaded
 * on first use, so it is not part of the first load.
 */
import { useEffect, useState } from 'preact/hooks';

/** The QR code's dark modules as an SVG path, with a 4-module quiet zone. */
async function qrPath(text: string): Promise<{ size: number; d: string }> {
  const { generate } = await import('lean-qr');
  const code = generate(text);
  let d = '';
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) if (code.get(x, y)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
  }
  return { size: code.size + 8, d };
}

export function Qr(props: { text: string; label: string }) {
  const [qr, setQr] = useState<{ size: number; d: string } | null>(null);
  useEffect(() => {
    let live = true;
    void qrPath(props.text).then((q) => live && setQr(q));
    return () => {
      live = false;
    };
  }, [props.text]);
  if (!qr) return <div class="qr qr-loading" role="img" aria-label={props.label} />;
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shape-rendering="crispEdges"
      data-code={props.text}
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.d} fill="#000" />
    </svg>
  );
}
