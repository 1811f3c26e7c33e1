// Public entry of the <gs-scene> package: importing it defines the element (in a browser; in Node/SSR
// it defines nothing).
export { GsScene } from './gs-scene.ts';
export type {
  GsSceneBudgetDetail,
  GsSceneBudgetEvent,
  GsSceneCameraChangeEvent,
  GsSceneCameraDetail,
  GsSceneErrorCode,
  GsSceneErrorDetail,
  GsSceneErrorEvent,
  GsSceneEventMap,
  GsSceneEvents,
  GsSceneFirstFrameDetail,
  GsSceneFirstFrameEvent,
  GsSceneLoadDetail,
  GsSceneLoadEvent,
  GsSceneProgressDetail,
  GsSceneProgressEvent,
} from './events.ts';
export type { CameraPose } from './orbit-camera.ts';
export { GsSceneError } from './gpu-device.ts';
