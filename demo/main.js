// The demo page's behaviour: loads the <gs-scene> bundle, picks the scene to show (?src=, file picker,
// drag and drop, URL box; default ./generated/scene.gsz made by `npm run demo`), and shows live stats
// from the element's `progress` / `first-frame` / `load` / `error` events, plus an embed snippet.
// Plain ES module (no build step) so the page works straight from `scripts/serve.ts`.

const BUNDLE = '../component/dist/gs-scene.bundle.js';
const DEFAULT_SRC = './generated/scene.gsz';

const $ = (id) => document.getElementById(id);
const viewer = $('viewer');

/** Current scene: the URL given to the element and a display name (blob URLs show the file name). */
let current = { src: '', name: '', blob: false };
let timing = { start: 0, firstFrame: 0 };

// ---------- formatting ----------
function formatBytes(n) {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
const formatCount = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '?');
const formatMs = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

function setStatus(text, isError = false) {
  $('stat-status').textContent = text;
  $('stat-status').classList.toggle('error', isError);
}

function showMessage(html, isError = false) {
  const box = $('message');
  box.innerHTML = html;
  box.classList.toggle('error', isError);
  box.hidden = !html;
}

// ---------- choosing a scene ----------
function open(src, name, blob = false) {
  if (current.blob && current.src !== src) URL.revokeObjectURL(current.src);
  current = { src, name, blob };
  timing = { start: performance.now(), firstFrame: 0 };
  $('source-name').textContent = name;
  for (const id of ['stat-splats', 'stat-bytes', 'stat-first', 'stat-load']) $(id).textContent = '–';
  $('bar').value = 0;
  $('bar').classList.remove('done');
  showMessage('');
  setStatus('loading');
  viewer.setAttribute('src', src);
  updateSnippet();
}

function openFile(file) {
  if (!file) return;
  if (!/\.gsz$/i.test(file.name)) {
    showMessage(
      `<b>${escapeHtml(file.name)}</b> is not a <code>.gsz</code> file. Convert it first: <code>gs-compress pack ${escapeHtml(file.name)} -o scene.gsz</code>`,
      true,
    );
    return;
  }
  open(URL.createObjectURL(file), file.name, true);
}

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

$('file').addEventListener('change', (event) => openFile(event.target.files?.[0]));
$('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = $('url').value.trim();
  if (!url) return;
  const params = new URLSearchParams(location.search);
  params.set('src', url);
  history.replaceState(null, '', `?${params}`);
  open(url, url);
});

// Drag and drop anywhere on the page; the overlay shows while a file is over the window.
let dragDepth = 0;
window.addEventListener('dragenter', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  $('drop').hidden = false;
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) $('drop').hidden = true;
});
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  $('drop').hidden = true;
  openFile(event.dataTransfer?.files?.[0]);
});

// ---------- viewer options ----------
$('auto-rotate').addEventListener('change', (event) =>
  viewer.toggleAttribute('auto-rotate', event.target.checked),
);
$('background').addEventListener('input', (event) => {
  viewer.setAttribute('background', event.target.value);
  updateSnippet();
});
$('screenshot').addEventListener('click', async () => {
  if (typeof viewer.screenshot !== 'function') return;
  try {
    const shot = await viewer.screenshot();
    const url = typeof shot === 'string' ? shot : URL.createObjectURL(shot);
    const a = Object.assign(document.createElement('a'), { href: url, download: 'gs-scene.png' });
    a.click();
    if (typeof shot !== 'string') setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showMessage(`Screenshot failed: ${escapeHtml(error?.message ?? error)}`, true);
  }
});

