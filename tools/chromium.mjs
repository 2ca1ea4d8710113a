// How the tests and the benchmark start Chromium: Debian's /usr/bin/chromium (never a
// downloaded browser), headless, kept off the network except 127.0.0.1. No imports, so that
// any package (the repo's, benches/browser's) can use it with its own playwright-core.
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Extra flags for WebGPU (Vulkan; SwiftShader where there is no GPU). */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'];
