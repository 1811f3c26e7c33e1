// What <gs-scene> shows for a load (load-controller.ts keeps it, the element renders it), and the wording
// of its error messages.

export interface LoadView {
  /** The error shown (empty: none). */
  errorMessage: string;
  /** The scene is shown (or nothing will be): the poster is gone and the canvas visible. */
  revealed: boolean;
  /** Splats were on screen when the error came: the message is a banner over them. */
  errorOverScene: boolean;
  /** Loading bar, 0..1; negative: none. */
  progressFraction: number;
}

export const INITIAL_VIEW: LoadView = {
  errorMessage: '',
  revealed: false,
  errorOverScene: false,
  progressFraction: -1,
};

/** The start of a message over the part of a scene that loaded. */
export const PARTIAL_LOAD = 'Only part of the scene could be loaded';

/** The message shown for error `code`: over the splats already drawn (`overScene`) or instead of them. */
export function errorText(code: string, message: string, overScene: boolean, loaded: boolean): string {
  if (code === 'webgpu-unavailable') return `This 3D scene needs WebGPU: ${message}.`;
  if (!overScene) return `Could not show the scene: ${message}`;
  return loaded ? `The scene may not be drawn correctly: ${message}` : `${PARTIAL_LOAD}: ${message}`;
}
