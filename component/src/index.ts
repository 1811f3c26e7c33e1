// Public entry of the <gs-scene> package: importing it defines the element.
export { GsScene } from './gs-scene.ts';
export type {
  GsSceneBudgetDetail,
  GsSceneCameraDetail,
  GsSceneErrorDetail,
  GsSceneProgressDetail,
} from './gs-scene.ts';
export type { CameraPose } from './orbit-camera.ts';
export { GsSceneError } from './gpu-device.ts';
