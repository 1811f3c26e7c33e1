// Pointer, wheel and keyboard input for the orbit camera (controls="orbit"):
// - drag: orbit; right-drag, shift-drag or two-finger drag: pan; wheel or pinch: zoom;
// - arrows orbit (shift+arrows pan), +/- zoom, when the canvas has focus (it is tabindex=0);
// - double-click: re-target to the nearest splat under the pointer.
// The wheel only zooms while the canvas is focused (or for trackpad pinch, ctrlKey), so scrolling the
// page over a viewer never gets hijacked. Pointer capture keeps drags alive outside the canvas.
import type { Vec3 } from '../../shared/math/camera.ts';
import type { CameraController } from './camera-controller.ts';

export interface OrbitControlsHost {
  /** Schedules a frame (camera moved). */
  requestFrame(): void;
  /** World point under the CSS-pixel position, if any splat is there. */
  pick(x: number, y: number): Vec3 | undefined;
}

const KEY_ANGLE = (5 * Math.PI) / 180;
const KEY_PAN_PIXELS = 24;

export class OrbitControls {
  private readonly pointers = new Map<number, { x: number; y: number; button: number; shift: boolean }>();
  private pinchDistance = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly camera: CameraController,
    private readonly host: OrbitControlsHost,
  ) {
    const opts = { signal: this.abort.signal };
    canvas.addEventListener('pointerdown', (e) => this.down(e), opts);
    canvas.addEventListener('pointermove', (e) => this.move(e), opts);
    canvas.addEventListener('pointerup', (e) => this.up(e), opts);
    canvas.addEventListener('pointercancel', (e) => this.up(e), opts);
    canvas.addEventListener('wheel', (e) => this.wheel(e), { signal: this.abort.signal, passive: false });
    canvas.addEventListener('contextmenu', (e) => e.preventDefault(), opts);
    canvas.addEventListener('dblclick', (e) => this.doubleClick(e), opts);
    canvas.addEventListener('keydown', (e) => this.key(e), opts);
  }

  dispose(): void {
    this.abort.abort();
    this.pointers.clear();
    this.camera.interacting = false;
  }

  private get focused(): boolean {
    return (this.canvas.getRootNode() as Document | ShadowRoot).activeElement === this.canvas;
  }

  private down(e: PointerEvent): void {
    this.canvas.focus({ preventScroll: true });
    this.canvas.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY, button: e.button, shift: e.shiftKey });
    this.camera.interacting = true;
    if (this.pointers.size === 2) this.pinchDistance = this.spread();
    e.preventDefault();
  }

  private move(e: PointerEvent): void {
    const p = this.pointers.get(e.pointerId);
    if (!p) return;
    const dx = e.clientX - p.x;
    const dy = e.clientY - p.y;
    const orbit = this.camera.orbit;
    const height = this.canvas.clientHeight || 1;
    if (this.pointers.size >= 2) {
      // Two fingers: pan by the midpoint motion (half of each finger's share), zoom by the spread.
      p.x = e.clientX;
      p.y = e.clientY;
      orbit.pan(dx / 2, dy / 2, height);
      const spread = this.spread();
      if (this.pinchDistance > 0 && spread > 0)
        orbit.zoom(Math.log(spread / this.pinchDistance) / Math.log(1.1));
      this.pinchDistance = spread;
    } else {
      p.x = e.clientX;
      p.y = e.clientY;
      if (p.button === 2 || p.button === 1 || p.shift || e.shiftKey) orbit.pan(dx, dy, height);
      else orbit.rotate((-dx / height) * Math.PI, (dy / height) * Math.PI);
    }
    this.camera.markChanged();
    this.host.requestFrame();
  }

  private up(e: PointerEvent): void {
    if (!this.pointers.delete(e.pointerId)) return;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.pinchDistance = this.pointers.size === 2 ? this.spread() : 0;
    this.camera.interacting = this.pointers.size > 0;
    this.host.requestFrame();
  }

  private spread(): number {
    const [a, b] = [...this.pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  }

  private wheel(e: WheelEvent): void {
    if (!this.focused && !e.ctrlKey) return;
    e.preventDefault();
    // deltaMode 0 is pixels (~100 per notch), 1 lines (~3 per notch).
    const notches = e.deltaMode === 1 ? e.deltaY / 3 : e.deltaY / 100;
    this.camera.orbit.zoom(-notches);
    this.camera.markChanged();
    this.host.requestFrame();
  }

  private doubleClick(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const point = this.host.pick(e.clientX - rect.left, e.clientY - rect.top);
    if (!point) return;
    this.camera.orbit.retarget(point);
    this.camera.markChanged();
    this.host.requestFrame();
  }

  private key(e: KeyboardEvent): void {
    const orbit = this.camera.orbit;
    const height = this.canvas.clientHeight || 1;
    const pan = e.shiftKey;
    switch (e.key) {
      case 'ArrowLeft':
        if (pan) orbit.pan(-KEY_PAN_PIXELS, 0, height);
        else orbit.rotate(KEY_ANGLE, 0);
        break;
      case 'ArrowRight':
        if (pan) orbit.pan(KEY_PAN_PIXELS, 0, height);
        else orbit.rotate(-KEY_ANGLE, 0);
        break;
      case 'ArrowUp':
        if (pan) orbit.pan(0, -KEY_PAN_PIXELS, height);
        else orbit.rotate(0, KEY_ANGLE);
        break;
      case 'ArrowDown':
        if (pan) orbit.pan(0, KEY_PAN_PIXELS, height);
        else orbit.rotate(0, -KEY_ANGLE);
        break;
      case '+':
      case '=':
        orbit.zoom(1);
        break;
      case '-':
      case '_':
        orbit.zoom(-1);
        break;
      default:
        return;
    }
    e.preventDefault();
    this.camera.markChanged();
    this.host.requestFrame();
  }
}