// ---------- stats from the element's events ----------
viewer.addEventListener('progress', (event) => {
  const { bytesLoaded, bytesTotal, splatsLoaded, splatsTotal } = event.detail ?? {};
  $('stat-bytes').textContent = bytesTotal
    ? `${formatBytes(bytesLoaded)} / ${formatBytes(bytesTotal)}`
    : formatBytes(bytesLoaded);
  $('stat-splats').textContent = splatsTotal
    ? `${formatCount(splatsLoaded)} / ${formatCount(splatsTotal)}`
    : formatCount(splatsLoaded);
  const fraction = bytesTotal ? bytesLoaded / bytesTotal : splatsTotal ? splatsLoaded / splatsTotal : 0;
  $('bar').value = Math.min(1, fraction);
});
viewer.addEventListener('first-frame', () => {
  timing.firstFrame = performance.now();
  $('stat-first').textContent = formatMs(timing.firstFrame - timing.start);
  setStatus('streaming');
});
viewer.addEventListener('load', () => {
  $('stat-load').textContent = formatMs(performance.now() - timing.start);
  if (Number.isFinite(viewer.splatCount)) $('stat-splats').textContent = formatCount(viewer.splatCount);
  $('bar').value = 1;
  $('bar').classList.add('done');
  setStatus('loaded');
});
viewer.addEventListener('error', (event) => {
  // The element's `error` event carries { code, message }; a plain `error` Event (no detail) is ignored.
  const detail = event.detail;
  if (!detail) return;
  setStatus(detail.code ?? 'error', true);
  let hint = '';
  if (
    current.src === DEFAULT_SRC &&
    /not-found|http|network|fetch/i.test(`${detail.code} ${detail.message}`)
  ) {
    hint =
      '<br>No demo scene yet: run <code>npm run demo</code> to generate it, or open a <code>.gsz</code> file.';
  }
  showMessage(
    `<b>Could not show ${escapeHtml(current.name)}</b>: ${escapeHtml(detail.message ?? detail.code)}${hint}`,
    true,
  );
});
let lastCamera;
viewer.addEventListener('camera-change', (event) => {
  lastCamera = event.detail;
  if ($('with-camera').checked) updateSnippet();
});

// Frame rate: the element's own figure when it exposes one, else the page's animation-frame rate
// (the element renders on requestAnimationFrame, so this bounds its rate).
let frames = 0;
let windowStart = performance.now();
function tick(now) {
  frames++;
  if (now - windowStart >= 500) {
    const pageFps = (frames * 1000) / (now - windowStart);
    const fps = typeof viewer.fps === 'number' ? viewer.fps : pageFps;
    $('stat-fps').textContent = document.hidden ? '–' : `${fps.toFixed(0)} fps`;
    frames = 0;
    windowStart = now;
  }
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

// ---------- embed snippet ----------
function vec(value) {
  return Array.isArray(value) || ArrayBuffer.isView(value)
    ? Array.from(value, (v) => +Number(v).toFixed(3)).join(' ')
    : undefined;
}

function updateSnippet() {
  const bundle = new URL(BUNDLE, location.href).href;
  const src = current.blob ? current.name : new URL(current.src || DEFAULT_SRC, location.href).href;
  const attributes = [`src="${src}"`, 'controls'];
  if ($('auto-rotate').checked) attributes.push('auto-rotate');
  const background = $('background').value;
  if (background && background.toLowerCase() !== '#ffffff') attributes.push(`background="${background}"`);
  if ($('with-camera').checked && lastCamera) {
    const position = vec(lastCamera.position),
      target = vec(lastCamera.target);
    if (position) attributes.push(`camera-position="${position}"`);
    if (target) attributes.push(`camera-target="${target}"`);
  }
  $('snippet').textContent =
    `<script type="module" src="${bundle}"></script>\n` +
    `<gs-scene ${attributes.join(' ')}\n          style="display:block; width:100%; aspect-ratio:4/3"></gs-scene>`;
}
$('with-camera').addEventListener('change', updateSnippet);
$('auto-rotate').addEventListener('change', updateSnippet);

$('copy').addEventListener('click', async () => {
  const text = $('snippet').textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API unavailable (permissions, older browser): fall back to a selection copy.
    const range = document.createRange();
    range.selectNodeContents($('snippet'));
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand('copy');
  }
  $('copy').textContent = 'Copied';
  setTimeout(() => ($('copy').textContent = 'Copy'), 1500);
});

// ---------- start ----------
async function start() {
  updateSnippet();
  if (!('gpu' in navigator)) {
    showMessage(
      'This browser has no WebGPU (<code>navigator.gpu</code>). Try a recent Chrome, Edge or Safari, or Firefox with WebGPU enabled.',
      true,
    );
  }
  try {
    await import(BUNDLE);
    await customElements.whenDefined('gs-scene');
  } catch (error) {
    setStatus('no component', true);
    showMessage(
      `Could not load <code>${BUNDLE}</code> (${escapeHtml(error?.message ?? error)}). Build it with <code>npm run build</code>.`,
      true,
    );
    return;
  }
  const requested = new URLSearchParams(location.search).get('src');
  if (requested) {
    $('url').value = requested;
    open(requested, requested);
  } else {
    open(DEFAULT_SRC, 'the demo scene (generated/scene.gsz)');
  }
}
start();
