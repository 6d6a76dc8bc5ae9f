/**
 * Reads a QR code from the camera: the browser's BarcodeDetector where it knows QR codes, else
 * jsQR on the video frames (loaded on first use). Returns a function that stops the camera.
 */
interface Detector {
  detect(source: HTMLVideoElement | HTMLCanvasElement): Promise<Array<{ rawValue: string }>>;
}
interface DetectorClass {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDetector(): Promise<Detector | null> {
  const D = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!D) return null;
  try {
    return (await D.getSupportedFormats()).includes('qr_code') ? new D({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

async function jsQrDetector(): Promise<Detector> {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  return {
    detect: (video) => {
      const v = video as HTMLVideoElement;
      if (!v.videoWidth) return Promise.resolve([]);
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      ctx.drawImage(v, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      return Promise.resolve(found ? [{ rawValue: found.data }] : []);
    },
  };
}

/** Starts the camera in `video` and calls `onCode` once with the first QR code read. */
export async function startScanner(video: HTMLVideoElement, onCode: (text: string) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  await video.play();
  const detector = (await nativeDetector()) ?? (await jsQrDetector());
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      const [hit] = await detector.detect(video);
      if (hit?.rawValue && !stopped) {
        stop();
        onCode(hit.rawValue);
        return;
      }
    } catch {
      /* a frame that cannot be read: try the next */
    }
    setTimeout(() => void tick(), 150);
  };
  void tick();
  return stop;
}
