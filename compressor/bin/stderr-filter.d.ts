// Types of stderr-filter.js (plain JavaScript: the launcher loads it before TypeScript is registered).
export declare class DawnNoiseFilter {
  push(text: string): string;
  end(): string;
}
